"""Colour roles: a product's base colour turned into the palette every layer paints with."""
from __future__ import annotations

from collections.abc import Iterable

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
    return _hex(x + (y - x) * t for x, y in zip(ra, rb, strict=False))


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
