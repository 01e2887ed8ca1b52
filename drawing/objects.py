"""Object layers: shoes, bags, watches, jewellery ... drawn in a unit square, placed with `place()`."""
from __future__ import annotations

import math

from .geometry import Point, Shape, arc, ellipse, line, poly, qbez, rrect

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
