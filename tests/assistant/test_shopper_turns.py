"""Issue 16 through the same service the websocket uses: wishes rank, outfits, questions, words as cart actions,
name-word exclusions and out-of-catalogue requests, on the small indexed catalogue."""
from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore

from assistant.models import Conversation
from assistant.services import conversation_message
from shop.models import Product

pytestmark = pytest.mark.django_db


def names(result):  # type: ignore[no-untyped-def]
    ids = [p["id"] for p in result.products]
    by_id = {p.catalog_id: p.name for p in Product.objects.filter(catalog_id__in=ids)}
    return [by_id[i] for i in ids]


def test_an_occasion_orders_the_results_and_filters_nothing(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="wish")
    r = conversation_message(conversation=convo, text="a dress for a party")
    assert names(r)[0] == "Vero Moda Women Red Party Dress"
    assert len(r.products) == 4  # every dress still shows
    assert r.filters["usages"] == [] and "nothing is filtered out" in r.text


def test_name_words_exclude_even_though_they_are_no_attribute(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="words")
    r = conversation_message(conversation=convo, text="sneakers for men, not canvas")
    assert r.products and all("Canvas" not in n for n in names(r))
    assert r.filters["exclude_words"] == ["canvas"]


def test_what_goes_with_a_shown_product_pins_it_and_completes_the_look(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="outfit")
    conversation_message(conversation=convo, text="blue formal shirts for men")
    r = conversation_message(conversation=convo, text="what goes with the first one?")
    shown = list(Product.objects.filter(catalog_id__in=[p["id"] for p in r.products]).select_related("article_type"))
    by_id = {p.catalog_id: p for p in shown}
    first = by_id[r.products[0]["id"]]
    assert first.name == "Peter England Men Blue Formal Shirt"
    others = [by_id[p["id"]] for p in r.products[1:]]
    assert others and all(p.article_type.name != "Shirts" for p in others)
    assert all(p.gender in ("Men", "Unisex") for p in others)
    assert r.text.startswith("To wear with Peter England Men Blue Formal Shirt")


@pytest.mark.parametrize("text, said", [
    ("are you a real person?", "AI shopping assistant"), ("what is your return policy?", "return policy"),
    ("what's in my cart?", "Your cart is empty."),
])
def test_questions_that_are_no_search_get_answers(catalogue, text, said):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="questions")
    conversation_message(conversation=convo, text="black watches")
    r = conversation_message(conversation=convo, text=text)
    assert said in r.text and r.products == []
    assert r.filters["article_types"] == ["Watches"]  # the search is still there for the next turn


def test_add_the_first_one_in_a_size_puts_it_in_the_cart_and_remove_it_takes_it_out(catalogue):  # type: ignore[no-untyped-def]
    from shop.services.cart import cart_get

    # Given a shopper's session, which the transport (consumer, session middleware) saves after each turn
    session = SessionStore()
    session.create()
    key = session.session_key
    convo = Conversation.objects.create(session_key=key)

    def say(text: str):  # type: ignore[no-untyped-def]
        result = conversation_message(conversation=convo, text=text, session=session, session_key=key)
        session.save()
        return result

    first = say("blue sneakers for men")
    # when they ask in words, the product goes into the session's cart, and the size is not a filter
    r = say("add the first one to my cart in size 42")
    assert r.text == f"Added {first.products[0]['name']} (size 42) to your cart."
    assert r.filters["size"] is None
    lines = cart_get(session=SessionStore(session_key=key)).lines
    assert [(line.product.catalog_id, line.variant.size) for line in lines] == [(first.products[0]["id"], "42")]
    r = say("what's in my cart?")
    assert "Your cart has 1 item" in r.text and "Total: USD" in r.text
    r = say("remove it")
    assert r.text == f"Removed {first.products[0]['name']} from your cart."
    assert cart_get(session=SessionStore(session_key=key)).is_empty


def test_add_in_words_in_a_size_not_sold_says_so_and_writes_no_cart(catalogue):  # type: ignore[no-untyped-def]
    # The same cart write as the card's button: the error the button gets as a frame is said as the reply.
    session = SessionStore()
    session.create()
    convo = Conversation.objects.create(session_key=session.session_key)
    conversation_message(conversation=convo, text="blue sneakers for men", session=session,
                         session_key=session.session_key)
    r = conversation_message(conversation=convo, text="add the first one to my cart in size 50", session=session,
                             session_key=session.session_key)
    assert r.text == "Puma Men Blue Canvas Sneakers does not come in size “50”." and r.products == []
    assert "cart" not in session


def test_add_in_words_without_a_size_asks_for_it_and_is_no_cart_question(catalogue):  # type: ignore[no-untyped-def]
    # Given a shopper who has been shown sneakers
    session = SessionStore()
    session.create()
    convo = Conversation.objects.create(session_key=session.session_key)
    first = conversation_message(conversation=convo, text="blue sneakers for men", session=session,
                                 session_key=session.session_key)
    # when they ask to add one "to my cart" without a size
    r = conversation_message(conversation=convo, text="add the first one to my cart", session=session,
                             session_key=session.session_key)
    # then it is an add (which needs a size), not the question "what is in my cart"
    assert "Your cart is empty" not in r.text
    assert first.products[0]["name"] in r.text and "size" in r.text
    assert "cart" not in session


def test_something_the_shop_does_not_sell_is_said_so(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="sofa")
    conversation_message(conversation=convo, text="white sneakers for women")
    r = conversation_message(conversation=convo, text="do you sell a sofa?")
    assert "We don't sell sofa" in r.text
    assert r.products == []


def test_the_cheapest_shown_is_named_without_a_stray_price_filter(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="cheapest")
    conversation_message(conversation=convo, text="watches for men")
    r = conversation_message(conversation=convo, text="which one is cheapest?")
    assert r.text.startswith("The cheapest one shown is ")
    assert r.filters["max_price"] is None and len(r.products) == 1


def test_a_dress_after_a_gift_for_dad_is_not_a_dead_end(catalogue):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="topics")
    conversation_message(conversation=convo, text="white sneakers for women in size 38")
    conversation_message(conversation=convo, text="a gift for my dad: a watch")
    r = conversation_message(conversation=convo, text="a summer dress")
    assert r.products and r.filters["genders"] == [] and r.filters["colours"] == []
    assert r.filters["article_types"] == ["Dresses"]
