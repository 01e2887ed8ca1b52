"""The body frame: a skeleton (shoulders to ankles) built from a body's measures, and the outlines
garments follow on it."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .geometry import Point, lerp

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
