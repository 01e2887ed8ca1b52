"""The /assistant/ page (works without JavaScript) and the widget on every page."""
from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_page_discloses_ai_and_answers_a_posted_message_without_javascript(client, catalogue):  # type: ignore[no-untyped-def]
    page = client.get(reverse("assistant:page"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "AI shopping assistant, not a person" in body
    assert 'data-ws-path="/ws/assistant/"' in body
    assert "assistant-widget" not in body  # the full page replaces the floating widget

    answer = client.post(reverse("assistant:page"), {"text": "women's <b>dresses</b> under $40"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Mango Women Blue Summer Dress" in html and "Biba Women Maroon Dress" not in html
    assert "women&#x27;s &lt;b&gt;dresses&lt;/b&gt; under $40" in html  # the shopper's text is escaped


def test_an_empty_post_is_a_clear_400(client, catalogue):  # type: ignore[no-untyped-def]
    response = client.post(reverse("assistant:page"), {"text": "  "})
    assert response.status_code == 400
    assert "Type something to search for." in response.content.decode()


def test_the_widget_is_on_other_pages(client, catalogue):  # type: ignore[no-untyped-def]
    html = client.get("/").content.decode()
    assert "assistant-widget" in html and "js/assistant.js" in html
    assert 'aria-controls="assistant-panel"' in html
