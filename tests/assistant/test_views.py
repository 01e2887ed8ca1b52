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


def test_an_old_conversation_is_a_transcript_with_speakers_times_and_product_links(client, catalogue):  # type: ignore[no-untyped-def]
    # given a conversation from an earlier visit (issue 16: shown as bare text, its filters silently on)
    client.post(reverse("assistant:page"), {"text": "women's dresses under $40"})
    # when the shopper comes back to /assistant/
    html = client.get(reverse("assistant:page")).content.decode()
    # then each turn says who spoke and when, and the products shown are links to their pages
    assert html.count("<strong>You</strong>") == 1 and html.count("<strong>Assistant</strong>") == 1
    assert html.count("<time datetime=") == 2
    assert '<a href="/products/500014/">Mango Women Blue Summer Dress</a>' in html
    # and the filters the chat still searches with are said, with how to clear them
    assert "Still searching with: For: Women, Type: Dresses, Up to $40.00." in html
    assert "start over" in html


def test_the_disclosure_is_rendered_once_and_a_fresh_page_has_no_transcript(client, catalogue):  # type: ignore[no-untyped-def]
    html = client.get(reverse("assistant:page")).content.decode()
    assert html.count("AI shopping assistant, not a person") == 1
    assert "data-assistant-transcript" not in html and "Still searching with" not in html
