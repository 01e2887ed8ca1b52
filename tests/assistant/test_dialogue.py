"""Dialogue state across turns, through the same service the websocket uses, on a small indexed catalogue."""
from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.models import Conversation, Turn
from assistant.retrieval import index as index_mod
from assistant.services import AssistantError, conversation_message
from assistant.understanding.schema import Filters
from shop.models import Product

pytestmark = pytest.mark.django_db


def products(result):  # type: ignore[no-untyped-def]
    return list(Product.objects.filter(catalog_id__in=[p["id"] for p in result.products]).select_related("colour", "article_type"))


def test_refine_then_cap_keeps_every_stated_filter(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="s1")

    r1 = conversation_message(conversation=convo, text="show me sneakers for men")
    r2 = conversation_message(conversation=convo, text="only blue ones")
    r3 = conversation_message(conversation=convo, text="under $40 please")

    assert {p.name for p in products(r1)} == {"Nike Men White Court Sneakers", "Puma Men Blue Canvas Sneakers",
                                              "Puma Men Navy Low Tops", "Adidas Men Black Street Shoes"}
    assert {p.name for p in products(r2)} == {"Puma Men Blue Canvas Sneakers", "Puma Men Navy Low Tops"}
    assert [p.name for p in products(r3)] == ["Puma Men Blue Canvas Sneakers"]
    assert r3.filters["max_price"] == "40.00"
    assert r3.filters["article_types"] == ["Casual Shoes"]
    convo.refresh_from_db()
    assert convo.turn_count == 6
    assert convo.state["last_shown"] == [p["id"] for p in r3.products]
    assert list(Turn.objects.filter(conversation=convo).values_list("role", flat=True)) == ["shopper", "assistant"] * 3


def test_replace_relax_exclude_and_reset(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="s2")
    conversation_message(conversation=convo, text="black shirts for men")
    r = conversation_message(conversation=convo, text="show me watches instead")
    # a new kind of product is a new request: the person stays, the shirts' colour doesn't
    assert {p.name for p in products(r)} == {"Fossil Men Black Chronograph Watch", "Unisex Black Digital Watch",
                                             "Titan Men Steel Analog Watch"}
    assert "New search" in r.text and r.filters["colours"] == []
    r = conversation_message(conversation=convo, text="any colour is fine")
    assert len(r.products) == 3  # men's and unisex watches, every colour
    r = conversation_message(conversation=convo, text="not black")
    assert [p.name for p in products(r)] == ["Titan Men Steel Analog Watch"]
    r = conversation_message(conversation=convo, text="start over")
    assert r.products == [] and r.filters["article_types"] == [] and "Starting over" in r.text


def test_chips_show_a_colour_family_as_one_removable_filter(catalogue):  # type: ignore[no-untyped-def]
    from assistant.pipeline import chips
    from assistant.services import filter_remove

    convo = Conversation.objects.create(session_key="chips")
    r = conversation_message(conversation=convo, text="blue sneakers for men, not black, under $50")
    labels = [c["label"] for c in chips(r.filters)]
    assert labels == ["For: Men", "Type: Casual Shoes", "Colour: blue (any shade)", "Not: Black", "Up to $50.00"]
    family = next(c for c in chips(r.filters) if c["field"] == "colours")
    r = filter_remove(conversation=convo, field_name="colours", value=family["values"], session_key=None)
    assert r.filters["colours"] == [] and r.filters["exclude_colours"] == ["Black"]
    assert {p.name for p in products(r)} == {"Puma Men Blue Canvas Sneakers", "Puma Men Navy Low Tops"}


def test_cheaper_than_a_referenced_product(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="s3")
    first = conversation_message(conversation=convo, text="men's shirts")
    second_price = Decimal(first.products[1]["price"])
    r = conversation_message(conversation=convo, text="cheaper than the second one")
    assert r.products
    assert all(Decimal(p["price"]) < second_price for p in r.products)
    assert Decimal(r.filters["max_price"]) == second_price - Decimal("0.01")


def test_more_like_the_first_stays_in_its_type_and_leaves_it_out(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="s4")
    first = conversation_message(conversation=convo, text="women's dresses")
    anchor = first.products[0]["id"]
    r = conversation_message(conversation=convo, text="more like the first")
    assert anchor not in [p["id"] for p in r.products]
    assert {p.article_type.name for p in products(r)} == {"Dresses"}


def test_nothing_matches_says_so_and_offers_the_closest_relaxation(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="s5")
    r = conversation_message(conversation=convo, text="red watches for women")
    assert r.products == []
    assert r.text == ("I couldn't find any red Watches for women. Without the colour there are 2; say \"yes\" "
                      "and I'll drop it.")
    r = conversation_message(conversation=convo, text="yes")
    assert {p.name for p in products(r)} == {"Fastrack Women Pink Watch", "Unisex Black Digital Watch"}
    assert r.filters["colours"] == [] and r.filters["genders"] == ["Women"]


def test_semantic_fallback_asks_when_unsure_and_applies_when_confirmed(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    from assistant.understanding import parser

    convo = Conversation.objects.create(session_key="s6")
    # Force the "unsure" band so the test does not depend on exact model scores.
    monkeypatch.setattr(parser, "ACCEPT_SIMILARITY", 1.01)
    monkeypatch.setattr(parser, "ASK_SIMILARITY", 0.0)
    # A word no catalogue word is one or two edits from (the speller corrected "wristwatchy" to "wristwatch").
    r = conversation_message(conversation=convo, text="horology thing for men")
    assert "did you mean" in r.text
    convo.refresh_from_db()
    pending = convo.state["pending"]
    r = conversation_message(conversation=convo, text="yes")
    assert r.filters[{"article_type": "article_types", "colour": "colours", "usage": "usages", "category": "article_types"}[pending["kind"]]]


def test_empty_and_oversized_messages_are_refused_and_nothing_is_written(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="s7")
    with pytest.raises(AssistantError) as e:
        conversation_message(conversation=convo, text="   ")
    assert e.value.code == "empty_message"
    with pytest.raises(AssistantError) as e:
        conversation_message(conversation=convo, text="x" * 1001)
    assert e.value.code == "message_too_long"
    assert Turn.objects.filter(conversation=convo).count() == 0


def test_a_price_change_is_respected_at_once_through_the_shop_hook(catalogue, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from shop.services import products_changed_notify

    convo = Conversation.objects.create(session_key="s8")
    tee = Product.objects.get(name="Nike Men Blue Tshirt")
    r = conversation_message(conversation=convo, text="men's tshirts under $18")
    assert [p["id"] for p in r.products] == [tee.catalog_id]
    Product.objects.filter(pk=tee.pk).update(price=Decimal("18.50"))
    with django_capture_on_commit_callbacks(execute=True):
        products_changed_notify(catalog_ids=[tee.catalog_id])
    # the index itself knows at once (not just the final check against the database)
    assert index_mod.get_snapshot().mask(Filters(max_price=Decimal("18"), article_types=["Tshirts"], genders=["Men"])).sum() == 0
    r = conversation_message(conversation=convo, text="men's tshirts under $18")
    assert r.products == []


def test_the_embedded_text_carries_what_is_wanted_not_the_exact_limits(catalogue):  # type: ignore[no-untyped-def]
    # given a message with a kind, colour and audience, plus a price cap, a size and an excluded colour
    from assistant.pipeline import TurnContext, understand

    ctx = understand(TurnContext(text="blue sneakers for men under $40 in size 41, not navy", state={}))
    # then the filters hold every limit exactly...
    assert ctx.filters.max_price == Decimal("40.00")
    assert ctx.filters.size == "41"
    assert "Navy Blue" in ctx.filters.exclude_colours
    # ...and the text that is embedded has the wanted part only: no price, size or the excluded colour,
    # which an embedding would read as one more thing to look for
    text = ctx.query_text.lower()
    assert "blue" in text and "men" in text and "shoes" in text
    assert "$" not in text and "40" not in text and "41" not in text and "size" not in text and "navy" not in text
    assert "not" not in text


def test_a_query_cache_of_zero_embeds_every_time(settings):  # type: ignore[no-untyped-def]
    from unittest import mock

    import numpy as np

    from assistant.retrieval import embeddings

    for size, calls in ((0, 3), (2, 1)):
        encoder = embeddings.QueryEncoder()
        settings.ASSISTANT_QUERY_CACHE_SIZE = size
        with mock.patch.object(embeddings, "encode_queries", return_value=np.ones((1, 384), dtype=np.float32)) as encode:
            for _ in range(3):
                encoder("Red Dress ")
        assert encode.call_count == calls
        assert len(encoder._cache) == min(size, 1)
