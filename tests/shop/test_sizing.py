"""Shoe sizes between systems (shop.sizing): each is a length of the last, so a size is a length is a size."""
from __future__ import annotations

from decimal import Decimal

import pytest

from shop import sizing

EU_SIZES = ["36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46"]


@pytest.mark.parametrize("size, system, women, eu", [
    ("7", "uk", False, Decimal("40.64")),  # 32 barleycorns: 32/3 inches, 27.09 cm
    ("7", "uk", True, Decimal("40.64")),  # British sizes are the same for women and men
    ("9", "us", False, Decimal("41.91")),  # US men's 9 is UK 8
    ("7", "us", True, Decimal("37.465")),  # US women's 7 is UK 4.5
    ("7.5", "uk", False, Decimal("41.275")),
])
def test_a_british_or_american_size_is_the_eu_size_of_the_same_length(size, system, women, eu):  # type: ignore[no-untyped-def]
    assert sizing.paris_points(size, system=system, women=women) == eu


@pytest.mark.parametrize("size, system", [("40", "uk"), ("7", "eu"), ("seven", "uk"), ("", "us"), ("NaN", "uk"),
                                          ("-3", "uk"), ("1e9", "us"), ("7", "jp")])
def test_what_is_no_british_or_american_adult_size_converts_to_nothing(size, system):  # type: ignore[no-untyped-def]
    assert sizing.paris_points(size, system=system, women=False) is None


@pytest.mark.parametrize("eu, available, expected", [
    (Decimal("40.64"), EU_SIZES, "41"),
    (Decimal("37.465"), EU_SIZES, "37"),
    (Decimal("40.5"), EU_SIZES, "41"),  # between two: the longer shoe
    (Decimal("47.0"), EU_SIZES, "47"),  # none within half a size: the size itself, which then finds nothing
    (Decimal("40.64"), ["S", "M", "6-7Y", "40.5", "41"], "40.5"),  # half sizes where the catalogue has them
])
def test_the_nearest_size_the_catalogue_has(eu, available, expected):  # type: ignore[no-untyped-def]
    assert sizing.nearest_size(eu, available) == expected


@pytest.mark.parametrize("size, years", [("4-5Y", (4, 5)), (" 12-13y ", (12, 13)), ("40", None), ("M", None),
                                         ("ONE SIZE", None), ("4-5", None)])
def test_a_childrens_size_names_the_years_it_fits(size, years):  # type: ignore[no-untyped-def]
    assert sizing.age_band(size) == years
