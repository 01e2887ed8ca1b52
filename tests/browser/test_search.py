"""The search box in Debian's chromium: what a shopper types, what the page understood, a typo corrected out
loud, and the hand-off to the assistant when nothing matches. Screenshots go to the test artefacts."""
from __future__ import annotations

import pytest

from tests.assistant.conftest import assistant_index_dir, assistant_settings, catalogue  # noqa: F401 (fixtures)
from tests.browser.test_assistant import live_asgi  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_box_understands_corrects_and_hands_off(live_asgi, page, artifacts_dir):  # noqa: F811
    from playwright.sync_api import expect

    from assistant.services import assistant_warm

    assistant_warm()  # as config.asgi does when a worker starts: the first search need not load the model
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # given the shop; when a shopper types into the header's search box
        page.goto(f"{live_asgi}/")
        page.get_by_label("Search products").fill("nike running shoes")
        page.get_by_label("Search products").press("Enter")
        # then the page names what it understood and lists it
        expect(page.locator("h1")).to_have_text("Sports Shoes by Nike")
        expect(page.locator(".product-grid > li")).to_have_count(1)
        expect(page.locator(".product-grid")).to_contain_text("Nike Women Red Runner")
        expect(page.locator(".active-filters")).to_contain_text("Brand: Nike")
        page.screenshot(path=str(artifacts_dir / "search-understood.png"), full_page=True)

        # when the shopper mistypes, then the page says what it searched instead
        page.goto(f"{live_asgi}/products/?q=snekers")
        expect(page.locator("[data-did-you-mean]")).to_contain_text("Did you mean sneakers?")
        expect(page.locator("h1")).to_have_text("Casual Shoes")
        expect(page.locator(".product-grid > li")).to_have_count(5)
        page.screenshot(path=str(artifacts_dir / "search-did-you-mean.png"), full_page=True)

        # removing the understood colour of "red dress" searches "dress"
        page.goto(f"{live_asgi}/products/?q=red+dress")
        expect(page.locator("h1")).to_have_text("Red Dresses")
        page.get_by_role("link", name="Remove filter Colour: Red").click()
        expect(page.locator("h1")).to_have_text("Dresses")

        # when nothing matches, then the assistant is offered with the words, and opens with them in its box
        page.goto(f"{live_asgi}/products/?q=nike+running+shoes&colour=grey")
        expect(page.locator(".empty")).to_contain_text("Nothing matches")
        page.screenshot(path=str(artifacts_dir / "search-no-results.png"), full_page=True)
        page.locator("[data-assistant-handoff]").click()
        expect(page).to_have_url(f"{live_asgi}/assistant/?q=nike+running+shoes")
        expect(page.get_by_label("Message the shopping assistant")).to_have_value("nike running shoes")
        page.screenshot(path=str(artifacts_dir / "search-handoff-assistant.png"), full_page=True)
        assert not errors
    except Exception:
        page.screenshot(path=str(artifacts_dir / "search-failure.png"), full_page=True)
        raise
