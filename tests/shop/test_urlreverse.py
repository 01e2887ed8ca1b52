"""reverse_one builds exactly what reverse() builds, under a script prefix and another URLconf too."""
from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from config.urlreverse import reverse_one
from licensing.showcase.tokens import ImageClaim, token_mint, viewer_hash


@pytest.mark.parametrize("name,arg", [
    ("shop:product_detail", 15970), ("shop:product_illustration", 0), ("shop:product_illustration", 2147483647),
    ("shop:order_detail", "TS-2026-ABC"),
    ("licensing:showcase:image", token_mint(ImageClaim(twin_id=3, pose="front", catalog_id=15970,
                                                       channel="assistant", size="card", viewer=viewer_hash("k")))),
])
def test_same_url_as_reverse(name, arg):  # type: ignore[no-untyped-def]
    assert reverse_one(name, arg) == reverse(name, args=[arg])


def test_follows_the_script_prefix():  # type: ignore[no-untyped-def]
    try:
        set_script_prefix("/shop-a/")
        assert reverse_one("shop:product_detail", 7) == reverse("shop:product_detail", args=[7]) == "/shop-a/products/7/"
    finally:
        set_script_prefix("/")
    assert reverse_one("shop:product_detail", 7) == "/products/7/"


def test_follows_an_overridden_urlconf(settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "bench._gate_site"  # the project's URLs plus one route in front
    assert reverse_one("shop:product_detail", 7) == reverse("shop:product_detail", args=[7])


def test_refuses_a_url_without_exactly_one_argument():  # type: ignore[no-untyped-def]
    with pytest.raises(Exception):
        reverse_one("shop:cart", 1)
