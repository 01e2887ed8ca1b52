"""The chat UI in a real browser: ask, see product cards, pick a size, add to cart.

The site runs in uvicorn (websockets included) on a free port in a thread of this process, so it shares
the test database; chromium is Debian's, never a downloaded one.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.assistant.conftest import assistant_index_dir, assistant_settings, catalogue  # noqa: F401 (fixtures)
from tests.browser.conftest import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_asgi(catalogue, monkeypatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    from config.asgi import application

    # Playwright's sync API runs an event loop in this thread; the ORM calls the server makes run in its own.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_ask_see_cards_and_add_to_cart(live_asgi, artifacts_dir):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            page.goto(f"{live_asgi}/assistant/")
            chat = page.locator(".assistant-page")
            expect(chat.locator("[data-assistant-status]")).to_have_text("Connected", timeout=20000)
            # the AI disclosure appears once (issue 16: the page and the hello frame each added one)
            expect(chat.get_by_text("not a person")).to_have_count(1)
            expect(chat.locator(".assistant-msg-system")).to_have_count(0)

            box = chat.get_by_label("Message the shopping assistant")
            box.fill("blue sneakers for men under $40")
            box.press("Enter")
            card = chat.locator(".assistant-card").first
            expect(card).to_contain_text("Puma Men Blue Canvas Sneakers", timeout=60000)
            expect(card).to_contain_text("USD 34.99")
            expect(chat.locator(".assistant-chip", has_text="Up to $40.00")).to_be_visible()

            # Add to cart without a size is refused in the page; with one it lands in the shared session cart.
            card.get_by_role("button", name=re.compile("Add .* to cart")).click()
            expect(chat.locator(".assistant-msg-error").last).to_have_text("Pick a size first.")
            card.get_by_label(re.compile("Size for")).select_option("41")
            card.get_by_role("button", name=re.compile("Add .* to cart")).click()
            expect(chat.locator(".assistant-msg-assistant").last).to_have_text(
                "Added Puma Men Blue Canvas Sneakers (size 41) to your cart.", timeout=20000)
            expect(page.locator(".cart-link .badge")).to_have_text("1")

            # Removing the price chip searches again without the cap.
            chat.locator(".assistant-chip", has_text="Up to $40.00").click()
            expect(chat.locator(".assistant-chip", has_text="Up to $")).to_have_count(0, timeout=20000)

            page.goto(f"{live_asgi}/cart/")
            expect(page.locator("main")).to_contain_text("Puma Men Blue Canvas Sneakers")
            assert not errors
        except Exception:
            page.screenshot(path=str(artifacts_dir / "assistant-chat-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_more_like_this_and_compare_buttons_send_structured_actions(live_asgi, artifacts_dir):  # type: ignore[no-untyped-def]
    """The card buttons send action frames naming products (assistant.intents), not words for the parser."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        sent: list[dict] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(json.loads(payload))))
        try:
            page.goto(f"{live_asgi}/assistant/")
            chat = page.locator(".assistant-page")
            expect(chat.locator("[data-assistant-status]")).to_have_text("Connected", timeout=20000)
            box = chat.get_by_label("Message the shopping assistant")
            box.fill("men's shirts under $45")
            box.press("Enter")
            cards = chat.locator(".assistant-msg-cards").last.locator(".assistant-card")
            expect(cards).to_have_count(4, timeout=60000)
            first = cards.nth(0).get_by_role("link").get_attribute("href")

            cards.nth(0).get_by_role("button", name=re.compile("^More like ")).click()
            expect(chat.locator(".assistant-msg-assistant").last).to_contain_text("More like that one", timeout=20000)

            # `cards` is the newest list now: the "more like" results
            expect(chat.locator(".assistant-msg-cards")).to_have_count(2)
            pair = [cards.nth(i).get_by_role("link").get_attribute("href") for i in (0, 1)]
            cards.nth(0).get_by_role("button", name=re.compile("^Compare ")).click()
            cards.nth(1).get_by_role("button", name=re.compile("^Compare ")).click()
            expect(chat.locator(".assistant-msg-assistant").last).to_contain_text(
                re.compile("cheaper|cost the same"), timeout=20000)

            def catalog_id(href: str | None) -> int:
                return int(str(href).strip("/").rsplit("/", 1)[-1])

            actions = [f for f in sent if f.get("type") == "action"]
            assert actions == [{"type": "action", "action": "more_like_this", "product_id": catalog_id(first)},
                               {"type": "action", "action": "compare", "product_ids": [catalog_id(h) for h in pair]}]
        except Exception:
            page.screenshot(path=str(artifacts_dir / "assistant-buttons-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_a_revocation_leaves_no_text_or_alt_naming_the_model(live_asgi, artifacts_dir, monkeypatch):  # type: ignore[no-untyped-def]
    """Issue 16: after a revocation the open chat showed the garment, but the reply and the alt still named her."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from playwright.sync_api import expect, sync_playwright

    from assistant import selectors
    from tests.assistant.test_consumer import FakeTwinImage

    def twin_image_for(*, product, session_key, channel, twin_id=None, prefer=None, size="card",  # type: ignore[no-untyped-def]
                       twins=None, anonymous=False):
        return FakeTwinImage(url=f"/showcase/t{product.catalog_id}.png", twin_id=7, twin_name="Adaeze",
                             label="AI twin of Adaeze · licensed")

    monkeypatch.setattr(selectors, "twin_image_for", twin_image_for)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        try:
            page.goto(f"{live_asgi}/assistant/")
            chat = page.locator(".assistant-page")
            expect(chat.locator("[data-assistant-status]")).to_have_text("Connected", timeout=20000)
            box = chat.get_by_label("Message the shopping assistant")
            box.fill("men's watches")
            box.press("Enter")
            card = chat.locator(".assistant-card").first
            expect(card.locator("img")).to_have_attribute("alt", re.compile("Adaeze"), timeout=60000)
            card.get_by_role("button", name=re.compile("on another twin")).click()
            expect(chat.locator(".assistant-msg-assistant").last).to_contain_text("on Adaeze", timeout=20000)

            # Playwright's loop runs in this thread: the licensing app's broadcast is sent from another one
            sender = threading.Thread(target=async_to_sync(get_channel_layer().group_send),
                                      args=("twin-7", {"type": "twin.revoked", "twin_id": 7}))
            sender.start()
            sender.join(timeout=10)

            expect(chat.locator(".ai-label", has_text="Adaeze")).to_have_count(0, timeout=20000)
            expect(chat.locator("[data-assistant-log]")).not_to_contain_text("Adaeze")
            alts = chat.locator("[data-assistant-log] img").evaluate_all("imgs => imgs.map(i => i.alt)")
            assert alts and not any("Adaeze" in alt for alt in alts)
            srcs = chat.locator("[data-assistant-log] img").evaluate_all("imgs => imgs.map(i => i.getAttribute('src'))")
            assert not any("/showcase/" in src for src in srcs)
        except Exception:
            page.screenshot(path=str(artifacts_dir / "assistant-revocation-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
