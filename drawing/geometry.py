"""Vector primitives: shapes painted with colour roles, affine placement, bounding boxes."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

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
