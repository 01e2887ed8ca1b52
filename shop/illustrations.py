"""Product illustrations: the garment family of an article type, tinted by its colour, as clean SVG.

`product_illustration_svg` is pure and deterministic (same article type + colour → same bytes) and
memoised per (family, colour), so the 44k products share a few thousand distinct drawings.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from drawing import (
    FAMILIES,
    MULTI,
    MULTI_STRIPES,
    Affine,
    Family,
    Shape,
    bbox,
    family_for,
    illustration_shapes,
    normalise_hex,
    palette_for,
    transform,
)

if TYPE_CHECKING:
    from shop.models import Product

WIDTH, HEIGHT = 400, 500
MARGIN = 56
BACKGROUND = "#f6f3ee"
DEFAULT_OUTLINE = 2.2


def fit(shapes: list[Shape], box: tuple[float, float, float, float]) -> list[Shape]:
    """Scale shapes uniformly to fit box, centred."""
    x0, y0, x1, y1 = bbox(shapes)
    bw, bh = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    k = min((box[2] - box[0]) / bw, (box[3] - box[1]) / bh)
    tx = box[0] + ((box[2] - box[0]) - bw * k) / 2 - x0 * k
    ty = box[1] + ((box[3] - box[1]) - bh * k) / 2 - y0 * k
    return transform(shapes, Affine(k, k, tx, ty))


def _n(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _fill(paint: str, palette: dict[str, str]) -> str:
    colour = palette.get(paint, palette["base"])
    return "url(#multi)" if colour == MULTI else colour


def shapes_to_svg_elements(shapes: list[Shape], palette: dict[str, str], *, outline: float = DEFAULT_OUTLINE) -> list[str]:
    out = []
    stroke = palette["outline"]
    for s in shapes:
        op = f' opacity="{s.opacity:g}"' if s.opacity < 1 else ""
        if s.kind == "line":
            colour = palette.get(s.paint, palette["base"])
            colour = palette["flat"] if colour == MULTI else colour
            pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.pts)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{_n(s.width)}"'
                       f' stroke-linecap="round" stroke-linejoin="round"{op}/>')
            continue
        sw = s.width or outline
        st = f' stroke="{stroke}" stroke-width="{_n(sw)}" stroke-linejoin="round"' if s.outline else ""
        fill = _fill(s.paint, palette)
        if s.kind == "ellipse":
            (cx, cy), (rx, ry) = s.pts
            out.append(f'<ellipse cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(rx)}" ry="{_n(ry)}" fill="{fill}"{st}{op}/>')
        else:
            pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.pts)
            out.append(f'<polygon points="{pts}" fill="{fill}"{st}{op}/>')
    return out


def multi_pattern_def() -> str:
    w = 12
    rects = "".join(f'<rect x="{i * w}" y="0" width="{w}" height="{len(MULTI_STRIPES) * w}" fill="{c}"/>'
                    for i, c in enumerate(MULTI_STRIPES))
    size = len(MULTI_STRIPES) * w
    return (f'<pattern id="multi" patternUnits="userSpaceOnUse" width="{size}" height="{size}"'
            f' patternTransform="rotate(35)">{rects}</pattern>')


@lru_cache(maxsize=4096)
def _svg_for(family_key: str, hex_: str, multi: bool, title: str) -> bytes:
    family: Family = FAMILIES[family_key]
    palette = palette_for(hex_, multi=multi)
    shapes = fit(illustration_shapes(family), (MARGIN, MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN - 20))
    x0, _, x1, y1 = bbox(shapes)
    shadow = (f'<ellipse cx="{_n((x0 + x1) / 2)}" cy="{_n(min(y1 + 10, HEIGHT - 24))}" rx="{_n((x1 - x0) * 0.42)}"'
              f' ry="9" fill="#000" opacity="0.07"/>')
    body = "".join(shapes_to_svg_elements(shapes, palette))
    defs = f"<defs>{multi_pattern_def()}</defs>" if multi else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">'
        f"<title>{escape(title)}</title>{defs}"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>{shadow}{body}</svg>'
    )
    return svg.encode()


def illustration_svg(*, article_type: str, colour_hex: str | None, colour_name: str = "", sub_category: str = "",
                     master_category: str = "", title: str = "") -> bytes:
    """The SVG bytes for an article type in a colour. "Multi" colours are painted as stripes."""
    family = family_for(article_type, sub_category, master_category)
    multi = colour_name.strip().lower() in {"multi", "multicolour", "multicolor"}
    title = title or f"Illustration: {colour_name or 'neutral'} {article_type}".strip()
    return _svg_for(family.key, normalise_hex(colour_hex), multi, title)


def product_illustration_svg(product: Product) -> bytes:
    at = product.article_type
    colour = product.colour
    return illustration_svg(
        article_type=at.name,
        colour_hex=colour.hex if colour else None,
        colour_name=colour.name if colour else "",
        sub_category=at.sub_category.name,
        master_category=at.sub_category.master.name,
        title=f"Illustration of {product.name}",
    )
