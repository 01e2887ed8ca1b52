"""What a shopper's size means in the catalogue's own sizes: shoe sizes between systems, children's age bands.

The catalogue sizes adult shoes in Paris points (EU 36-46); shoppers in Britain, India and America say their own
numbers ("size 7", "UK 8", "a US 9"). Each system is a length of the shoe's last (ISO 19407 converts between them;
the definitions as in Wikipedia's "Shoe size"):

- EU (Paris points): 1.5 x the last's length in centimetres;
- UK adult: 3 x the length in inches - 25 (barleycorns, from 25 up);
- US men's: UK + 1; US women's: US men's + 1.5 (unisex shoes are sized on the men's scale).

So a size in one system is a length, and the length is a size in the other: UK 7 is 32/3 inches, EU 40.64.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Below this a number is no adult Paris point (EU adult sizes start around 33): it is a British or American size.
SMALLEST_PARIS_POINT = Decimal(30)
_CM_PER_INCH = Decimal("2.54")
# Offsets from UK adult sizes: the US men's scale is one size up, the women's two and a half.
_UK_OFFSET = {"uk": Decimal(0), "us_men": Decimal(1), "us_women": Decimal("2.5")}


def _number(size: str) -> Decimal | None:
    try:
        value = Decimal(str(size).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 < value < 60 else None


def paris_points(size: str, *, system: str, women: bool) -> Decimal | None:
    """The EU size (unrounded) of a British or American adult shoe size; None for what is no such size."""
    value = _number(size)
    if value is None or system not in ("uk", "us") or value >= SMALLEST_PARIS_POINT:
        return None
    scale = "uk" if system == "uk" else ("us_women" if women else "us_men")
    uk = value - _UK_OFFSET[scale]
    inches = (uk + 25) / 3
    return Decimal("1.5") * inches * _CM_PER_INCH


def nearest_size(eu: Decimal, available: Iterable[str]) -> str:
    """The catalogue's size nearest to `eu` (between two, the larger: a shoe half a size long fits, one half a size
    short does not); the EU size itself, rounded, when the catalogue has none within half a size."""
    best: tuple[Decimal, Decimal, str] | None = None
    for size in available:
        value = _number(size)
        if value is None or value < SMALLEST_PARIS_POINT or abs(value - eu) > Decimal("0.5"):
            continue
        key = (abs(value - eu), -value, size)
        if best is None or key < best:
            best = key
    if best is not None:
        return best[2]
    return str(eu.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def size_system_label(system: str, *, women: bool) -> str:
    return "UK" if system == "uk" else ("US women's" if women else "US men's")


_AGE_BAND = re.compile(r"(\d{1,2})-(\d{1,2})y")


def age_band(size: str) -> tuple[int, int] | None:
    """The years a children's size names ("4-5Y" -> (4, 5)), else None."""
    m = _AGE_BAND.fullmatch(size.strip().lower())
    return (int(m.group(1)), int(m.group(2))) if m else None
