"""The storefront on a phone (390 x 844): a compact header that slides away on scroll, the filters in a
drawer, 44 px touch targets, the assistant button small and out of the way. Screenshots go to the
test artefacts."""
from __future__ import annotations

import re

import pytest

from shop.models import InfoPage
from tests.factories import ProductFactory
from tests.shop.conftest import _fresh_cache, small_catalogue  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.viewport(390, 844)]
TOUCH = 44


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.fixture
def long_listing(small_catalogue):  # noqa: F811
    tees = small_catalogue["blue_tee"]
    for i in range(40):
        ProductFactory(catalog_id=3000 + i, name=f"Nike Men Tee {i}", article_type=tees.article_type,
                       brand=tees.brand, colour=tees.colour, gender="Men")
    return small_catalogue


def test_header_is_compact_and_slides_away_while_scrolling_down(live_server, long_listing, page, artifacts_dir):
    page.goto(live_server.url + "/products/")
    header = box(page, ".site-header")
    assert header["height"] <= 110  # was 150: brand and links on one row, the search below
    page.screenshot(path=str(artifacts_dir / "phone-listing-top.png"))
    # when the shopper scrolls down, the header and the assistant button leave the screen
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(400)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(400)
    assert box(page, ".site-header")["y"] + box(page, ".site-header")["height"] <= 1
    assert box(page, ".assistant-toggle")["y"] >= 844
    page.screenshot(path=str(artifacts_dir / "phone-listing-scrolled.png"))
    # and come back as soon as they scroll up
    page.mouse.wheel(0, -200)
    page.wait_for_timeout(400)
    assert box(page, ".site-header")["y"] >= -1
    assert box(page, ".assistant-toggle")["y"] < 844


def test_filter_and_sort_opens_a_drawer_with_44px_targets(live_server, small_catalogue, page, artifacts_dir):  # noqa: F811
    page.goto(live_server.url + "/products/")
    assert not page.locator("#filters").is_visible()  # results take the screen
    button = box(page, ".filters-jump")
    assert button["height"] >= TOUCH
    # when the shopper opens the filters
    page.get_by_role("link", name="Filter and sort").click()
    # then they cover the screen as a drawer, at the top, not somewhere down the page
    drawer = box(page, "#filters")
    assert drawer["y"] == 0 and drawer["width"] == 390 and drawer["height"] == 844
    heights = [loc.bounding_box()["height"] for loc in page.locator("#filters .facet li a").all() if loc.is_visible()]
    assert heights and min(heights) >= TOUCH
    assert box(page, ".drawer-close")["height"] >= TOUCH
    page.screenshot(path=str(artifacts_dir / "phone-filter-drawer.png"))
    # choosing a filter applies it; "Done" closes the drawer
    page.locator(".facet-gender").get_by_role("link", name=re.compile(r"^Men")).click()
    page.wait_for_url("**gender=Men**")
    assert page.locator("h1").inner_text() == "Men's products"
    page.get_by_role("link", name="Filter and sort").click()
    page.get_by_role("link", name="Done").click()
    assert not page.locator("#filters").is_visible()


def test_assistant_button_is_small_and_in_the_corner(live_server, small_catalogue, page, artifacts_dir):  # noqa: F811
    InfoPage.objects.create(slug="about", title="About", body="Who we are.", footer_position=1)
    not_found: list[str] = []
    page.on("response", lambda r: not_found.append(r.url) if r.status == 404 else None)
    page.goto(live_server.url + "/")
    toggle = box(page, ".assistant-toggle")
    assert toggle["height"] >= TOUCH
    assert toggle["width"] * toggle["height"] <= 200 * 56  # a pill, not a banner
    assert toggle["x"] + toggle["width"] >= 390 - 16 and toggle["y"] + toggle["height"] >= 844 - 24
    for selector in (".site-nav a", ".search button"):
        assert all(loc.bounding_box()["height"] >= TOUCH for loc in page.locator(selector).all())
    page.screenshot(path=str(artifacts_dir / "phone-home.png"))
    # and nothing the page asks for is missing (the favicon included)
    for path in ("/products/", "/products/101/", "/cart/", "/pages/about/"):
        page.goto(live_server.url + path)
    assert not not_found, f"404s: {not_found}"
