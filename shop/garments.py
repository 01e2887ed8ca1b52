"""Garment families as reusable vector layers.

Every garment is geometry only: a list of `Shape`s painted with colour *roles* ("base", "shade",
"trim", ...), never concrete colours. Two kinds of layer exist:

- **body layers** (tops, bottoms, dresses, outerwear, belts, ties, scarves) are functions of a `Frame`,
  the skeleton of a body (shoulders, elbows, wrists, waist, hips, knees, ankles). The product
  illustration draws them on a neutral mannequin frame and crops to the garment; the showcase
  renderer draws the very same function on a twin's frame, so the garment follows that twin's
  shoulders, hips, height and pose.
- **object layers** (shoes, bags, watches, eyewear, jewellery, hats, bottles ...) are drawn in a unit
  square and placed into an anchor box (a foot, a hand, the eyes, a wrist) with `place()`.

Emitters (SVG in `shop.illustrations`, Pillow in `licensing.showcase.renderer`) only translate shapes,
so an illustration and a twin render of the same product cannot drift apart. Everything here is
pure and deterministic: same inputs, same shapes.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

Point = tuple[float, float]

# --- primitives ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One filled polygon, ellipse or stroked polyline. `paint` is a colour role, see `palette_for`."""

    kind: str  # "poly" | "ellipse" | "line"
    pts: tuple[Point, ...]  # poly/line: vertices; ellipse: ((cx, cy), (rx, ry))
    paint: str
    width: float = 0.0  # line width (lines) / outline width (polys, ellipses; 0 = emitter default)
    outline: bool = True
    opacity: float = 1.0


def poly(paint: str, pts: Iterable[Point], *, outline: bool = True, opacity: float = 1.0) -> Shape:
    return Shape("poly", tuple(pts), paint, outline=outline, opacity=opacity)


def ellipse(paint: str, cx: float, cy: float, rx: float, ry: float, *, outline: bool = True,
            opacity: float = 1.0) -> Shape:
    return Shape("ellipse", ((cx, cy), (rx, ry)), paint, outline=outline, opacity=opacity)


def line(paint: str, width: float, pts: Iterable[Point], *, opacity: float = 1.0) -> Shape:
    return Shape("line", tuple(pts), paint, width=width, outline=False, opacity=opacity)


def arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 12) -> list[Point]:
    """Points on an elliptical arc, angles in degrees (0 = +x, 90 = +y i.e. down)."""
    return [
        (cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)), cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)))
        for i in range(n + 1)
    ]


def qbez(p0: Point, c: Point, p1: Point, n: int = 8) -> list[Point]:
    """A quadratic Bézier as points, so both emitters draw identical curves."""
    out = []
    for i in range(n + 1):
        t = i / n
        out.append(((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t * t * p1[0],
                    (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t * t * p1[1]))
    return out


def rrect(x0: float, y0: float, x1: float, y1: float, r: float, n: int = 4) -> list[Point]:
    r = max(0.0, min(r, (x1 - x0) / 2, (y1 - y0) / 2))
    return (arc(x1 - r, y0 + r, r, r, -90, 0, n) + arc(x1 - r, y1 - r, r, r, 0, 90, n)
            + arc(x0 + r, y1 - r, r, r, 90, 180, n) + arc(x0 + r, y0 + r, r, r, 180, 270, n))


def lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


@dataclass(frozen=True)
class Affine:
    """x' = a·x + tx, y' = d·y + ty (a < 0 mirrors)."""

    a: float
    d: float
    tx: float
    ty: float

    def __call__(self, p: Point) -> Point:
        return (self.a * p[0] + self.tx, self.d * p[1] + self.ty)


def transform(shapes: Iterable[Shape], m: Affine) -> list[Shape]:
    k = math.sqrt(abs(m.a * m.d))
    out = []
    for s in shapes:
        if s.kind == "ellipse":
            (cx, cy), (rx, ry) = s.pts
            out.append(replace(s, pts=(m((cx, cy)), (abs(m.a) * rx, abs(m.d) * ry)), width=s.width * k))
        else:
            out.append(replace(s, pts=tuple(m(p) for p in s.pts), width=s.width * k))
    return out


def place(shapes: Iterable[Shape], box: tuple[float, float, float, float], *, mirror: bool = False) -> list[Shape]:
    """Fit an object layer drawn in the unit square into box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    sx, sy = x1 - x0, y1 - y0
    if mirror:
        return transform(shapes, Affine(-sx, sy, x1, y0))
    return transform(shapes, Affine(sx, sy, x0, y0))


def bbox(shapes: Iterable[Shape]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for s in shapes:
        if s.kind == "ellipse":
            (cx, cy), (rx, ry) = s.pts
            xs += [cx - rx, cx + rx]
            ys += [cy - ry, cy + ry]
        else:
            pad = s.width / 2
            xs += [p[0] - pad for p in s.pts] + [p[0] + pad for p in s.pts]
            ys += [p[1] - pad for p in s.pts] + [p[1] + pad for p in s.pts]
    return (min(xs), min(ys), max(xs), max(ys))


# --- colour ---------------------------------------------------------------------------------------

MULTI = "multi"  # the base role of multi-coloured products is painted with a stripe pattern
MULTI_STRIPES = ("#d9485f", "#f2b134", "#2a9d8f", "#3d5a98")
NEUTRAL_HEX = "#9aa0a6"


def _rgb(hex_: str) -> tuple[int, int, int]:
    h = hex_.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def mix(a: str, b: str, t: float) -> str:
    ra, rb = _rgb(a), _rgb(b)
    return _hex(x + (y - x) * t for x, y in zip(ra, rb))


def luminance(hex_: str) -> float:
    r, g, b = (c / 255 for c in _rgb(hex_))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def normalise_hex(hex_: str | None) -> str:
    if not hex_ or len(hex_) != 7 or not hex_.startswith("#"):
        return NEUTRAL_HEX
    try:
        _rgb(hex_)
    except ValueError:
        return NEUTRAL_HEX
    return hex_.lower()


def palette_for(hex_: str | None, *, multi: bool = False) -> dict[str, str]:
    """Colour roles derived from one product colour. Shading goes lighter on very dark colours so
    black garments keep visible folds."""
    base = normalise_hex(hex_)
    lum = luminance(base)
    dark = lum < 0.18
    return {
        "base": MULTI if multi else base,
        "flat": base,  # the product colour even when multi (trims, small parts)
        "shade": mix(base, "#ffffff", 0.16) if dark else mix(base, "#000000", 0.2),
        "deep": mix(base, "#ffffff", 0.3) if dark else mix(base, "#000000", 0.4),
        "light": mix(base, "#ffffff", 0.28),
        "outline": mix(base, "#ffffff", 0.45) if dark else mix(base, "#1b1b1f", 0.55),
        "stitch": "#e9c46a" if lum < 0.5 else mix(base, "#000000", 0.45),
        "metal": "#c3c7cf",
        "metal_dark": "#8a9099",
        "gold": "#c9a44c",
        "glass": "#27313d",
        "sole": "#f1eee8" if lum < 0.8 else "#3a3a3f",
        "dark": "#26262b",
        "white": "#fbfaf7",
        "inner": "#ece8e1",  # what shows inside an open jacket
        "shadow": "#000000",
    }


# --- the body frame -----------------------------------------------------------------------------

SIZE_WIDTH = {"XS": 0.88, "S": 0.94, "M": 1.0, "L": 1.07, "XL": 1.15, "XXL": 1.24}
SHAPE_RATIOS = {  # waist, hip as fractions of the shoulder half-width
    "straight": (0.80, 0.92),
    "rectangle": (0.80, 0.92),
    "curvy": (0.70, 1.08),
    "hourglass": (0.68, 1.06),
    "pear": (0.76, 1.14),
    "apple": (0.96, 0.98),
    "athletic": (0.74, 0.86),
    "inverted_triangle": (0.74, 0.84),
}


@dataclass(frozen=True)
class Body:
    """What the skeleton needs: stature in pixels, where the feet stand, and proportions."""

    stature: float
    cx: float
    ground: float
    shoulder: float = 0.105  # shoulder half-width as a fraction of stature
    waist: float = 0.80
    hip: float = 0.92
    width: float = 1.0  # clothing-size factor
    bust: float = 0.0  # 0 (flat) .. 1
    pose: str = "front"


@dataclass(frozen=True)
class Frame:
    """Skeleton landmarks in pixels. "l"/"r" are the viewer's left and right."""

    S: float
    cx: float
    ground: float
    head_c: Point
    head_rx: float
    head_ry: float
    neck_l: Point
    neck_r: Point
    sh_l: Point
    sh_r: Point
    el_l: Point
    el_r: Point
    wr_l: Point
    wr_r: Point
    arm_w: float
    fore_w: float
    ch_l: Point
    ch_r: Point
    wa_l: Point
    wa_r: Point
    hi_l: Point
    hi_r: Point
    crotch: Point
    hj_l: Point
    hj_r: Point
    kn_l: Point
    kn_r: Point
    an_l: Point
    an_r: Point
    thigh_w: float
    knee_w: float
    ankle_w: float
    hand_l: Point
    hand_r: Point
    hand_size: float
    foot_l: Point
    foot_r: Point
    foot_len: float
    eye_y: float
    bust: float = 0.0
    turn: float = 0.0  # 0 = front; >0 = the far (right) side is foreshortened by this much
    extras: dict = field(default_factory=dict, compare=False)

    def y(self, frac: float) -> float:
        """A height on the body: 0 = top of the head, 1 = soles."""
        return self.ground - self.S + frac * self.S


def body_frame(b: Body) -> Frame:
    S, cx = b.stature, b.cx
    top = b.ground - S

    def Y(f: float) -> float:
        return top + f * S

    sh = b.shoulder * S * b.width
    wa = sh * b.waist
    hi = sh * b.hip
    ch = sh * 0.88
    arm_w = 0.026 * S * (0.85 + 0.15 * b.width)
    fore_w = 0.02 * S * (0.85 + 0.15 * b.width)
    hip_joint = hi * 0.52
    thigh_w = hi * 0.5
    pts: dict[str, Point] = {
        "head_c": (cx, Y(0.066)),
        "neck_l": (cx - 0.026 * S, Y(0.152)),
        "neck_r": (cx + 0.026 * S, Y(0.152)),
        "sh_l": (cx - sh + arm_w * 0.6, Y(0.19)),
        "sh_r": (cx + sh - arm_w * 0.6, Y(0.19)),
        "el_l": (cx - sh - 0.025 * S, Y(0.355)),
        "el_r": (cx + sh + 0.025 * S, Y(0.355)),
        "wr_l": (cx - sh - 0.05 * S, Y(0.485)),
        "wr_r": (cx + sh + 0.05 * S, Y(0.485)),
        "ch_l": (cx - ch, Y(0.245)),
        "ch_r": (cx + ch, Y(0.245)),
        "wa_l": (cx - wa, Y(0.385)),
        "wa_r": (cx + wa, Y(0.385)),
        "hi_l": (cx - hi, Y(0.48)),
        "hi_r": (cx + hi, Y(0.48)),
        "crotch": (cx, Y(0.515)),
        "hj_l": (cx - hip_joint, Y(0.5)),
        "hj_r": (cx + hip_joint, Y(0.5)),
        "kn_l": (cx - 0.052 * S, Y(0.73)),
        "kn_r": (cx + 0.052 * S, Y(0.73)),
        "an_l": (cx - 0.058 * S, Y(0.955)),
        "an_r": (cx + 0.058 * S, Y(0.955)),
        "hand_l": (cx - sh - 0.058 * S, Y(0.53)),
        "hand_r": (cx + sh + 0.058 * S, Y(0.53)),
        "foot_l": (cx - 0.062 * S, Y(0.985)),
        "foot_r": (cx + 0.062 * S, Y(0.985)),
    }
    turn = 0.0
    if b.pose == "three_quarter":
        # Foreshorten the far side and slide the body a little: a turned stance without 3-D.
        turn = 0.26
        pts = {k: (cx + (x - cx) * (1.0 if x <= cx else 1 - turn) + 0.012 * S, y) for k, (x, y) in pts.items()}
        hl, hr = pts["foot_l"], pts["foot_r"]
        pts["foot_r"] = (hr[0], hr[1] - 0.008 * S)
        pts["foot_l"] = hl
    elif b.pose == "walk":
        # One leg steps out; arms swing slightly.
        pts["kn_r"] = (pts["kn_r"][0] + 0.03 * S, pts["kn_r"][1])
        pts["an_r"] = (pts["an_r"][0] + 0.07 * S, pts["an_r"][1] - 0.01 * S)
        pts["foot_r"] = (pts["foot_r"][0] + 0.075 * S, pts["foot_r"][1] - 0.01 * S)
    return Frame(
        S=S, cx=pts["head_c"][0], ground=b.ground, head_rx=0.047 * S, head_ry=0.064 * S,
        arm_w=arm_w, fore_w=fore_w, thigh_w=thigh_w, knee_w=0.03 * S * (0.8 + 0.2 * b.width),
        ankle_w=0.018 * S, hand_size=0.03 * S, foot_len=0.075 * S, eye_y=Y(0.07), bust=b.bust, turn=turn,
        **pts,
    )


MANNEQUIN = body_frame(Body(stature=1000.0, cx=500.0, ground=1000.0))


# --- limb and torso helpers -----------------------------------------------------------------------


def _limb(joints: tuple[Point, Point, Point], t: float) -> tuple[Point, Point]:
    """Point at t (0 first joint, 0.5 middle, 1 last) along a two-segment limb and its unit normal."""
    a, b = (joints[0], joints[1]) if t <= 0.5 else (joints[1], joints[2])
    u = t * 2 if t <= 0.5 else (t - 0.5) * 2
    p = lerp(a, b, u)
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = math.hypot(dx, dy) or 1.0
    return p, (-dy / n, dx / n)


def limb_edge(joints: tuple[Point, Point, Point], t: float, offset: float, side: int) -> Point:
    """A point beside the limb: offset > 0 is away from the body centre (side -1 left, +1 right)."""
    p, (nx, ny) = _limb(joints, t)
    if nx * side < 0:
        nx, ny = -nx, -ny
    return (p[0] + nx * offset, p[1] + ny * offset)


def arm(fr: Frame, side: int) -> tuple[Point, Point, Point]:
    return (fr.sh_l, fr.el_l, fr.wr_l) if side < 0 else (fr.sh_r, fr.el_r, fr.wr_r)


def leg(fr: Frame, side: int) -> tuple[Point, Point, Point]:
    return (fr.hj_l, fr.kn_l, fr.an_l) if side < 0 else (fr.hj_r, fr.kn_r, fr.an_r)


def arm_w(fr: Frame, t: float) -> float:
    return fr.arm_w + (fr.fore_w - fr.arm_w) * t


def leg_w(fr: Frame, t: float) -> float:
    if t <= 0.5:
        return fr.thigh_w + (fr.knee_w - fr.thigh_w) * t * 2
    return fr.knee_w + (fr.ankle_w - fr.knee_w) * (t - 0.5) * 2


def torso_x(fr: Frame, side: int, y: float, ease: float = 0.0, flare: float = 0.0) -> float:
    """The body's side at height y (pixels), plus ease; below the hips a garment may flare out."""
    pts = [fr.ch_l, fr.wa_l, fr.hi_l] if side < 0 else [fr.ch_r, fr.wa_r, fr.hi_r]
    if y <= pts[0][1]:
        x = pts[0][0]
    elif y >= pts[2][1]:
        x = pts[2][0] + side * flare * (y - pts[2][1])
    else:
        a, b = (pts[0], pts[1]) if y <= pts[1][1] else (pts[1], pts[2])
        x = a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1])
    return x + side * ease


def shoulder_top(fr: Frame, side: int, ease: float) -> Point:
    return limb_edge(arm(fr, side), 0.0, fr.arm_w + ease, side)


# --- body layers ----------------------------------------------------------------------------------


def _sleeve_side(fr: Frame, side: int, sleeve_t: float, ease: float, flare: float = 0.0) -> list[Point]:
    """Shoulder → sleeve outer edge → cuff → armpit, top to bottom, for one side."""
    joints = arm(fr, side)
    if sleeve_t <= 0:
        return [lerp(fr.neck_l if side < 0 else fr.neck_r, joints[0], 0.55), (torso_x(fr, side, fr.ch_l[1] - 0.01 * fr.S, ease), fr.ch_l[1] - 0.01 * fr.S)]
    out = [shoulder_top(fr, side, ease)]
    steps = max(2, int(sleeve_t * 6))
    for i in range(1, steps + 1):
        t = sleeve_t * i / steps
        out.append(limb_edge(joints, t, arm_w(fr, t) + ease + flare * t, side))
    inner = [limb_edge(joints, sleeve_t, -(arm_w(fr, sleeve_t) + ease * 0.6 + flare * sleeve_t), side)]
    # Follow the inside of the arm up towards the armpit, so the sleeve covers the whole upper arm.
    inner += [limb_edge(joints, t, -(arm_w(fr, t) + ease * 0.6), side) for t in (sleeve_t * 0.66, sleeve_t * 0.33)
              if t >= 0.1]
    armpit_y = fr.ch_l[1]
    for x, y in inner:
        body_x = torso_x(fr, side, y, ease)
        if (x - body_x) * side < 0:
            # A wide body or a close arm: the sleeve meets the body here; clamp rather than cross it,
            # which would make the outline self-intersect (and the fill leave a hole).
            x = body_x
            armpit_y = max(armpit_y, y)
        if y < armpit_y - 1e-6 and (x - torso_x(fr, side, armpit_y, ease)) * side <= 0:
            continue
        out.append((x, y))
    out.append((torso_x(fr, side, armpit_y, ease), armpit_y))
    return out


def _neckline(fr: Frame, depth: float, ease: float, style: str = "crew") -> list[Point]:
    nl = (fr.neck_l[0] - ease * 0.4, fr.neck_l[1] + 0.004 * fr.S)
    nr = (fr.neck_r[0] + ease * 0.4, fr.neck_r[1] + 0.004 * fr.S)
    bottom = (fr.cx, fr.neck_l[1] + depth * fr.S)
    if style == "v":
        return [nl, bottom, nr]
    return qbez(nl, (fr.cx, bottom[1] + (bottom[1] - nl[1]) * 0.9), nr, 8)


def top_outline(fr: Frame, *, sleeve: float, hem: float, ease: float = 0.012, flare: float = 0.0,
                neck: float = 0.02, neck_style: str = "crew", sleeve_flare: float = 0.0,
                hem_curve: float = 0.0) -> list[Point]:
    """The outline of anything worn on the torso: tees, shirts, kurtas, dresses, jackets.

    sleeve: 0 sleeveless .. 1 to the wrist; hem: height on the body (0..1); ease/flare in units of
    stature (flare per unit of height below the hips)."""
    e = ease * fr.S
    hem_y = fr.y(hem)
    right = _sleeve_side(fr, +1, sleeve, e, sleeve_flare * fr.S)
    left = _sleeve_side(fr, -1, sleeve, e, sleeve_flare * fr.S)
    side_r = [(torso_x(fr, +1, y, e, flare), y) for y in _side_ys(fr, hem_y) if y > right[-1][1] + 1e-6]
    side_l = [(torso_x(fr, -1, y, e, flare), y) for y in _side_ys(fr, hem_y) if y > left[-1][1] + 1e-6]
    hem_pts = qbez(side_r[-1], (fr.cx, hem_y + hem_curve * fr.S), side_l[-1], 8)
    neckline = _neckline(fr, neck, e, neck_style)
    return neckline + right + side_r + hem_pts[1:-1] + side_l[::-1] + left[::-1]


def _side_ys(fr: Frame, hem_y: float) -> list[float]:
    ys = [fr.ch_l[1], fr.wa_l[1], fr.hi_l[1]]
    out = [y for y in ys if y < hem_y] + [hem_y]
    if hem_y > fr.hi_l[1] + 0.05 * fr.S:
        out.insert(-1, (fr.hi_l[1] + hem_y) / 2)
    return out


def bottom_outline(fr: Frame, *, rise: float = 0.4, length: float = 1.0, ease: float = 0.01,
                   taper: float = 0.0, hem_flare: float = 0.0) -> list[Point]:
    """Trousers, jeans, shorts, leggings: waistband at `rise`, legs down to `length` of the leg."""
    e = ease * fr.S
    top_y = fr.y(rise)
    out: list[Point] = [(torso_x(fr, -1, top_y, e), top_y), (torso_x(fr, +1, top_y, e), top_y)]
    for side in (+1, -1):
        joints = leg(fr, side)
        ts = [t for t in (0.12, 0.3, 0.5, 0.75, 1.0) if t < length] + [length]
        outer = []
        for t in ts:
            w = leg_w(fr, t) * (1 - taper * t) + e + hem_flare * fr.S * (t / max(length, 0.01)) ** 3
            outer.append(limb_edge(joints, t, w, side))
        inner = []
        for t in ts[::-1]:
            w = leg_w(fr, t) * (1 - taper * t) + e * 0.6 + hem_flare * fr.S * (t / max(length, 0.01)) ** 3
            inner.append(limb_edge(joints, t, -w, side))
        hip_pt = (torso_x(fr, side, fr.hi_l[1], e), fr.hi_l[1])
        if side > 0:
            out += [hip_pt] + outer + inner + [(fr.crotch[0], fr.crotch[1] + e * 0.3)]
        else:
            left = [hip_pt] + outer + inner
            out += left[::-1]
    return out


def _placket(fr: Frame, y0: float, y1: float, buttons: int, paint: str = "deep") -> list[Shape]:
    shapes = [line("shade", 0.004 * fr.S, [(fr.cx, fr.y(y0)), (fr.cx, fr.y(y1))])]
    for i in range(buttons):
        y = fr.y(y0 + (y1 - y0) * (i + 0.5) / buttons)
        shapes.append(ellipse(paint, fr.cx + 0.006 * fr.S, y, 0.0045 * fr.S, 0.0045 * fr.S, outline=False))
    return shapes


def _fold(fr: Frame, pts: list[Point], w: float = 0.003) -> Shape:
    return line("shade", w * fr.S, pts, opacity=0.8)


def layer_tshirt(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=0.3, hem=0.5, ease=0.014, neck=0.018)
    rib = _neckline(fr, 0.018, 0.014 * fr.S)
    return [poly("base", body), line("shade", 0.006 * fr.S, rib),
            _fold(fr, [(fr.cx - 0.03 * fr.S, fr.y(0.33)), (fr.cx - 0.01 * fr.S, fr.y(0.45))])]


def layer_polo(fr: Frame) -> list[Shape]:
    return layer_tshirt(fr) + _collar(fr, 0.03) + _placket(fr, 0.17, 0.24, 2)


def _collar(fr: Frame, spread: float) -> list[Shape]:
    S = fr.S
    nl, nr = fr.neck_l, fr.neck_r
    left = [(nl[0] - 0.004 * S, nl[1] - 0.006 * S), (fr.cx - 0.002 * S, nl[1] + 0.03 * S), (nl[0] - spread * S, nl[1] + 0.022 * S)]
    right = [(nr[0] + 0.004 * S, nr[1] - 0.006 * S), (fr.cx + 0.002 * S, nr[1] + 0.03 * S), (nr[0] + spread * S, nr[1] + 0.022 * S)]
    return [poly("light", left), poly("light", right)]


def layer_shirt(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=1.0, hem=0.52, ease=0.012, neck=0.03, neck_style="v", hem_curve=0.015)
    cuffs = []
    for side in (-1, 1):
        j = arm(fr, side)
        a = limb_edge(j, 0.9, arm_w(fr, 0.9) + 0.012 * fr.S, side)
        b = limb_edge(j, 0.9, -(arm_w(fr, 0.9) + 0.008 * fr.S), side)
        cuffs.append(line("shade", 0.004 * fr.S, [a, b]))
    return [poly("base", body)] + _collar(fr, 0.035) + _placket(fr, 0.18, 0.5, 5) + cuffs + [
        poly("shade", rrect(fr.cx - 0.05 * fr.S, fr.y(0.24), fr.cx - 0.02 * fr.S, fr.y(0.275), 0.003 * fr.S), opacity=0.7)
    ]


def layer_blouse(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=0.16, hem=0.47, ease=0.01, neck=0.035, sleeve_flare=0.02, flare=0.2, hem_curve=0.01)
    return [poly("base", body), line("shade", 0.004 * fr.S, _neckline(fr, 0.035, 0.01 * fr.S)),
            _fold(fr, [(fr.cx + 0.02 * fr.S, fr.y(0.4)), (fr.cx + 0.035 * fr.S, fr.y(0.46))])]


def layer_camisole(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=0.0, hem=0.47, ease=0.008, neck=0.06, flare=0.15)
    return [poly("base", body)]


def layer_kurta(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=0.75, hem=0.7, ease=0.014, flare=0.22, neck=0.02)
    slits = []
    for side in (-1, 1):
        x = torso_x(fr, side, fr.y(0.6), 0.014 * fr.S, 0.22)
        slits.append(line("deep", 0.004 * fr.S, [(x, fr.y(0.6)), (x - side * 0.004 * fr.S, fr.y(0.7))]))
    trim = line("stitch", 0.006 * fr.S, [(fr.cx, fr.y(0.16)), (fr.cx, fr.y(0.26))])
    return [poly("base", body), trim, *slits, _fold(fr, [(fr.cx - 0.04 * fr.S, fr.y(0.52)), (fr.cx - 0.05 * fr.S, fr.y(0.68))])]


def layer_sweater(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=1.0, hem=0.5, ease=0.02, neck=0.015)
    shapes = [poly("base", body), line("shade", 0.012 * fr.S, _neckline(fr, 0.015, 0.02 * fr.S))]
    hem_y = fr.y(0.485)
    shapes.append(line("shade", 0.02 * fr.S, [(torso_x(fr, -1, hem_y, 0.018 * fr.S), hem_y), (torso_x(fr, 1, hem_y, 0.018 * fr.S), hem_y)]))
    for side in (-1, 1):
        j = arm(fr, side)
        shapes.append(line("shade", 0.016 * fr.S, [limb_edge(j, 0.95, arm_w(fr, 1) + 0.016 * fr.S, side), limb_edge(j, 0.95, -(arm_w(fr, 1) + 0.01 * fr.S), side)]))
    for k in range(4):  # cable knit hint
        x = fr.cx + (k - 1.5) * 0.03 * fr.S
        shapes.append(line("shade", 0.003 * fr.S, [(x, fr.y(0.22)), (x + 0.006 * fr.S, fr.y(0.3)), (x, fr.y(0.38)), (x + 0.006 * fr.S, fr.y(0.46))]))
    return shapes


def layer_hoodie(fr: Frame) -> list[Shape]:
    shapes = layer_sweater(fr)
    hood = qbez(fr.neck_l, (fr.cx, fr.neck_l[1] + 0.06 * fr.S), fr.neck_r, 8)
    pocket = [(fr.cx - 0.06 * fr.S, fr.y(0.4)), (fr.cx + 0.06 * fr.S, fr.y(0.4)), (fr.cx + 0.08 * fr.S, fr.y(0.47)), (fr.cx - 0.08 * fr.S, fr.y(0.47))]
    return shapes + [line("deep", 0.01 * fr.S, hood), poly("shade", pocket, opacity=0.9)]


def layer_jacket(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=1.0, hem=0.53, ease=0.026, neck=0.01)
    gap = [(fr.neck_l[0] + 0.004 * fr.S, fr.neck_l[1] + 0.01 * fr.S), (fr.neck_r[0] - 0.004 * fr.S, fr.neck_r[1] + 0.01 * fr.S),
           (fr.cx + 0.012 * fr.S, fr.y(0.3)), (fr.cx - 0.012 * fr.S, fr.y(0.3))]
    zip_line = line("metal_dark", 0.004 * fr.S, [(fr.cx, fr.y(0.3)), (fr.cx, fr.y(0.53))])
    pockets = [line("deep", 0.004 * fr.S, [(fr.cx + s * 0.03 * fr.S, fr.y(0.42)), (fr.cx + s * 0.07 * fr.S, fr.y(0.47))]) for s in (-1, 1)]
    hem_y = fr.y(0.515)
    band = line("shade", 0.016 * fr.S, [(torso_x(fr, -1, hem_y, 0.024 * fr.S), hem_y), (torso_x(fr, 1, hem_y, 0.024 * fr.S), hem_y)])
    return [poly("base", body), poly("inner", gap), zip_line, band, *pockets] + _collar(fr, 0.05)


def layer_blazer(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=1.0, hem=0.55, ease=0.022, neck=0.01, flare=0.05)
    S = fr.S
    gap = [(fr.neck_l[0], fr.neck_l[1]), (fr.neck_r[0], fr.neck_r[1]), (fr.cx + 0.004 * S, fr.y(0.36)), (fr.cx - 0.004 * S, fr.y(0.36))]
    lapels = []
    for s in (-1, 1):
        n = fr.neck_l if s < 0 else fr.neck_r
        lapels.append(poly("shade", [n, (n[0] + s * 0.03 * S, fr.y(0.2)), (n[0] + s * 0.045 * S, fr.y(0.215)), (fr.cx + s * 0.004 * S, fr.y(0.36))]))
    return [poly("base", body), poly("inner", gap), *lapels, *_placket(fr, 0.38, 0.46, 2, "dark")[1:],
            line("deep", 0.004 * S, [(fr.cx + 0.05 * S, fr.y(0.44)), (fr.cx + 0.085 * S, fr.y(0.44))]),
            line("deep", 0.004 * S, [(fr.cx - 0.05 * S, fr.y(0.44)), (fr.cx - 0.085 * S, fr.y(0.44))])]


def layer_waistcoat(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=0.0, hem=0.5, ease=0.016, neck=0.09, neck_style="v", hem_curve=0.02)
    return [poly("base", body)] + _placket(fr, 0.26, 0.48, 4, "dark")


def layer_trousers(fr: Frame) -> list[Shape]:
    out = bottom_outline(fr, rise=0.385, length=1.0, ease=0.012)
    creases = [line("shade", 0.003 * fr.S, [limb_edge(leg(fr, s), 0.15, 0, s), limb_edge(leg(fr, s), 0.98, 0, s)]) for s in (-1, 1)]
    wb_y = fr.y(0.4)
    band = line("shade", 0.012 * fr.S, [(torso_x(fr, -1, wb_y, 0.012 * fr.S), wb_y), (torso_x(fr, 1, wb_y, 0.012 * fr.S), wb_y)])
    return [poly("base", out), band, *creases]


def layer_jeans(fr: Frame) -> list[Shape]:
    out = bottom_outline(fr, rise=0.4, length=1.0, ease=0.006, taper=0.15)
    S = fr.S
    wb_y = fr.y(0.412)
    shapes = [poly("base", out),
              line("shade", 0.012 * S, [(torso_x(fr, -1, wb_y, 0.006 * S), wb_y), (torso_x(fr, 1, wb_y, 0.006 * S), wb_y)])]
    for s in (-1, 1):
        x0 = torso_x(fr, s, fr.y(0.43), 0.0)
        shapes.append(line("stitch", 0.003 * S, qbez((x0 - s * 0.005 * S, fr.y(0.425)), (x0 - s * 0.04 * S, fr.y(0.43)), (x0 - s * 0.045 * S, fr.y(0.41)), 6)))
        shapes.append(line("stitch", 0.0025 * S, [limb_edge(leg(fr, s), 0.2, leg_w(fr, 0.2) * 0.8, s), limb_edge(leg(fr, s), 0.98, leg_w(fr, 0.98) * 0.8, s)], opacity=0.7))
    shapes.append(line("stitch", 0.003 * S, [(fr.cx + 0.004 * S, fr.y(0.42)), (fr.cx + 0.006 * S, fr.y(0.49)), (fr.cx, fr.y(0.505))]))
    return shapes


def layer_shorts(fr: Frame) -> list[Shape]:
    out = bottom_outline(fr, rise=0.39, length=0.34, ease=0.018)
    wb_y = fr.y(0.402)
    return [poly("base", out), line("shade", 0.012 * fr.S, [(torso_x(fr, -1, wb_y, 0.018 * fr.S), wb_y), (torso_x(fr, 1, wb_y, 0.018 * fr.S), wb_y)])]


def layer_trackpants(fr: Frame) -> list[Shape]:
    out = bottom_outline(fr, rise=0.385, length=1.0, ease=0.016, taper=0.25)
    stripes = [line("white", 0.008 * fr.S, [limb_edge(leg(fr, s), 0.05, leg_w(fr, 0.05) + 0.012 * fr.S, s), limb_edge(leg(fr, s), 0.5, leg_w(fr, 0.5) + 0.012 * fr.S, s), limb_edge(leg(fr, s), 0.96, leg_w(fr, 0.96) * 0.8 + 0.01 * fr.S, s)]) for s in (-1, 1)]
    return [poly("base", out), *stripes]


def layer_leggings(fr: Frame) -> list[Shape]:
    return [poly("base", bottom_outline(fr, rise=0.385, length=1.0, ease=0.002, taper=0.05))]


def layer_capris(fr: Frame) -> list[Shape]:
    return [poly("base", bottom_outline(fr, rise=0.39, length=0.78, ease=0.006, taper=0.1))]


def layer_salwar(fr: Frame) -> list[Shape]:
    out = bottom_outline(fr, rise=0.385, length=0.98, ease=0.035, taper=0.55)
    folds = [_fold(fr, [limb_edge(leg(fr, s), 0.3, 0.01 * fr.S, s), limb_edge(leg(fr, s), 0.85, 0.0, s)]) for s in (-1, 1)]
    return [poly("base", out), *folds]


def skirt_outline(fr: Frame, *, hem: float, flare: float, waist: float = 0.385) -> list[Point]:
    wy, hy = fr.y(waist), fr.y(hem)
    e = 0.01 * fr.S
    right = [(torso_x(fr, 1, y, e, flare), y) for y in (wy, fr.hi_r[1], hy)]
    left = [(torso_x(fr, -1, y, e, flare), y) for y in (hy, fr.hi_l[1], wy)]
    hem_pts = qbez(right[-1], (fr.cx, hy + 0.02 * fr.S), left[0], 8)
    return right + hem_pts[1:-1] + left


def layer_skirt(fr: Frame) -> list[Shape]:
    out = skirt_outline(fr, hem=0.7, flare=0.38)
    return [poly("base", out), _fold(fr, [(fr.cx - 0.03 * fr.S, fr.y(0.52)), (fr.cx - 0.05 * fr.S, fr.y(0.69))]),
            _fold(fr, [(fr.cx + 0.04 * fr.S, fr.y(0.54)), (fr.cx + 0.065 * fr.S, fr.y(0.7))])]


def layer_dress(fr: Frame) -> list[Shape]:
    body = top_outline(fr, sleeve=0.0, hem=0.7, ease=0.008, flare=0.5, neck=0.04, hem_curve=0.02)
    S = fr.S
    return [poly("base", body),
            line("shade", 0.005 * S, [(torso_x(fr, -1, fr.y(0.39), 0.008 * S), fr.y(0.39)), (torso_x(fr, 1, fr.y(0.39), 0.008 * S), fr.y(0.39))]),
            _fold(fr, [(fr.cx - 0.02 * S, fr.y(0.45)), (fr.cx - 0.06 * S, fr.y(0.69))]),
            _fold(fr, [(fr.cx + 0.03 * S, fr.y(0.46)), (fr.cx + 0.07 * S, fr.y(0.69))])]


def layer_gown(fr: Frame) -> list[Shape]:
    """Nightdresses, robes, baby dolls: long, loose, with sleeves."""
    body = top_outline(fr, sleeve=0.45, hem=0.88, ease=0.018, flare=0.28, neck=0.04, sleeve_flare=0.01)
    return [poly("base", body), line("shade", 0.006 * fr.S, [(torso_x(fr, -1, fr.y(0.39), 0.018 * fr.S), fr.y(0.39)), (torso_x(fr, 1, fr.y(0.39), 0.018 * fr.S), fr.y(0.39))]),
            _fold(fr, [(fr.cx + 0.01 * fr.S, fr.y(0.5)), (fr.cx + 0.03 * fr.S, fr.y(0.86))])]


def layer_saree(fr: Frame) -> list[Shape]:
    S = fr.S
    skirt = skirt_outline(fr, hem=0.97, flare=0.12)
    blouse = top_outline(fr, sleeve=0.2, hem=0.33, ease=0.006, neck=0.03)
    pallu = [shoulder_top(fr, -1, 0.01 * S), lerp(fr.neck_l, fr.sh_l, 0.2), (fr.cx + 0.02 * S, fr.y(0.3)),
             (torso_x(fr, 1, fr.y(0.42), 0.02 * S), fr.y(0.42)), (torso_x(fr, 1, fr.y(0.5), 0.018 * S), fr.y(0.5)),
             (fr.cx - 0.02 * S, fr.y(0.44)), (torso_x(fr, -1, fr.y(0.33), 0.012 * S), fr.y(0.33))]
    border = line("stitch", 0.007 * S, [(torso_x(fr, 1, fr.y(0.955), 0.01 * S, 0.12), fr.y(0.955)), (torso_x(fr, -1, fr.y(0.955), 0.01 * S, 0.12), fr.y(0.955))])
    return [poly("shade", blouse), poly("base", skirt), border, poly("base", pallu),
            line("stitch", 0.006 * S, [pallu[3], pallu[4]]), _fold(fr, [(fr.cx, fr.y(0.55)), (fr.cx + 0.01 * S, fr.y(0.94))])]


def layer_jumpsuit(fr: Frame) -> list[Shape]:
    S = fr.S
    top = top_outline(fr, sleeve=0.12, hem=0.45, ease=0.012, neck=0.04, neck_style="v")
    bottom = bottom_outline(fr, rise=0.38, length=1.0, ease=0.016)
    return [poly("base", bottom), poly("base", top), line("shade", 0.008 * S, [(torso_x(fr, -1, fr.y(0.39), 0.012 * S), fr.y(0.39)), (torso_x(fr, 1, fr.y(0.39), 0.012 * S), fr.y(0.39))])]


def layer_romper(fr: Frame) -> list[Shape]:
    top = top_outline(fr, sleeve=0.12, hem=0.45, ease=0.012, neck=0.04, neck_style="v")
    return [poly("base", bottom_outline(fr, rise=0.38, length=0.28, ease=0.02)), poly("base", top)]


def layer_kurta_set(fr: Frame) -> list[Shape]:
    return [poly("shade", bottom_outline(fr, rise=0.385, length=1.0, ease=0.006, taper=0.3))] + layer_kurta(fr)


def layer_nightsuit(fr: Frame) -> list[Shape]:
    return [poly("base", bottom_outline(fr, rise=0.385, length=1.0, ease=0.02))] + [
        poly("base", top_outline(fr, sleeve=0.9, hem=0.52, ease=0.02, neck=0.03, neck_style="v"))] + _collar(fr, 0.035) + _placket(fr, 0.2, 0.5, 4)


def layer_tracksuit(fr: Frame) -> list[Shape]:
    return layer_trackpants(fr) + layer_jacket(fr)


def layer_suit(fr: Frame) -> list[Shape]:
    return layer_trousers(fr) + layer_blazer(fr)


def layer_robe(fr: Frame) -> list[Shape]:
    S = fr.S
    body = top_outline(fr, sleeve=0.85, hem=0.78, ease=0.03, flare=0.12, neck=0.12, neck_style="v", sleeve_flare=0.015)
    belt_y = fr.y(0.39)
    return [poly("base", body), line("shade", 0.014 * S, [(torso_x(fr, -1, belt_y, 0.03 * S), belt_y), (torso_x(fr, 1, belt_y, 0.03 * S), belt_y)]),
            line("shade", 0.01 * S, [(fr.cx + 0.02 * S, belt_y), (fr.cx + 0.03 * S, fr.y(0.5))]),
            line("deep", 0.004 * S, [(fr.cx, fr.y(0.27)), (fr.cx - 0.03 * S, fr.y(0.77))])]


def layer_lehenga(fr: Frame) -> list[Shape]:
    S = fr.S
    skirt = skirt_outline(fr, hem=0.96, flare=0.55)
    blouse = top_outline(fr, sleeve=0.22, hem=0.32, ease=0.006, neck=0.035)
    return [poly("base", skirt), poly("shade", blouse),
            line("stitch", 0.012 * S, [(torso_x(fr, 1, fr.y(0.93), 0.01 * S, 0.55), fr.y(0.93)), (torso_x(fr, -1, fr.y(0.93), 0.01 * S, 0.55), fr.y(0.93))])]


def layer_belt(fr: Frame) -> list[Shape]:
    S = fr.S
    y = fr.y(0.405)
    h = 0.012 * S
    xl, xr = torso_x(fr, -1, y, 0.014 * S), torso_x(fr, 1, y, 0.014 * S)
    return [poly("base", [(xl, y - h), (xr, y - h), (xr, y + h), (xl, y + h)]),
            poly("metal", rrect(fr.cx - 0.02 * S, y - h * 1.5, fr.cx + 0.02 * S, y + h * 1.5, 0.004 * S)),
            poly("base", rrect(fr.cx - 0.012 * S, y - h * 0.7, fr.cx + 0.012 * S, y + h * 0.7, 0.002 * S), outline=False)]


def layer_tie(fr: Frame) -> list[Shape]:
    S = fr.S
    knot = [(fr.cx - 0.012 * S, fr.y(0.158)), (fr.cx + 0.012 * S, fr.y(0.158)), (fr.cx + 0.008 * S, fr.y(0.18)), (fr.cx - 0.008 * S, fr.y(0.18))]
    blade = [(fr.cx - 0.008 * S, fr.y(0.18)), (fr.cx + 0.008 * S, fr.y(0.18)), (fr.cx + 0.02 * S, fr.y(0.38)), (fr.cx, fr.y(0.4)), (fr.cx - 0.02 * S, fr.y(0.38))]
    return _collar(fr, 0.03) + [poly("base", blade), poly("shade", knot),
                                line("light", 0.004 * S, [(fr.cx - 0.012 * S, fr.y(0.25)), (fr.cx + 0.014 * S, fr.y(0.22))])]


def layer_scarf(fr: Frame) -> list[Shape]:
    S = fr.S
    wrap = qbez((fr.neck_l[0] - 0.02 * S, fr.neck_l[1] - 0.01 * S), (fr.cx, fr.neck_l[1] + 0.06 * S), (fr.neck_r[0] + 0.02 * S, fr.neck_r[1] - 0.01 * S), 8)
    tail = [(fr.cx + 0.005 * S, fr.y(0.18)), (fr.cx + 0.04 * S, fr.y(0.18)), (fr.cx + 0.05 * S, fr.y(0.42)), (fr.cx + 0.015 * S, fr.y(0.42))]
    fringe = [line("shade", 0.003 * S, [(fr.cx + (0.018 + 0.008 * i) * S, fr.y(0.42)), (fr.cx + (0.018 + 0.008 * i) * S, fr.y(0.44))]) for i in range(4)]
    return [poly("base", tail), line("base", 0.04 * S, wrap), line("shade", 0.004 * S, wrap), *fringe]


def layer_dupatta(fr: Frame) -> list[Shape]:
    """A long stole draped over both shoulders and falling down each side."""
    S = fr.S
    shapes = []
    for s in (-1, 1):
        top = shoulder_top(fr, s, 0.0)
        n = fr.neck_l if s < 0 else fr.neck_r
        drape = [n, top, (top[0] + s * 0.01 * S, fr.y(0.62)), (top[0] - s * 0.035 * S, fr.y(0.64)), (n[0] + s * 0.005 * S, fr.y(0.25))]
        shapes.append(poly("base", drape, opacity=0.92))
        shapes.append(line("stitch", 0.005 * S, [drape[2], drape[3]]))
    return shapes


def layer_suspenders(fr: Frame) -> list[Shape]:
    S = fr.S
    out = []
    for s in (-1, 1):
        n = lerp(fr.neck_l if s < 0 else fr.neck_r, fr.sh_l if s < 0 else fr.sh_r, 0.5)
        out.append(line("base", 0.012 * S, [n, (fr.cx + s * 0.045 * S, fr.y(0.3)), (fr.cx + s * 0.05 * S, fr.y(0.4))]))
        out.append(ellipse("metal", fr.cx + s * 0.05 * S, fr.y(0.4), 0.007 * S, 0.007 * S))
    return out


# --- object layers (unit square, drawn facing right) ---------------------------------------------


def obj_sneaker() -> list[Shape]:
    upper = [(0.06, 0.62), (0.1, 0.36), (0.3, 0.3), (0.46, 0.36), (0.62, 0.5), (0.86, 0.56), (0.96, 0.66), (0.95, 0.74), (0.06, 0.74)]
    sole = rrect(0.04, 0.72, 0.98, 0.84, 0.05)
    laces = [line("white", 0.022, [(0.34 + 0.06 * i, 0.36 + 0.045 * i), (0.4 + 0.06 * i, 0.33 + 0.045 * i)]) for i in range(4)]
    return [poly("base", upper), poly("sole", sole), *laces, line("shade", 0.02, qbez((0.18, 0.66), (0.45, 0.52), (0.7, 0.68), 6)),
            poly("shade", [(0.06, 0.62), (0.1, 0.36), (0.18, 0.34), (0.16, 0.72), (0.06, 0.72)], outline=False)]


def obj_formal_shoe() -> list[Shape]:
    upper = [(0.06, 0.66), (0.08, 0.44), (0.32, 0.42), (0.5, 0.48), (0.8, 0.56), (0.96, 0.64), (0.94, 0.74), (0.06, 0.74)]
    return [poly("base", upper), poly("dark", [(0.05, 0.73), (0.97, 0.73), (0.95, 0.78), (0.22, 0.78), (0.2, 0.84), (0.06, 0.84)]),
            line("light", 0.015, qbez((0.5, 0.5), (0.7, 0.55), (0.88, 0.6), 5)), line("deep", 0.015, [(0.32, 0.44), (0.5, 0.5)])]


def obj_heel() -> list[Shape]:
    shoe = [(0.08, 0.36), (0.2, 0.34), (0.3, 0.46), (0.55, 0.62), (0.8, 0.66), (0.97, 0.72), (0.95, 0.78), (0.62, 0.76), (0.36, 0.62), (0.2, 0.58)]
    stiletto = [(0.12, 0.56), (0.2, 0.58), (0.17, 0.9), (0.14, 0.9)]
    return [poly("base", shoe), poly("deep", stiletto), poly("shade", [(0.55, 0.62), (0.8, 0.66), (0.97, 0.72), (0.78, 0.7), (0.55, 0.66)], outline=False)]


def obj_flat() -> list[Shape]:
    shoe = [(0.06, 0.56), (0.1, 0.5), (0.3, 0.58), (0.6, 0.6), (0.85, 0.6), (0.97, 0.68), (0.94, 0.76), (0.06, 0.76)]
    return [poly("base", shoe), poly("shade", rrect(0.04, 0.74, 0.96, 0.8, 0.03)), ellipse("light", 0.72, 0.62, 0.05, 0.03)]


def obj_sandal() -> list[Shape]:
    sole = rrect(0.04, 0.72, 0.98, 0.82, 0.05)
    straps = [line("base", 0.06, qbez((0.6, 0.72), (0.72, 0.48), (0.86, 0.72), 6)),
              line("base", 0.06, qbez((0.3, 0.72), (0.4, 0.5), (0.55, 0.72), 6)),
              line("base", 0.05, [(0.1, 0.72), (0.16, 0.48), (0.3, 0.6)])]
    return [poly("shade", sole), *straps, ellipse("metal", 0.16, 0.5, 0.025, 0.025)]


def obj_flipflop() -> list[Shape]:
    sole = rrect(0.04, 0.74, 0.98, 0.82, 0.04)
    return [poly("base", sole), line("shade", 0.05, qbez((0.3, 0.74), (0.55, 0.46), (0.72, 0.5), 6)),
            line("shade", 0.05, [(0.72, 0.5), (0.76, 0.74)]), ellipse("deep", 0.72, 0.5, 0.03, 0.03)]


def obj_sock() -> list[Shape]:
    sock = [(0.3, 0.08), (0.56, 0.08), (0.56, 0.56), (0.86, 0.62), (0.94, 0.74), (0.86, 0.86), (0.36, 0.86), (0.28, 0.74)]
    return [poly("base", sock), poly("shade", rrect(0.29, 0.06, 0.57, 0.18, 0.02)),
            poly("shade", [(0.8, 0.62), (0.94, 0.74), (0.86, 0.86), (0.8, 0.86)], outline=False),
            poly("shade", [(0.28, 0.74), (0.36, 0.86), (0.44, 0.86), (0.42, 0.74)], outline=False)]


def obj_handbag() -> list[Shape]:
    body = [(0.16, 0.4), (0.84, 0.4), (0.92, 0.9), (0.08, 0.9)]
    return [line("deep", 0.05, qbez((0.3, 0.42), (0.5, 0.02), (0.7, 0.42), 10)), poly("base", body),
            poly("shade", [(0.16, 0.4), (0.84, 0.4), (0.86, 0.55), (0.14, 0.55)]), poly("gold", rrect(0.45, 0.5, 0.55, 0.6, 0.015))]


def obj_backpack() -> list[Shape]:
    return [line("deep", 0.05, qbez((0.4, 0.16), (0.5, 0.02), (0.6, 0.16), 6)), poly("base", rrect(0.18, 0.12, 0.82, 0.94, 0.18)),
            poly("shade", rrect(0.28, 0.56, 0.72, 0.86, 0.08)), line("deep", 0.02, [(0.3, 0.62), (0.7, 0.62)]),
            line("metal_dark", 0.02, qbez((0.22, 0.3), (0.5, 0.2), (0.78, 0.3), 6))]


def obj_clutch() -> list[Shape]:
    return [poly("base", rrect(0.08, 0.34, 0.92, 0.74, 0.05)), poly("shade", [(0.08, 0.36), (0.92, 0.36), (0.5, 0.58)]),
            ellipse("gold", 0.5, 0.56, 0.035, 0.035)]


def obj_wallet() -> list[Shape]:
    return [poly("base", rrect(0.12, 0.28, 0.88, 0.76, 0.05)), poly("shade", rrect(0.12, 0.28, 0.88, 0.44, 0.05)),
            line("stitch", 0.012, [(0.16, 0.72), (0.84, 0.72)])]


def obj_duffel() -> list[Shape]:
    return [line("deep", 0.04, qbez((0.3, 0.4), (0.5, 0.12), (0.7, 0.4), 8)), poly("base", rrect(0.06, 0.38, 0.94, 0.82, 0.2)),
            line("metal_dark", 0.02, [(0.14, 0.45), (0.86, 0.45)]), poly("shade", rrect(0.06, 0.58, 0.22, 0.82, 0.06), outline=False)]


def obj_messenger() -> list[Shape]:
    return [line("deep", 0.035, qbez((0.12, 0.4), (0.5, -0.2), (0.88, 0.4), 10)), poly("base", rrect(0.1, 0.36, 0.9, 0.88, 0.04)),
            poly("shade", rrect(0.1, 0.36, 0.9, 0.64, 0.04)), poly("metal", rrect(0.44, 0.58, 0.56, 0.66, 0.01))]


def obj_trolley() -> list[Shape]:
    return [line("metal_dark", 0.03, [(0.42, 0.3), (0.42, 0.06), (0.58, 0.06), (0.58, 0.3)]), poly("base", rrect(0.22, 0.28, 0.78, 0.9, 0.06)),
            *[line("shade", 0.015, [(x, 0.32), (x, 0.86)]) for x in (0.36, 0.5, 0.64)],
            ellipse("dark", 0.3, 0.93, 0.035, 0.035), ellipse("dark", 0.7, 0.93, 0.035, 0.035)]


def obj_watch() -> list[Shape]:
    return [poly("base", rrect(0.38, 0.02, 0.62, 0.98, 0.04)), ellipse("metal", 0.5, 0.5, 0.27, 0.27), ellipse("white", 0.5, 0.5, 0.21, 0.21),
            line("dark", 0.03, [(0.5, 0.5), (0.5, 0.35)]), line("dark", 0.025, [(0.5, 0.5), (0.62, 0.56)]),
            poly("metal", rrect(0.76, 0.46, 0.8, 0.54, 0.01)), *[ellipse("deep", 0.5 + 0.17 * math.cos(a * math.pi / 2), 0.5 + 0.17 * math.sin(a * math.pi / 2), 0.012, 0.012, outline=False) for a in range(4)]]


def obj_sunglasses() -> list[Shape]:
    return [line("base", 0.035, [(0.02, 0.38), (0.1, 0.4)]), line("base", 0.035, [(0.98, 0.38), (0.9, 0.4)]),
            poly("glass", rrect(0.08, 0.36, 0.46, 0.66, 0.1)), poly("glass", rrect(0.54, 0.36, 0.92, 0.66, 0.1)),
            line("base", 0.04, qbez((0.46, 0.44), (0.5, 0.38), (0.54, 0.44), 4)),
            line("base", 0.035, rrect(0.08, 0.36, 0.46, 0.66, 0.1) + [rrect(0.08, 0.36, 0.46, 0.66, 0.1)[0]]),
            line("base", 0.035, rrect(0.54, 0.36, 0.92, 0.66, 0.1) + [rrect(0.54, 0.36, 0.92, 0.66, 0.1)[0]]),
            line("white", 0.02, [(0.16, 0.44), (0.24, 0.42)], opacity=0.6)]


def obj_earrings() -> list[Shape]:
    out = []
    for x in (0.3, 0.7):
        out += [line("gold", 0.025, [(x, 0.14), (x, 0.34)]), ellipse("gold", x, 0.14, 0.035, 0.035),
                poly("base", [(x, 0.34), (x + 0.11, 0.58), (x, 0.86), (x - 0.11, 0.58)]),
                poly("light", [(x, 0.4), (x + 0.04, 0.56), (x, 0.62)], outline=False)]
    return out


def obj_necklace() -> list[Shape]:
    chain = qbez((0.12, 0.12), (0.5, 1.02), (0.88, 0.12), 16)
    return [line("gold", 0.025, chain), poly("base", [(0.5, 0.56), (0.58, 0.68), (0.5, 0.84), (0.42, 0.68)]), ellipse("gold", 0.5, 0.56, 0.03, 0.03)]


def obj_ring() -> list[Shape]:
    return [ellipse("gold", 0.5, 0.6, 0.3, 0.3), ellipse("white", 0.5, 0.6, 0.22, 0.22), poly("base", [(0.5, 0.16), (0.62, 0.28), (0.5, 0.38), (0.38, 0.28)]),
            poly("light", [(0.5, 0.2), (0.56, 0.28), (0.5, 0.3)], outline=False)]


def obj_bangle() -> list[Shape]:
    return [ellipse("base", 0.5, 0.5, 0.42, 0.42), ellipse("white", 0.5, 0.5, 0.32, 0.32), line("light", 0.03, arc(0.5, 0.5, 0.37, 0.37, 200, 260, 6))]


def obj_cufflinks() -> list[Shape]:
    return [poly("metal", rrect(0.1, 0.3, 0.42, 0.62, 0.06)), poly("base", rrect(0.16, 0.36, 0.36, 0.56, 0.04)),
            poly("metal", rrect(0.58, 0.3, 0.9, 0.62, 0.06)), poly("base", rrect(0.64, 0.36, 0.84, 0.56, 0.04))]


def obj_cap() -> list[Shape]:
    dome = arc(0.46, 0.66, 0.36, 0.44, 180, 360, 14)
    return [poly("base", dome), poly("shade", [(0.8, 0.62), (0.98, 0.66), (0.96, 0.72), (0.78, 0.7)]),
            line("shade", 0.02, [(0.46, 0.22), (0.46, 0.66)]), ellipse("shade", 0.46, 0.22, 0.035, 0.025),
            line("deep", 0.03, [(0.1, 0.66), (0.82, 0.66)])]


def obj_hat() -> list[Shape]:
    return [ellipse("shade", 0.5, 0.68, 0.48, 0.1), poly("base", [(0.26, 0.68), (0.3, 0.3), (0.5, 0.24), (0.7, 0.3), (0.74, 0.68)]),
            poly("deep", [(0.27, 0.58), (0.73, 0.58), (0.74, 0.66), (0.26, 0.66)])]


def obj_headband() -> list[Shape]:
    return [line("base", 0.08, arc(0.5, 0.7, 0.4, 0.5, 190, 350, 14)), line("light", 0.02, arc(0.5, 0.7, 0.4, 0.5, 220, 260, 6))]


def obj_belt() -> list[Shape]:
    return [poly("base", rrect(0.02, 0.44, 0.98, 0.58, 0.03)), poly("metal", rrect(0.16, 0.38, 0.32, 0.64, 0.02)),
            poly("white", rrect(0.19, 0.42, 0.29, 0.6, 0.01), outline=False), line("metal", 0.02, [(0.24, 0.51), (0.36, 0.51)]),
            *[ellipse("deep", x, 0.51, 0.012, 0.012, outline=False) for x in (0.5, 0.58, 0.66, 0.74)]]


def obj_tie() -> list[Shape]:
    return [poly("shade", [(0.4, 0.04), (0.6, 0.04), (0.56, 0.16), (0.44, 0.16)]), poly("base", [(0.44, 0.16), (0.56, 0.16), (0.66, 0.86), (0.5, 0.96), (0.34, 0.86)]),
            *[line("light", 0.02, [(0.4, 0.3 + 0.16 * i), (0.62, 0.2 + 0.16 * i)]) for i in range(4)]]


def obj_scarf() -> list[Shape]:
    return [poly("base", [(0.18, 0.08), (0.62, 0.08), (0.82, 0.84), (0.38, 0.84)]), poly("shade", [(0.28, 0.3), (0.72, 0.3), (0.76, 0.44), (0.32, 0.44)]),
            *[line("shade", 0.015, [(0.4 + 0.06 * i, 0.84), (0.4 + 0.06 * i, 0.93)]) for i in range(7)]]


def obj_gloves() -> list[Shape]:
    def glove(x: float) -> list[Point]:
        return [(x, 0.9), (x, 0.5), (x - 0.06, 0.38), (x - 0.03, 0.34), (x + 0.03, 0.42), (x + 0.02, 0.16), (x + 0.06, 0.14), (x + 0.08, 0.36),
                (x + 0.1, 0.1), (x + 0.14, 0.1), (x + 0.15, 0.36), (x + 0.18, 0.14), (x + 0.22, 0.16), (x + 0.22, 0.4), (x + 0.26, 0.24), (x + 0.3, 0.26), (x + 0.28, 0.6), (x + 0.24, 0.9)]
    return [poly("shade", glove(0.5)), poly("base", glove(0.14))]


def obj_brief() -> list[Shape]:
    return [poly("base", [(0.08, 0.28), (0.92, 0.28), (0.9, 0.44), (0.62, 0.76), (0.38, 0.76), (0.1, 0.44)]), poly("shade", rrect(0.08, 0.26, 0.92, 0.36, 0.02))]


def obj_boxers() -> list[Shape]:
    return [poly("base", [(0.12, 0.2), (0.88, 0.2), (0.94, 0.82), (0.56, 0.82), (0.5, 0.56), (0.44, 0.82), (0.06, 0.82)]), poly("shade", rrect(0.12, 0.18, 0.88, 0.3, 0.02))]


def obj_bra() -> list[Shape]:
    return [line("base", 0.025, [(0.3, 0.46), (0.34, 0.14)]), line("base", 0.025, [(0.7, 0.46), (0.66, 0.14)]),
            poly("base", arc(0.3, 0.5, 0.2, 0.2, 180, 360, 10) + [(0.5, 0.6)]), poly("base", arc(0.7, 0.5, 0.2, 0.2, 180, 360, 10)[::-1] + [(0.5, 0.6)]),
            line("shade", 0.04, [(0.04, 0.56), (0.96, 0.56)])]


def obj_vest() -> list[Shape]:
    return [poly("base", [(0.3, 0.08), (0.38, 0.08), (0.5, 0.26), (0.62, 0.08), (0.7, 0.08), (0.76, 0.36), (0.78, 0.94), (0.22, 0.94), (0.24, 0.36)])]


def obj_swimwear() -> list[Shape]:
    return [poly("base", [(0.3, 0.06), (0.36, 0.06), (0.5, 0.3), (0.64, 0.06), (0.7, 0.06), (0.72, 0.5), (0.84, 0.92), (0.6, 0.92), (0.5, 0.8), (0.4, 0.92), (0.16, 0.92), (0.28, 0.5)])]


def obj_perfume() -> list[Shape]:
    return [poly("metal", rrect(0.4, 0.08, 0.6, 0.26, 0.03)), poly("metal_dark", rrect(0.46, 0.24, 0.54, 0.32, 0.01)),
            poly("base", rrect(0.2, 0.3, 0.8, 0.94, 0.1), opacity=0.9), poly("white", rrect(0.3, 0.5, 0.7, 0.74, 0.02), opacity=0.75),
            line("white", 0.02, [(0.28, 0.38), (0.28, 0.86)], opacity=0.5)]


def obj_spray_can() -> list[Shape]:
    return [poly("dark", rrect(0.4, 0.04, 0.6, 0.18, 0.04)), poly("base", rrect(0.3, 0.16, 0.7, 0.96, 0.08)),
            poly("white", rrect(0.34, 0.46, 0.66, 0.7, 0.02), opacity=0.8)]


def obj_lipstick() -> list[Shape]:
    return [poly("base", [(0.42, 0.32), (0.42, 0.14), (0.58, 0.06), (0.58, 0.32)]), poly("gold", rrect(0.38, 0.3, 0.62, 0.5, 0.02)),
            poly("dark", rrect(0.36, 0.48, 0.64, 0.94, 0.03))]


def obj_nail_polish() -> list[Shape]:
    return [poly("dark", rrect(0.42, 0.06, 0.58, 0.42, 0.03)), poly("base", rrect(0.26, 0.4, 0.74, 0.94, 0.12)),
            line("white", 0.025, [(0.34, 0.5), (0.34, 0.82)], opacity=0.6)]


def obj_compact() -> list[Shape]:
    return [ellipse("dark", 0.5, 0.42, 0.36, 0.3), ellipse("metal", 0.5, 0.42, 0.3, 0.24), ellipse("base", 0.5, 0.7, 0.38, 0.18), ellipse("light", 0.5, 0.68, 0.28, 0.12)]


def obj_pencil() -> list[Shape]:
    return [poly("dark", [(0.16, 0.9), (0.76, 0.2), (0.84, 0.28), (0.24, 0.96)]), poly("base", [(0.76, 0.2), (0.9, 0.08), (0.84, 0.28)])]


def obj_jar() -> list[Shape]:
    return [poly("base", rrect(0.18, 0.24, 0.82, 0.42, 0.04)), poly("white", rrect(0.14, 0.4, 0.86, 0.88, 0.1)),
            poly("light", rrect(0.24, 0.54, 0.76, 0.74, 0.02))]


def obj_tube() -> list[Shape]:
    return [poly("white", [(0.3, 0.08), (0.7, 0.08), (0.66, 0.76), (0.34, 0.76)]), poly("base", rrect(0.34, 0.74, 0.66, 0.94, 0.04)),
            poly("light", rrect(0.36, 0.28, 0.64, 0.52, 0.02)), line("shade", 0.02, [(0.3, 0.12), (0.7, 0.12)])]


def obj_gift() -> list[Shape]:
    return [poly("base", rrect(0.14, 0.4, 0.86, 0.92, 0.03)), poly("shade", rrect(0.1, 0.3, 0.9, 0.44, 0.03)),
            poly("gold", [(0.45, 0.3), (0.55, 0.3), (0.55, 0.92), (0.45, 0.92)]),
            poly("gold", arc(0.38, 0.22, 0.12, 0.08, 0, 360, 12)), poly("gold", arc(0.62, 0.22, 0.12, 0.08, 0, 360, 12))]


def obj_ball() -> list[Shape]:
    return [ellipse("base", 0.5, 0.5, 0.42, 0.42), line("deep", 0.02, [(0.08, 0.5), (0.92, 0.5)]), line("deep", 0.02, [(0.5, 0.08), (0.5, 0.92)]),
            line("deep", 0.02, arc(0.1, 0.5, 0.3, 0.34, -70, 70, 10)), line("deep", 0.02, arc(0.9, 0.5, 0.3, 0.34, 110, 250, 10))]


def obj_bottle() -> list[Shape]:
    return [poly("dark", rrect(0.4, 0.04, 0.6, 0.16, 0.02)), poly("base", rrect(0.3, 0.16, 0.7, 0.96, 0.12)), line("light", 0.03, [(0.38, 0.3), (0.38, 0.84)])]


def obj_umbrella() -> list[Shape]:
    canopy = arc(0.5, 0.5, 0.44, 0.36, 180, 360, 16)
    return [poly("base", canopy), line("shade", 0.015, [(0.5, 0.14), (0.3, 0.5)]), line("shade", 0.015, [(0.5, 0.14), (0.7, 0.5)]),
            line("dark", 0.025, [(0.5, 0.5), (0.5, 0.86)] + arc(0.56, 0.86, 0.06, 0.06, 180, 0, 6))]


def obj_cushion() -> list[Shape]:
    return [poly("base", [(0.12, 0.16), (0.5, 0.2), (0.88, 0.16), (0.84, 0.5), (0.88, 0.84), (0.5, 0.8), (0.12, 0.84), (0.16, 0.5)]),
            line("shade", 0.015, [(0.3, 0.4), (0.7, 0.6)])]


def obj_pouch() -> list[Shape]:
    return [poly("base", rrect(0.12, 0.36, 0.88, 0.78, 0.16)), line("metal_dark", 0.02, [(0.2, 0.44), (0.8, 0.44)]), line("deep", 0.04, [(0.02, 0.52), (0.12, 0.52)]), line("deep", 0.04, [(0.88, 0.52), (0.98, 0.52)])]


def obj_sleeve() -> list[Shape]:
    return [poly("base", rrect(0.12, 0.18, 0.88, 0.86, 0.05)), line("metal_dark", 0.02, [(0.16, 0.24), (0.84, 0.24)])]


def obj_keychain() -> list[Shape]:
    return [ellipse("metal", 0.4, 0.3, 0.16, 0.16), ellipse("white", 0.4, 0.3, 0.11, 0.11, outline=False), line("metal", 0.02, [(0.48, 0.42), (0.56, 0.54)]),
            poly("base", rrect(0.5, 0.5, 0.8, 0.9, 0.06))]


def obj_generic() -> list[Shape]:
    """The tasteful fallback: a folded garment tag-and-box, recognisable as 'a product'."""
    return [poly("base", [(0.16, 0.3), (0.84, 0.3), (0.9, 0.9), (0.1, 0.9)]), poly("shade", [(0.16, 0.3), (0.84, 0.3), (0.8, 0.42), (0.2, 0.42)]),
            line("deep", 0.02, qbez((0.36, 0.32), (0.5, 0.1), (0.64, 0.32), 8)), poly("white", [(0.6, 0.56), (0.78, 0.56), (0.78, 0.74), (0.6, 0.74)], opacity=0.85)]


# --- the family table -------------------------------------------------------------------------------


class Slot:
    TOP = "top"
    BOTTOM = "bottom"
    FULL = "full"
    OUTERWEAR = "outerwear"
    FOOTWEAR = "footwear"
    BAG = "bag"
    EYEWEAR = "eyewear"
    WRIST = "wrist"  # watches, bracelets, bangles, wristbands
    JEWELLERY = "jewellery"  # ears, neck, finger
    HEADWEAR = "headwear"
    NECK = "neck"  # ties, scarves, stoles, dupattas
    WAIST = "waist"  # belts, suspenders
    HANDS = "hands"  # gloves
    HELD = "held"  # not worn: carried in the hand beside the body (fragrance, make-up, bottles ...)

    ALL = (TOP, BOTTOM, FULL, OUTERWEAR, FOOTWEAR, BAG, EYEWEAR, WRIST, JEWELLERY, HEADWEAR, NECK, WAIST, HANDS, HELD)


@dataclass(frozen=True)
class Family:
    key: str
    slot: str | None  # None: no place on a body, so never drawn on a twin (the slot rule: licensing.rules)
    body: Callable[[Frame], list[Shape]] | None = None
    obj: Callable[[], list[Shape]] | None = None
    placement: str = ""  # for objects on a body: "feet", "hand", "eyes", "wrist", "ears", "neck", "finger", "head", "hands"


F = Family
FAMILIES: dict[str, Family] = {f.key: f for f in [
    F("tshirt", Slot.TOP, body=layer_tshirt),
    F("polo", Slot.TOP, body=layer_polo),
    F("shirt", Slot.TOP, body=layer_shirt),
    F("top", Slot.TOP, body=layer_blouse),
    F("camisole", None, body=layer_camisole),
    F("kurta", Slot.TOP, body=layer_kurta),
    F("sweater", Slot.TOP, body=layer_sweater),
    F("sweatshirt", Slot.TOP, body=layer_hoodie),
    F("jacket", Slot.OUTERWEAR, body=layer_jacket),
    F("blazer", Slot.OUTERWEAR, body=layer_blazer),
    F("waistcoat", Slot.OUTERWEAR, body=layer_waistcoat),
    F("trousers", Slot.BOTTOM, body=layer_trousers),
    F("jeans", Slot.BOTTOM, body=layer_jeans),
    F("shorts", Slot.BOTTOM, body=layer_shorts),
    F("trackpants", Slot.BOTTOM, body=layer_trackpants),
    F("leggings", Slot.BOTTOM, body=layer_leggings),
    F("capris", Slot.BOTTOM, body=layer_capris),
    F("salwar", Slot.BOTTOM, body=layer_salwar),
    F("skirt", Slot.BOTTOM, body=layer_skirt),
    F("dress", Slot.FULL, body=layer_dress),
    F("gown", Slot.FULL, body=layer_gown),
    F("robe", Slot.FULL, body=layer_robe),
    F("saree", Slot.FULL, body=layer_saree),
    F("lehenga", Slot.FULL, body=layer_lehenga),
    F("jumpsuit", Slot.FULL, body=layer_jumpsuit),
    F("romper", Slot.FULL, body=layer_romper),
    F("kurta_set", Slot.FULL, body=layer_kurta_set),
    F("nightsuit", Slot.FULL, body=layer_nightsuit),
    F("tracksuit", Slot.FULL, body=layer_tracksuit),
    F("suit", Slot.FULL, body=layer_suit),
    F("belt", Slot.WAIST, body=layer_belt, obj=obj_belt),
    F("suspenders", Slot.WAIST, body=layer_suspenders, obj=obj_belt),
    F("tie", Slot.NECK, body=layer_tie, obj=obj_tie),
    F("scarf", Slot.NECK, body=layer_scarf, obj=obj_scarf),
    F("dupatta", Slot.NECK, body=layer_dupatta, obj=obj_scarf),
    F("sneaker", Slot.FOOTWEAR, obj=obj_sneaker, placement="feet"),
    F("formal_shoe", Slot.FOOTWEAR, obj=obj_formal_shoe, placement="feet"),
    F("heel", Slot.FOOTWEAR, obj=obj_heel, placement="feet"),
    F("flat", Slot.FOOTWEAR, obj=obj_flat, placement="feet"),
    F("sandal", Slot.FOOTWEAR, obj=obj_sandal, placement="feet"),
    F("flipflop", Slot.FOOTWEAR, obj=obj_flipflop, placement="feet"),
    F("sock", Slot.FOOTWEAR, obj=obj_sock, placement="feet"),
    F("handbag", Slot.BAG, obj=obj_handbag, placement="hand"),
    F("backpack", Slot.BAG, obj=obj_backpack, placement="hand"),
    F("clutch", Slot.BAG, obj=obj_clutch, placement="hand"),
    F("wallet", Slot.BAG, obj=obj_wallet, placement="hand"),
    F("duffel", Slot.BAG, obj=obj_duffel, placement="hand"),
    F("messenger", Slot.BAG, obj=obj_messenger, placement="hand"),
    F("trolley", Slot.BAG, obj=obj_trolley, placement="hand"),
    F("pouch", Slot.BAG, obj=obj_pouch, placement="hand"),
    F("tablet_sleeve", Slot.BAG, obj=obj_sleeve, placement="hand"),
    F("watch", Slot.WRIST, obj=obj_watch, placement="wrist"),
    F("bangle", Slot.WRIST, obj=obj_bangle, placement="wrist"),
    F("sunglasses", Slot.EYEWEAR, obj=obj_sunglasses, placement="eyes"),
    F("earrings", Slot.JEWELLERY, obj=obj_earrings, placement="ears"),
    F("necklace", Slot.JEWELLERY, obj=obj_necklace, placement="neck"),
    F("ring", Slot.JEWELLERY, obj=obj_ring, placement="finger"),
    F("cufflinks", Slot.WRIST, obj=obj_cufflinks, placement="wrist"),
    F("cap", Slot.HEADWEAR, obj=obj_cap, placement="head"),
    F("hat", Slot.HEADWEAR, obj=obj_hat, placement="head"),
    F("headband", Slot.HEADWEAR, obj=obj_headband, placement="head"),
    F("gloves", Slot.HANDS, obj=obj_gloves, placement="hands"),
    # Intimate apparel and swimwear are never drawn on a real person's likeness (licensing.rules).
    F("brief", None, obj=obj_brief),
    F("boxers", None, obj=obj_boxers),
    F("bra", None, obj=obj_bra),
    F("vest", None, obj=obj_vest),
    F("swimwear", None, obj=obj_swimwear),
    # Not worn: held in the hand beside the body.
    F("perfume", Slot.HELD, obj=obj_perfume, placement="hand"),
    F("spray", Slot.HELD, obj=obj_spray_can, placement="hand"),
    F("lipstick", Slot.HELD, obj=obj_lipstick, placement="hand"),
    F("nail_polish", Slot.HELD, obj=obj_nail_polish, placement="hand"),
    F("compact", Slot.HELD, obj=obj_compact, placement="hand"),
    F("pencil", Slot.HELD, obj=obj_pencil, placement="hand"),
    F("jar", Slot.HELD, obj=obj_jar, placement="hand"),
    F("tube", Slot.HELD, obj=obj_tube, placement="hand"),
    F("bottle", Slot.HELD, obj=obj_bottle, placement="hand"),
    F("umbrella", Slot.HELD, obj=obj_umbrella, placement="hand"),
    F("keychain", Slot.HELD, obj=obj_keychain, placement="hand"),
    # Not on a twin at all: gift sets, free items, home, sports equipment.
    F("gift", None, obj=obj_gift),
    F("ball", None, obj=obj_ball),
    F("cushion", None, obj=obj_cushion),
    F("generic", None, obj=obj_generic),
]}

# Article type (lower-cased catalogue name) -> family key. Unlisted types fall back by sub/master
# category in `family_for`.
ARTICLE_FAMILIES: dict[str, str] = {
    "tshirts": "tshirt", "lounge tshirts": "tshirt", "shirts": "shirt", "tops": "top", "tunics": "top",
    "camisoles": "camisole", "kurtas": "kurta", "kurtis": "kurta", "sweaters": "sweater", "sweatshirts": "sweatshirt",
    "shrug": "sweater", "jackets": "jacket", "rain jacket": "jacket", "nehru jackets": "waistcoat", "blazers": "blazer",
    "waistcoat": "waistcoat", "suspenders": "suspenders", "dupatta": "dupatta",
    "trousers": "trousers", "rain trousers": "trousers", "lounge pants": "trousers", "jeans": "jeans", "jeggings": "jeans",
    "shorts": "shorts", "lounge shorts": "shorts", "track pants": "trackpants", "leggings": "leggings", "tights": "leggings",
    "stockings": "leggings", "churidar": "leggings", "capris": "capris", "patiala": "salwar", "salwar": "salwar",
    "salwar and dupatta": "salwar", "skirts": "skirt",
    "dresses": "dress", "nightdress": "gown", "baby dolls": "gown", "bath robe": "robe", "robe": "robe", "sarees": "saree",
    "lehenga choli": "lehenga", "jumpsuit": "jumpsuit", "rompers": "romper", "kurta sets": "kurta_set",
    "night suits": "nightsuit", "tracksuits": "tracksuit", "clothing set": "tracksuit", "suits": "suit",
    "belts": "belt", "ties": "tie", "ties and cufflinks": "tie", "scarves": "scarf", "stoles": "scarf", "mufflers": "scarf",
    "casual shoes": "sneaker", "sports shoes": "sneaker", "formal shoes": "formal_shoe", "heels": "heel", "flats": "flat",
    "sandals": "sandal", "sports sandals": "sandal", "flip flops": "flipflop", "socks": "sock", "booties": "sock",
    "handbags": "handbag", "backpacks": "backpack", "rucksacks": "backpack", "clutches": "clutch", "wallets": "wallet",
    "duffel bag": "duffel", "laptop bag": "messenger", "messenger bag": "messenger", "trolley bag": "trolley",
    "mobile pouch": "pouch", "waist pouch": "pouch", "tablet sleeve": "tablet_sleeve",
    "watches": "watch", "bracelet": "bangle", "bangle": "bangle", "wristbands": "bangle", "sunglasses": "sunglasses",
    "earrings": "earrings", "pendant": "necklace", "necklace and chains": "necklace", "jewellery set": "necklace",
    "ring": "ring", "cufflinks": "cufflinks", "caps": "cap", "hat": "hat", "headband": "headband", "hair accessory": "headband",
    "gloves": "gloves",
    "briefs": "brief", "trunk": "brief", "boxers": "boxers", "bra": "bra", "innerwear vests": "vest", "shapewear": "vest",
    "swimwear": "swimwear",
    "perfume and body mist": "perfume", "deodorant": "spray", "lipstick": "lipstick", "lip gloss": "lipstick",
    "lip liner": "pencil", "lip care": "lipstick", "lip plumper": "lipstick", "nail polish": "nail_polish",
    "nail essentials": "nail_polish", "kajal and eyeliner": "pencil", "mascara": "pencil", "eyeshadow": "compact",
    "compact": "compact", "highlighter and blush": "compact", "foundation and primer": "tube", "concealer": "tube",
    "makeup remover": "bottle", "face moisturisers": "jar", "eye cream": "jar", "mask and peel": "jar",
    "face wash and cleanser": "tube", "sunscreen": "tube", "face scrub and exfoliator": "tube", "face serum and gel": "bottle",
    "toner": "bottle", "body lotion": "bottle", "body wash and scrub": "bottle", "hair colour": "tube",
    "beauty accessory": "compact", "water bottle": "bottle", "umbrellas": "umbrella", "key chain": "keychain",
    "fragrance gift set": "gift", "accessory gift set": "gift", "free gifts": "gift", "mens grooming kit": "gift",
    "travel accessory": "pouch", "shoe accessories": "generic", "shoe laces": "generic", "ipad": "generic",
    "basketballs": "ball", "footballs": "ball", "cushion covers": "cushion",
}

SUB_CATEGORY_FAMILIES = {
    "topwear": "tshirt", "bottomwear": "trousers", "dress": "dress", "saree": "saree", "innerwear": "brief",
    "loungewear and nightwear": "nightsuit", "apparel set": "kurta_set", "shoes": "sneaker", "sandal": "sandal",
    "flip flops": "flipflop", "bags": "handbag", "watches": "watch", "eyewear": "sunglasses", "jewellery": "necklace",
    "headwear": "cap", "belts": "belt", "ties": "tie", "scarves": "scarf", "socks": "sock", "wallets": "wallet",
    "fragrance": "perfume", "lips": "lipstick", "nails": "nail_polish", "makeup": "compact", "skin": "jar",
    "skin care": "jar", "hair": "tube", "bath and body": "bottle",
}
MASTER_FAMILIES = {"apparel": "tshirt", "footwear": "sneaker", "personal care": "bottle"}


def family_for(article_type: str, sub_category: str = "", master_category: str = "") -> Family:
    """The garment family of an article type; unknown types fall back by category, then to 'generic'."""
    key = (ARTICLE_FAMILIES.get(article_type.strip().lower())
           or SUB_CATEGORY_FAMILIES.get(sub_category.strip().lower())
           or MASTER_FAMILIES.get(master_category.strip().lower())
           or "generic")
    return FAMILIES[key]


def illustration_shapes(family: Family) -> list[Shape]:
    """The flat-lay drawing of a family: body layers on the neutral mannequin, objects as drawn."""
    if family.body is not None and family.obj is None:
        return family.body(MANNEQUIN)
    assert family.obj is not None
    return family.obj()
