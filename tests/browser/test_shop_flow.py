"""A shopper in Debian's chromium: browse, filter, open a product, add it in a size, place an order."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from shop.models import Order, Variant
from tests.shop.conftest import _fresh_cache, small_catalogue  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_browse_filter_add_in_a_size_and_order(live_server, small_catalogue, page, artifacts_dir):
    base = live_server.url
    # browse: the home page says what the shop is and links to everything
    page.goto(base + "/")
    assert "AI twins" in page.content()
    page.get_by_role("link", name="Shop everything").click()
    page.wait_for_url("**/products/")
    assert page.locator("#product-grid .product-card").count() == 6

    # filter: gender facet, then a price range through the no-JS form
    page.locator(".facet-gender").get_by_role("link", name=re.compile(r"^Men \(and unisex\)")).click()
    page.wait_for_url("**gender=Men**")
    page.fill("#max_price", "70")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**max_price=70**")
    names = page.locator("#product-grid .product-card-name").all_inner_texts()
    assert names == ["Nike Men Blue Tee", "Nike Unisex Blue Cap", "Nike Men Blue Jeans"]  # men's includes unisex
    page.screenshot(path=str(artifacts_dir / "shop-flow-listing.png"), full_page=True)

    # open a product: sizes with stock, the sold-out one disabled
    page.get_by_role("link", name="Nike Men Blue Tee").first.click()
    page.wait_for_url("**/products/101/")
    assert page.locator("input[name=size][value=M]").is_disabled()
    page.screenshot(path=str(artifacts_dir / "shop-flow-product.png"), full_page=True)

    # adding without a size is refused by the browser (required); pick L and add two
    page.locator("label.size-option", has_text="L").click()
    page.fill("#quantity", "2")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/cart/")
    assert "Added Nike Men Blue Tee (size L) to your cart." in page.content()
    assert page.locator("#cart-total").inner_text() == "USD 39.98"

    # place the order
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Address", exact=True).fill("12 Analytical St")
    page.get_by_label("Town or city").fill("London")
    page.get_by_label("Postcode / ZIP").fill("NW1 2AB")
    page.get_by_label("Country").fill("United Kingdom")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/orders/TS-*/")
    number = page.locator("#order-number").inner_text()
    assert page.locator("#order-total").inner_text() == "USD 39.98"
    page.screenshot(path=str(artifacts_dir / "shop-flow-order-confirmation.png"), full_page=True)

    order = Order.objects.get(number=number)
    assert order.total == Decimal("39.98")
    assert Variant.objects.get(product__catalog_id=101, size="L").stock == 3
