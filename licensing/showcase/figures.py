"""Twin figures: consistent, tasteful vector figures drawn from a talent's recorded attributes.

There are no photographs of the demo talents, so each twin is a fashion-plate figure built from
what the talent recorded: gender presentation, Monk skin tone, height, body shape, clothing size
and hair. The figure is a `drawing.Frame` (the skeleton garments are fitted to) plus skin,
face and hair shapes. Pure functions of a `TwinSpec`: same spec and pose, same drawing.
"""
from __future__ import annotations

from dataclasses import dataclass

from drawing import (
    SHAPE_RATIOS,
    SIZE_WIDTH,
    Body,
    Frame,
    Shape,
    arc,
    arm,
    arm_w,
    body_frame,
    bottom_outline,
    ellipse,
    limb_edge,
    line,
    mix,
    normalise_hex,
    poly,
    qbez,
    top_outline,
)

# The Monk Skin Tone scale (Ellis Monk / Google, CC BY 4.0), tones 1 (lightest) to 10 (darkest).
MONK_SCALE: dict[int, str] = {
    1: "#f6ede4", 2: "#f3e7db", 3: "#f7ead0", 4: "#eadaba", 5: "#d7bd96",
    6: "#a07e56", 7: "#825c43", 8: "#604134", 9: "#3a312a", 10: "#292420",
}
POSES = ("front", "three_quarter", "walk")
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 140, 210


@dataclass(frozen=True)
class TwinSpec:
    """The attributes a figure is drawn from (a `Talent`'s, see `spec_for_twin`)."""

    twin_id: int
    name: str
    gender_presentation: str = "androgynous"
    monk_skin_tone: int = 5
    height_cm: int = 172
    body_shape: str = "straight"
    clothing_size: str = "M"
    hair_style: str = ""
    hair_colour: str = "#3b2a20"

    def fingerprint(self) -> str:
        """Everything that changes the drawing, for cache keys."""
        return "|".join(str(v) for v in (self.gender_presentation, self.monk_skin_tone, self.height_cm, self.body_shape,
                                         self.clothing_size, self.hair_style, self.hair_colour))


def spec_for_twin(twin) -> TwinSpec:
    t = twin.talent
    return TwinSpec(
        twin_id=twin.pk, name=t.display_name, gender_presentation=t.gender_presentation,
        monk_skin_tone=t.monk_skin_tone, height_cm=t.height_cm, body_shape=t.body_shape,
        clothing_size=t.clothing_size, hair_style=t.hair_style or "", hair_colour=t.hair_colour or "#3b2a20",
    )


def skin_hex(tone: int) -> str:
    return MONK_SCALE[min(10, max(1, int(tone)))]


def figure_palette(spec: TwinSpec) -> dict[str, str]:
    skin = skin_hex(spec.monk_skin_tone)
    hair = normalise_hex(spec.hair_colour)
    dark_skin = spec.monk_skin_tone >= 7
    return {
        "skin": skin,
        "skin_shade": mix(skin, "#000000", 0.14),
        "skin_line": mix(skin, "#000000", 0.42) if not dark_skin else mix(skin, "#000000", 0.55),
        "lip": mix(skin, "#9b3b3b", 0.35),
        "eye": "#1d1a1a" if not dark_skin else "#0c0a0a",
        "hair": hair,
        "hair_shade": mix(hair, "#000000", 0.3) if hair != "#000000" else "#2a2a2a",
        "outline": mix(skin, "#000000", 0.45),
        "base": skin,
        "flat": skin,
    }


def body_for(spec: TwinSpec, *, stature: float, cx: float, ground: float, pose: str) -> Body:
    waist, hip = SHAPE_RATIOS.get(spec.body_shape, SHAPE_RATIOS["straight"])
    shoulder = {"masculine": 0.112, "feminine": 0.098}.get(spec.gender_presentation, 0.104)
    bust = {"feminine": 1.0, "androgynous": 0.3}.get(spec.gender_presentation, 0.0)
    if spec.gender_presentation == "masculine":
        hip *= 0.95
    return Body(stature=stature, cx=cx, ground=ground, shoulder=shoulder, waist=waist, hip=hip,
                width=SIZE_WIDTH.get(spec.clothing_size, 1.0), bust=bust, pose=pose if pose in POSES else "front")


def stature_px(height_cm: int, canvas_h: float) -> float:
    """Taller talents are drawn taller on the same canvas, so 'a taller model' is visible."""
    h = min(MAX_HEIGHT_CM, max(MIN_HEIGHT_CM, height_cm))
    return canvas_h * 0.87 * h / MAX_HEIGHT_CM


# --- drawing ----------------------------------------------------------------------------------------


def _arm_shape(fr: Frame, side: int) -> list:
    j = arm(fr, side)
    ts = [0.0, 0.25, 0.5, 0.75, 1.0]
    outer = [limb_edge(j, t, arm_w(fr, t), side) for t in ts]
    inner = [limb_edge(j, t, -arm_w(fr, t), side) for t in ts[::-1]]
    return outer + inner


def hair_back(spec: TwinSpec, fr: Frame) -> list[Shape]:
    """Hair that falls behind the head and shoulders (drawn before the body)."""
    style = spec.hair_style.lower()
    hx, hy = fr.head_c
    rx, ry = fr.head_rx, fr.head_ry
    if any(k in style for k in ("long", "wave", "braid")):
        bottom = fr.y(0.3 if "long" in style or "braid" in style else 0.24)
        shape = arc(hx, hy - ry * 0.1, rx * 1.22, ry * 1.12, 180, 360, 12) + [
            (hx + rx * 1.3, (hy + bottom) / 2), (hx + rx * 1.45, bottom), (hx - rx * 1.45, bottom), (hx - rx * 1.3, (hy + bottom) / 2)]
        out = [poly("hair", shape)]
        if "braid" in style:
            for k in range(6):
                y = hy + ry * 0.6 + k * (bottom - hy - ry * 0.6) / 6
                out.append(line("hair_shade", fr.S * 0.004, [(hx - rx * 1.1, y), (hx + rx * 1.1, y)]))
        return out
    if "bob" in style:
        shape = arc(hx, hy - ry * 0.05, rx * 1.25, ry * 1.12, 180, 360, 12) + [(hx + rx * 1.3, hy + ry * 0.85), (hx - rx * 1.3, hy + ry * 0.85)]
        return [poly("hair", shape)]
    return []


def hair_front(spec: TwinSpec, fr: Frame) -> list[Shape]:
    style = spec.hair_style.lower()
    hx, hy = fr.head_c
    rx, ry = fr.head_rx, fr.head_ry
    lean = fr.turn * rx * 0.6
    if "curly" in style or "afro" in style:
        out = [ellipse("hair", hx + (i - 2) * rx * 0.45 + lean, hy - ry * (0.8 + 0.12 * (i % 2)), rx * 0.42, ry * 0.34) for i in range(5)]
        return out
    if "bun" in style:
        return [poly("hair", arc(hx + lean, hy - ry * 0.25, rx * 1.06, ry * 0.9, 180, 360, 12)),
                ellipse("hair", hx + lean, hy - ry * 1.2, rx * 0.42, ry * 0.3)]
    if "fade" in style or "crop" in style or "buzz" in style:
        return [poly("hair", arc(hx + lean, hy - ry * 0.3, rx * 1.04, ry * 0.78, 190, 350, 12))]
    if "undercut" in style:
        return [poly("hair", arc(hx + lean, hy - ry * 0.35, rx * 1.02, ry * 0.75, 190, 350, 12) + [(hx + rx * 0.9 + lean, hy - ry * 0.35), (hx - rx * 0.2 + lean, hy - ry * 0.55)])]
    if "pixie" in style:
        return [poly("hair", arc(hx + lean, hy - ry * 0.2, rx * 1.1, ry * 0.92, 185, 355, 12) + [(hx + rx * 0.7 + lean, hy - ry * 0.3), (hx - rx * 0.5 + lean, hy - ry * 0.15)])]
    # long styles, bobs, braids and anything unknown: a parted fringe over the crown
    return [poly("hair", arc(hx + lean, hy - ry * 0.15, rx * 1.12, ry * 0.98, 180, 360, 14) + [(hx + rx * 1.05 + lean, hy + ry * 0.1), (hx + rx * 0.2 + lean, hy - ry * 0.55), (hx - rx * 1.05 + lean, hy + ry * 0.1)])]


def face(spec: TwinSpec, fr: Frame) -> list[Shape]:
    hx, hy = fr.head_c
    rx, ry = fr.head_rx, fr.head_ry
    shift = fr.turn * rx * 0.9  # features slide toward the far side in the three-quarter pose
    S = fr.S
    out = [ellipse("skin", hx - rx * 0.98, fr.eye_y + ry * 0.12, rx * 0.14, ry * 0.2, outline=False)]
    if fr.turn == 0:
        out.append(ellipse("skin", hx + rx * 0.98, fr.eye_y + ry * 0.12, rx * 0.14, ry * 0.2, outline=False))
    out.append(ellipse("skin", hx, hy, rx, ry))
    for k in (-1, 1):
        ex = hx + shift + k * rx * 0.4 * (1 - (fr.turn if k > 0 else 0))
        out.append(ellipse("eye", ex, fr.eye_y + ry * 0.05, rx * 0.09, ry * 0.06, outline=False))
        out.append(line("hair_shade", S * 0.0028, [(ex - rx * 0.16, fr.eye_y - ry * 0.12), (ex + rx * 0.16, fr.eye_y - ry * 0.15)]))
    out.append(line("skin_line", S * 0.0022, [(hx + shift + rx * 0.05, fr.eye_y + ry * 0.2), (hx + shift + rx * 0.1, fr.eye_y + ry * 0.38), (hx + shift - rx * 0.02, fr.eye_y + ry * 0.42)]))
    out.append(poly("lip", qbez((hx + shift - rx * 0.22, hy + ry * 0.55), (hx + shift, hy + ry * 0.48), (hx + shift + rx * 0.22, hy + ry * 0.55), 4)
                    + qbez((hx + shift + rx * 0.22, hy + ry * 0.55), (hx + shift, hy + ry * 0.72), (hx + shift - rx * 0.22, hy + ry * 0.55), 4), outline=False))
    return out


def skin_body(spec: TwinSpec, fr: Frame) -> list[Shape]:
    """Arms, legs, torso and neck in skin tone; the base outfit covers the torso."""
    S = fr.S
    hx, hy = fr.head_c
    neck = [(fr.neck_l[0], hy + fr.head_ry * 0.6), (fr.neck_r[0], hy + fr.head_ry * 0.6), (fr.neck_r[0] + 0.004 * S, fr.neck_r[1] + 0.01 * S), (fr.neck_l[0] - 0.004 * S, fr.neck_l[1] + 0.01 * S)]
    return [
        poly("skin", bottom_outline(fr, rise=0.45, length=1.0, ease=-0.004, taper=0.05)),
        poly("skin", _arm_shape(fr, -1)),
        poly("skin", _arm_shape(fr, 1)),
        poly("skin", top_outline(fr, sleeve=0.0, hem=0.5, ease=0.0, neck=0.0)),
        poly("skin", neck),
        line("skin_shade", S * 0.006, [(fr.neck_l[0] + 0.004 * S, hy + fr.head_ry * 0.9), (fr.neck_r[0] - 0.004 * S, hy + fr.head_ry * 0.9)]),
    ]


def hands(spec: TwinSpec, fr: Frame) -> list[Shape]:
    hs = fr.hand_size
    return [ellipse("skin", fr.hand_l[0], fr.hand_l[1], hs * 0.62, hs), ellipse("skin", fr.hand_r[0], fr.hand_r[1], hs * 0.62, hs)]


def twin_frame(spec: TwinSpec, *, pose: str, width: float, height: float) -> Frame:
    ground = height * 0.9
    stature = stature_px(spec.height_cm, height)
    return body_frame(body_for(spec, stature=stature, cx=width * 0.44, ground=ground, pose=pose))


# Base outfit (worn under or instead of the product): quiet neutrals chosen per presentation so
# that the product is what stands out.
BASE_OUTFIT = {
    "feminine": ("#ebe6dd", "#5a5f6b", "#c9b9a6"),
    "masculine": ("#e4e6e9", "#464c58", "#8a7a6a"),
    "androgynous": ("#e8e4da", "#55524e", "#9c8f80"),
}


def base_outfit_colours(spec: TwinSpec) -> tuple[str, str, str]:
    """(top, bottom, shoes) hex."""
    return BASE_OUTFIT.get(spec.gender_presentation, BASE_OUTFIT["androgynous"])
