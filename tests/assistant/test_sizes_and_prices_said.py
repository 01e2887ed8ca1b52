"""Sizes and prices as shoppers say them: a shoe size in British or American numbers finds the catalogue's EU sizes,
a child's age the band of children's sizes that holds it, "cheap" or "premium" a half of the matches' price range,
and the reply says how it read them; sizes the catalogue spells are left as said."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _ask(text: str, *, territory: str | None = None, session: str = "sizes"):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    return conversation_message(conversation=Conversation.objects.create(session_key=session), text=text,
                                territory=territory)


@pytest.mark.parametrize("text, territory, size, note", [
    ("white sneakers for men in size 8", "IN", "42", "I read size 8 as UK 8, which is EU 42."),
    ("white sneakers for men in size 8", "US", "41", "I read size 8 as US men's 8, which is EU 41."),
    ("white sneakers for men, uk 8", "US", "42", "I read size 8 as UK 8, which is EU 42."),
    ("women's running shoes in US 7", None, "37", "I read size 7 as US women's 7, which is EU 37."),
])
def test_a_british_or_american_shoe_size_is_read_as_the_eu_size(catalogue, text, territory, size, note):  # type: ignore[no-untyped-def]
    # given shoes sized 37-43 (EU), when a shopper gives a size in their own system
    r = _ask(text, territory=territory)
    # then the search is in the EU size of the same length, and the reply says how the size was read
    assert r.filters["size"] == size
    assert note in r.text
    assert r.products and all(size in p["sizes"] for p in r.products)


def test_an_eu_size_and_a_size_the_catalogue_spells_are_kept_as_said(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("white sneakers for men in size 41", territory="US")
    assert r.filters["size"] == "41" and "I read size" not in r.text
    r = _ask("white sneakers for men, eu 41", territory="US", session="eu")
    assert r.filters["size"] == "41" and "I read size" not in r.text


def test_a_size_out_of_the_range_finds_nothing_and_offers_to_drop_it(catalogue):  # type: ignore[no-untyped-def]
    # UK 13 is EU 48: no shoe here is that long
    r = _ask("sneakers for men in size 13", territory="GB")
    assert r.filters["size"] == "48" and r.products == []
    assert "I read size 13 as UK 13, which is EU 48." in r.text


def test_a_number_for_clothes_is_no_shoe_size(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("a kurta in size 8", territory="US")
    assert r.filters["size"] == "8" and "I read size" not in r.text


@pytest.mark.parametrize("text, size, names", [
    ("a dress for my 5 year old daughter", "4-5Y", ["Gini Girls Pink Frock"]),
    ("tshirts for my 6-year-old son", "6-7Y", ["Kids Boys Green Tshirt"]),
])
def test_a_childs_age_is_the_size_band_that_holds_it(catalogue, text, size, names):  # type: ignore[no-untyped-def]
    # given children's clothes sized by age, when a shopper gives the child's age and no size
    r = _ask(text)
    # then the search is in the band that holds the age, and the reply says why
    assert r.filters["size"] == size
    assert [p["name"] for p in r.products] == names
    assert "-year-old; say another size if you like." in r.text


def test_a_size_the_shopper_names_wins_over_the_childs_age(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("a dress for my 5 year old daughter in size 6-7y")
    assert r.filters["size"] == "6-7Y" and "say another size" not in r.text


def test_an_age_with_nothing_in_its_band_keeps_every_size(catalogue):  # type: ignore[no-untyped-def]
    # no dress here comes in 10-11Y (or no such band): the age limits nothing
    r = _ask("a dress for my 10 year old daughter")
    assert r.filters["size"] is None and "say another size" not in r.text


def test_cheap_with_nothing_shown_is_the_cheaper_half_of_what_matches(catalogue):  # type: ignore[no-untyped-def]
    # given the men's casual shoes at $24.99, $34.99, $44.99 and $59.99, when a shopper asks for cheap ones
    r = _ask("cheap sneakers for men")
    # then they get the cheaper half, up to the middle price, and the reply says what the price is
    assert r.filters["max_price"] == "34.99"
    assert sorted(p["price"] for p in r.products) == ["24.99", "34.99"]
    assert "$34.99 is their middle price: the cheaper half." in r.text


def test_not_too_pricey_and_premium_read_as_halves_of_the_price_range(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("sneakers for men, not too pricey", session="pricey")
    assert r.filters["max_price"] == "34.99" and 'I read "pricey"' not in r.text
    r = _ask("premium sneakers for men", session="premium")
    assert r.filters["min_price"] == "44.99"
    assert "$44.99 is their middle price: the dearer half." in r.text


def test_cheap_after_another_kind_is_cheap_for_the_new_kind(catalogue):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    convo = Conversation.objects.create(session_key="new-kind")
    conversation_message(conversation=convo, text="a backpack")  # one at $49.00: no price for sneakers
    r = conversation_message(conversation=convo, text="cheap sneakers for men")
    assert r.filters["max_price"] == "34.99"


def test_the_cheapest_of_a_kind_are_every_matchs_lowest_prices_first(catalogue):  # type: ignore[no-untyped-def]
    # given men's casual shoes at $24.99, $34.99, $44.99 and $59.99
    r = _ask("show me the cheapest sneakers for men")
    # then all of them come in price order, lowest first, and the reply says so (no price cap is set)
    assert [p["price"] for p in r.products] == ["24.99", "34.99", "44.99", "59.99"]
    assert r.filters["max_price"] is None
    assert "These are all 4 Casual Shoes for men, cheapest first." in r.text
    r = _ask("the most expensive sneakers for men", session="dear")
    assert [p["price"] for p in r.products] == ["59.99", "44.99", "34.99", "24.99"]


def test_which_is_cheapest_still_points_at_a_shown_product(catalogue):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    convo = Conversation.objects.create(session_key="which")
    conversation_message(conversation=convo, text="sneakers for men")
    r = conversation_message(conversation=convo, text="which one is cheapest?")
    assert [p["price"] for p in r.products] == ["24.99"] and r.text.startswith("The cheapest one shown is")


def test_a_question_about_a_shown_product_is_answered_about_it_and_the_search_stays(catalogue):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    # given four men's sneakers shown
    convo, other = (Conversation.objects.create(session_key=key) for key in ("about", "about-size"))
    shown = conversation_message(conversation=convo, text="sneakers for men").products
    conversation_message(conversation=other, text="sneakers for men")
    # when the shopper asks the price of the second, and (in another chat) whether the first comes in 42
    price = conversation_message(conversation=convo, text="how much is the second one?")
    size = conversation_message(conversation=other, text="does the first one come in size 42?")
    # then each answer is about that product, and the search's limits are as they were (no size filter)
    second, first = shown[1], shown[0]
    assert [p["id"] for p in price.products] == [second["id"]]
    assert price.text.startswith(f"{second['name']} costs USD {second['price']}.")
    assert [p["id"] for p in size.products] == [first["id"]]
    stock = "in stock" if "42" in first["sizes"] else "not in stock"
    assert f"Size 42 is {stock}" in size.text
    assert size.filters["size"] is None


@pytest.mark.parametrize("text", ["compare the two cheapest", "which one is cheapest?", "how much is the second one?"])
def test_pointing_at_products_before_any_is_shown_says_so(catalogue, text):  # type: ignore[no-untyped-def]
    r = _ask(text, session=f"nothing-{len(text)}")
    assert r.products == [] and r.text == "Nothing is shown yet to point at. Tell me what you're looking for first."


def test_compare_with_kinds_named_is_a_search_even_with_nothing_shown(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("compare nike and puma sneakers", session="brands")
    assert r.products and {p["brand"] for p in r.products} <= {"Nike", "Puma"}


def test_after_an_answer_about_one_product_the_page_is_still_what_ordinals_point_into(catalogue):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    # given a page of four sneakers, and a question about the second
    convo = Conversation.objects.create(session_key="pointed")
    page = conversation_message(conversation=convo, text="sneakers for men").products
    conversation_message(conversation=convo, text="how much is the second one?")
    # when the shopper asks about the third, then it is the page's third, not a position in the one-card answer
    third = conversation_message(conversation=convo, text="how much is the third one?")
    assert [p["id"] for p in third.products] == [page[2]["id"]]
    # and after "which one is the most expensive?", "it" is that one
    dearest = conversation_message(conversation=convo, text="which one is the most expensive?").products[0]
    assert dearest["id"] != page[0]["id"], [p["price"] for p in page]  # "it" as the first shown would differ
    more = conversation_message(conversation=convo, text="more like it")
    assert dearest["id"] not in [p["id"] for p in more.products]  # more like it leaves the anchor out
    assert convo.state["pointed"] is None and more.text.startswith("More like that one")
