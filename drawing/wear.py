"""Body layers: garments as functions of a `Frame`, so the same garment follows any body and pose."""
from __future__ import annotations

from .body import Frame, arm, arm_w, leg, leg_w, limb_edge, shoulder_top, torso_x
from .geometry import Point, Shape, ellipse, lerp, line, poly, qbez, rrect

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
