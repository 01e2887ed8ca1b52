"""A colour word that heads what the shopper asks for is a thing, not a colour (issue 16 follow-up): "a jar of
mustard", "tomato paste", "do you sell mustard?" reach the out-of-catalogue check; "a mustard kurta", "mustard
yellow scarf", "in mustard" stay colours."""
from __future__ import annotations

import pytest

from assistant.understanding.parser import parse_message
from assistant.understanding.vocabulary import build_vocabulary

TYPES = [("Kurtas", "Topwear", "Apparel"), ("Scarves", "Scarves", "Accessories"), ("Tops", "Topwear", "Apparel")]


@pytest.fixture(scope="module")
def vocab():  # type: ignore[no-untyped-def]
    return build_vocabulary(article_types=TYPES, colours=["Black", "Yellow", "Mustard", "Red", "Pink", "Olive"],
                            usages=["Casual", "Ethnic"], genders=["Men", "Women"], sizes=["S", "M"],
                            seasons=["Summer"])


@pytest.mark.parametrize("text, thing", [
    ("a jar of mustard", ["mustard"]),
    ("tomato paste", ["tomato", "paste"]),
    ("do you sell mustard?", ["mustard"]),
    ("i need some chocolate", ["chocolate"]),
])
def test_a_colour_word_heading_the_request_is_a_thing_and_no_colour_limit(vocab, text, thing):  # type: ignore[no-untyped-def]
    # given a message that names no kind of product, when it is parsed
    u = parse_message(text, vocab)
    # then the colour word and the unknown word it modifies are the thing asked for, and no colour filters
    assert u.thing_words == thing
    assert "colours" not in u.set_values and u.understood == []
    assert set(thing) <= set(u.unknown_words)


@pytest.mark.parametrize("text, colours, types", [
    ("a mustard kurta", ["Mustard"], ["Kurtas"]),             # a kind of product follows
    ("mustard yellow scarf", ["Yellow", "Mustard"], ["Scarves"]),  # a family head: a colour anywhere
    ("something in mustard", ["Mustard"], None),             # "in": a colour
    ("a mustard one", ["Mustard"], None),                    # "one" stands for a product
    ("do you sell black?", ["Black"], None),                 # a basic colour term
])
def test_a_colour_word_in_a_colour_position_stays_a_colour(vocab, text, colours, types):  # type: ignore[no-untyped-def]
    u = parse_message(text, vocab)
    assert u.thing_words == []
    assert sorted(u.set_values["colours"]) == sorted(colours)
    assert u.set_values.get("article_types") == types


def test_a_lone_colour_word_refines_a_kind_the_conversation_already_has(vocab):  # type: ignore[no-untyped-def]
    # given a conversation about kurtas, when the shopper asks "do you have mustard?", then it is the colour
    u = parse_message("do you have mustard?", vocab, kind_in_context=True)
    assert (u.thing_words, u.set_values["colours"]) == ([], ["Mustard"])
    # and without that conversation, the same words ask for the condiment
    assert parse_message("do you have mustard?", vocab).thing_words == ["mustard"]
    # a thing that says it is one ("a jar of ...", "... paste") is a thing whatever the conversation was about
    assert parse_message("a jar of mustard", vocab, kind_in_context=True).thing_words == ["mustard"]
    assert parse_message("tomato paste", vocab, kind_in_context=True).thing_words == ["tomato", "paste"]


@pytest.mark.django_db
def test_tomato_paste_is_answered_as_not_sold_not_with_red_products(catalogue):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation, Turn
    from assistant.services import conversation_message

    # given a catalogue with red products, when the shopper asks for tomato paste ("tomato" is a CSS colour name)
    convo = Conversation.objects.create(session_key="tomato")
    r = conversation_message(conversation=convo, text="tomato paste")
    # then the reply says the shop doesn't sell it, shows nothing and keeps no colour
    assert r.products == []
    assert r.text == ("We don't sell tomato paste: Twinshop sells clothes, shoes, bags, accessories and personal care. "
                      "Tell me what else you're looking for.")
    assert r.filters["colours"] == []
    assert Turn.objects.filter(conversation=convo).count() == 2
