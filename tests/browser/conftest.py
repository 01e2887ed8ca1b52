"""Playwright in Debian's chromium (/usr/bin/chromium), never a downloaded browser."""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Without the background-networking flags chromium keeps dialling Google's hosts, which this closed
# network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; `@pytest.mark.viewport(width, height)` sets its size (default 1280 x 900)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    marker = request.node.get_closest_marker("viewport")
    width, height = marker.args if marker else (1280, 900)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
        # Playwright leaves its event loop marked running in this thread, so Django keeps the test body's database
        # connections in a context-local slot, apart from pytest-django's: closed here, while that slot is still the
        # one in use (left open, the last one kept PostgreSQL from dropping the test database at the end).
        from django.db import connections

        connections.close_all()
