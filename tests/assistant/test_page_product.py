"""The widget on a product page sends the product on screen; "this" then means that product (issue 16)."""
from __future__ import annotations

import pytest
from django.test import Client

from assistant.models import Conversation
from tests.assistant.test_consumer import connect, until

pytestmark = [pytest.mark.django_db(transaction=True)]

OLIVE_SHIRT = 500019  # Roadster Men Olive Casual Shirt
JEANS = 500029  # Levis Men Blue Jeans


async def _chat(*frames: dict) -> list[dict]:
    comm, connected = await connect()
    assert connected
    await comm.receive_json_from(timeout=10)
    replies = []
    for frame in frames:
        await comm.send_json_to(frame)
        reply, _ = await until(comm, "reply")
        replies.append(reply)
    await comm.disconnect()
    return replies


async def test_this_in_black_on_a_product_page_searches_that_kind_in_black(catalogue):  # type: ignore[no-untyped-def]
    # given a chat that showed men's watches before the shopper opened a shirt's page
    # when they ask about "this" from the shirt's page
    _watches, reply = await _chat({"type": "message", "text": "men's watches"},
                                  {"type": "message", "text": "do you have this in black?", "page_product": OLIVE_SHIRT})
    # then the search is the shirt's kind and audience in black, not black watches
    assert [p["name"] for p in reply["products"]] == ["Roadster Men Black Casual Shirt"]
    assert reply["filters"]["article_types"] == ["Shirts"] and reply["filters"]["colours"] == ["Black"]
    assert reply["filters"]["genders"] == ["Men"]


async def test_something_to_wear_with_this_completes_the_outfit_around_the_page_product(catalogue):  # type: ignore[no-untyped-def]
    # given a chat whose last cards were watches, on the jeans' page
    _watches, reply = await _chat({"type": "message", "text": "men's watches"},
                                  {"type": "message", "text": "something to wear with this", "page_product": JEANS})
    # then the outfit is built around the jeans: pinned first, the rest other kinds of men's things
    names = [p["name"] for p in reply["products"]]
    assert names[0] == "Levis Men Blue Jeans"
    assert len(names) > 1 and not any("Jeans" in n for n in names[1:])
    assert "Watch" not in " ".join(names[:2])


async def test_the_page_product_is_not_kept_for_the_next_message(catalogue):  # type: ignore[no-untyped-def]
    await _chat({"type": "message", "text": "men's watches"},
                {"type": "message", "text": "do you have this in black?", "page_product": OLIVE_SHIRT})
    convo = await Conversation.objects.aget()
    assert "page_product" not in convo.state


@pytest.mark.parametrize("hostile", [
    str(OLIVE_SHIRT), -1, 2**70, 999999, {"id": OLIVE_SHIRT}, [OLIVE_SHIRT], True, 1.5, None,
])
async def test_a_bad_page_product_is_ignored_without_an_error(catalogue, hostile):  # type: ignore[no-untyped-def]
    # given a frame whose page_product is not a published product's integer id
    watches, reply = await _chat({"type": "message", "text": "men's watches"},
                                 {"type": "message", "text": "do you have this in black?", "page_product": hostile})
    # then the turn runs as if no page were given: a reply (no error frame), "this" is the chat's own context
    assert reply["type"] == "reply"
    assert "Shirts" not in (reply["filters"].get("article_types") or [])


async def test_an_unpublished_product_is_ignored(catalogue):  # type: ignore[no-untyped-def]
    from shop.models import Product

    await Product.objects.filter(catalog_id=OLIVE_SHIRT).aupdate(is_published=False)
    _w, reply = await _chat({"type": "message", "text": "men's watches"},
                            {"type": "message", "text": "do you have this in black?", "page_product": OLIVE_SHIRT})
    assert reply["type"] == "reply" and "Shirts" not in (reply["filters"].get("article_types") or [])


def test_the_widget_on_a_product_page_carries_the_product_id(catalogue):  # type: ignore[no-untyped-def]
    page = Client().get(f"/products/{OLIVE_SHIRT}/")
    assert page.status_code == 200
    assert f'data-page-product="{OLIVE_SHIRT}"' in page.content.decode()
    assert "data-page-product" not in Client().get("/products/").content.decode()
