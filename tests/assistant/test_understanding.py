"""Understanding one message: prices, sizes, negation, references, relax/reset, synonyms (no database)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.understanding.dialogue import apply_understanding
from assistant.understanding.parser import parse_message
from assistant.understanding.schema import Filters
from assistant.understanding.vocabulary import Concept, build_vocabulary

TYPES = [
    ("Casual Shoes", "Shoes", "Footwear"), ("Sports Shoes", "Shoes", "Footwear"), ("Formal Shoes", "Shoes", "Footwear"),
    ("Heels", "Shoes", "Footwear"), ("Flip Flops", "Flip Flops", "Footwear"), ("Watches", "Watches", "Accessories"),
    ("Dresses", "Dress", "Apparel"), ("Tshirts", "Topwear", "Apparel"), ("Shirts", "Topwear", "Apparel"),
    ("Kurtas", "Topwear", "Apparel"), ("Jackets", "Topwear", "Apparel"), ("Shorts", "Bottomwear", "Apparel"),
    ("Track Pants", "Bottomwear", "Apparel"), ("Trousers", "Bottomwear", "Apparel"), ("Handbags", "Bags", "Accessories"),
    ("Jeans", "Bottomwear", "Apparel"),
    ("Backpacks", "Bags", "Accessories"), ("Sunglasses", "Eyewear", "Accessories"), ("Compact", "Makeup", "Personal Care"),
]
COLOURS = ["Black", "White", "Off White", "Cream", "Blue", "Navy Blue", "Turquoise Blue", "Red", "Maroon", "Burgundy",
           "Grey", "Charcoal", "Green", "Olive", "Pink", "Peach", "Brown", "Tan", "Teal"]


@pytest.fixture(scope="module")
def vocab():  # type: ignore[no-untyped-def]
    return build_vocabulary(article_types=TYPES, colours=COLOURS,
                            usages=["Casual", "Formal", "Sports", "Ethnic", "Party", "NA"],
                            genders=["Men", "Women", "Boys", "Girls", "Unisex"], brands=["Nike", "Puma", "Red Tape"],
                            sizes=["S", "M", "L", "XL", "XXL", "40", "41", "42"])


def understand(vocab, text, before=None, **kw):  # type: ignore[no-untyped-def]
    u = parse_message(text, vocab)
    return apply_understanding(before or Filters(), u, vocab=vocab, **kw)[0], u


@pytest.mark.parametrize("text, lo, hi", [
    ("shirts under $50", None, "50.00"),
    ("shirts below 40", None, "40.00"),
    ("shirts less than 25 dollars", None, "25.00"),
    ("shirts for no more than fifty bucks", None, "50.00"),
    ("shirts $30 or less", None, "30.00"),
    ("shirts between 20 and 40", "20.00", "40.00"),
    ("shirts between $40 and $20", "20.00", "40.00"),
    ("shirts from $15 to $35", "15.00", "35.00"),
    ("shirts over $60", "60.00", None),
    ("shirts around $30", "24.00", "36.00"),
    ("a $45 watch", None, "45.00"),
])
def test_prices(vocab, text, lo, hi):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, text)
    assert f.min_price == (Decimal(lo) if lo else None)
    assert f.max_price == (Decimal(hi) if hi else None)
    assert f.article_types == ["Shirts"] or f.article_types == ["Watches"]


def test_a_size_number_is_not_a_price(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "running shoes size 42")
    assert (f.size, f.max_price, f.min_price) == ("42", None, None)
    assert f.article_types == ["Sports Shoes"]


@pytest.mark.parametrize("text, size", [("tshirt in medium", "M"), ("tshirt size xl", "XL"), ("tshirt in extra large", "XL"), ("a XXL tee", "XXL")])
def test_sizes(vocab, text, size):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, text)
    assert f.size == size
    assert f.article_types == ["Tshirts"]


@pytest.mark.parametrize("text, excluded, wanted", [
    ("watches, not black", ["Black"], []),
    ("no red dresses", ["Red", "Maroon", "Burgundy"], []),
    ("anything but white tshirts", ["White", "Off White", "Cream"], []),
    ("shirts except navy blue", ["Navy Blue"], []),
    ("non-black watches", ["Black"], []),
    ("blue shirts but not navy", ["Navy Blue"], ["Blue", "Turquoise Blue"]),
    ("no red or pink please", ["Red", "Maroon", "Burgundy", "Pink", "Peach"], []),
    ("I'd rather not have black shirts", ["Black"], []),
    ("stay away from white tees", ["White", "Off White", "Cream"], []),
    ("not a fan of red, dresses please", ["Red", "Maroon", "Burgundy"], []),
    ("tshirts apart from black ones", ["Black"], []),
])
def test_negation_excludes_colours(vocab, text, excluded, wanted):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, text)
    assert f.exclude_colours == excluded
    assert f.colours == wanted


def test_negated_brand_is_excluded_and_the_garment_after_a_negated_colour_is_kept(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "not black tees, and no nike")
    assert f.article_types == ["Tshirts"]
    assert f.exclude_colours == ["Black"]
    assert f.exclude_brands == ["Nike"]


@pytest.mark.parametrize("text, types", [
    ("my feet hurt in heels, I need casual shoes", ["Casual Shoes"]),  # what the shopper is in hurts
    ("heels hurt my feet, show me flip flops", ["Flip Flops"]),  # the subject of the pain verb hurts
    ("these heels really pinch, any sports shoes?", ["Sports Shoes"]),
    ("my heels give me blisters, I need flip flops", ["Flip Flops"]),  # the blisters they leave
    ("my feet ache in heels, show me casual shoes", ["Casual Shoes"]),
    ("casual shoes that don't rub", ["Casual Shoes"]),
    ("comfortable heels that don't hurt", ["Heels"]),  # no complaint
    ("my back hurts, I need a shirt", ["Shirts"]),  # nothing sold hurts
    ("sick of jeans, show me trousers", ["Trousers"]),
])
def test_a_kind_that_hurts_or_tires_the_shopper_is_no_wish(vocab, text, types):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, text)
    assert f.article_types == types


@pytest.mark.parametrize("text, field, value", [
    ("kicks", "article_types", ["Casual Shoes"]),
    ("sneakers", "article_types", ["Casual Shoes"]),
    ("trainers", "article_types", ["Sports Shoes"]),
    ("a timepiece", "article_types", ["Watches"]),
    ("a frock", "article_types", ["Dresses"]),
    ("t-shirt", "article_types", ["Tshirts"]),
    ("flipflops", "article_types", ["Flip Flops"]),
    ("a denim for him", "article_types", ["Jeans"]),
    ("a denim jacket", "article_types", ["Jackets"]),
    ("crimson", "colours", ["Red", "Maroon", "Burgundy"]),
    ("scarlet", "colours", ["Red"]),
    ("gray", "colours", ["Grey", "Charcoal"]),
    ("navy", "colours", ["Navy Blue"]),
    ("off-white", "colours", ["Off White"]),
    ("for my husband", "genders", ["Men"]),
    ("for my girlfriend", "genders", ["Women"]),
    ("for my son", "genders", ["Men", "Boys"]),  # a kinship word says the sex, not the age
    ("for my daughter", "genders", ["Women", "Girls"]),
    ("for my 8-year-old son", "genders", ["Boys"]),
    ("for my teenage daughter", "genders", ["Women"]),  # most of 13-19 is past the children's size charts
    ("a present for my son, he is a teenager", "genders", ["Men"]),
    ("for my tween daughter", "genders", ["Girls"]),
    ("a backpack for my pre-teen son", "genders", ["Boys"]),  # not "teen"
    ("for a kid", "genders", ["Boys", "Girls"]),
])
def test_shopper_words_map_to_catalogue_labels(vocab, text, field, value):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, text)
    assert getattr(f, field) == value


@pytest.mark.parametrize("text, wish", [
    ("for the office", ["Formal"]), ("for the gym", ["Sports"]), ("for a wedding", ["Ethnic"]),
    ("a dress for a party", ["Party"]),
])
def test_an_occasion_is_a_wish_that_never_filters(vocab, text, wish):  # type: ignore[no-untyped-def]
    f, u = understand(vocab, text)
    assert u.wishes == wish
    assert f.usages == []


def test_a_category_plus_an_occasion_names_the_article_type(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "shoes for the office")
    assert f.article_types == ["Formal Shoes"]
    assert f.usages == []


def test_an_adjective_that_is_also_a_catalogue_type_is_not_a_filter(vocab):  # type: ignore[no-untyped-def]
    f, u = understand(vocab, "a compact black handbag")
    assert f.article_types == ["Handbags"]
    assert f.colours == ["Black"]


def test_women_also_means_unisex_and_kids_mean_boys_and_girls(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "women's watches")
    assert f.expanded_genders() == ["Women", "Unisex"]
    f, _ = understand(vocab, "watches for kids")
    assert f.expanded_genders() == ["Boys", "Girls"]


def test_refine_replace_relax_reset(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "men's shirts under $50")
    f, _ = understand(vocab, "only blue ones", f)
    assert (f.genders, f.article_types, f.colours, f.max_price) == (["Men"], ["Shirts"], ["Blue", "Navy Blue", "Turquoise Blue"], Decimal("50.00"))
    f, _ = understand(vocab, "show me jackets instead", f)
    assert f.article_types == ["Jackets"] and f.colours == ["Blue", "Navy Blue", "Turquoise Blue"]
    f, _ = understand(vocab, "any colour is fine", f)
    assert f.colours == [] and f.article_types == ["Jackets"]
    f, _ = understand(vocab, "price doesn't matter", f)
    assert f.max_price is None
    f, u = understand(vocab, "start over", f)
    assert u.reset and f == Filters()


def test_a_new_product_for_someone_else_is_a_new_request(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "white sneakers for my wife under $60")
    f, _ = understand(vocab, "a timepiece for dad", f)
    assert f == Filters(genders=["Men"], article_types=["Watches"])


def test_also_adds_instead_of_replacing(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "black shirts")
    f, _ = understand(vocab, "white too", f)
    assert f.colours == ["Black", "White", "Off White", "Cream"]


def test_a_new_cap_replaces_the_old_one_and_keeps_the_floor(vocab):  # type: ignore[no-untyped-def]
    f, _ = understand(vocab, "shirts between 20 and 60")
    f, _ = understand(vocab, "under 40", f)
    assert (f.min_price, f.max_price) == (Decimal("20.00"), Decimal("40.00"))


def test_references_and_relative_prices(vocab):  # type: ignore[no-untyped-def]
    f0, _ = understand(vocab, "watches")
    u = parse_message("cheaper than the second one", vocab)
    assert u.intent == "cheaper" and u.references == [2]
    f, _ = apply_understanding(f0, u, referenced_price=Decimal("80.00"))
    assert f.max_price == Decimal("79.99")
    u = parse_message("cheaper than that", vocab)
    f, _ = apply_understanding(f0, u, shown_prices=[Decimal("10"), Decimal("30"), Decimal("50")])
    assert f.max_price == Decimal("29.99")
    u = parse_message("more like the first", vocab)
    assert (u.intent, u.references) == ("more_like", [1])
    u = parse_message("compare #2 and the last one", vocab)
    assert (u.intent, u.references) == ("compare", [2, -1])


def test_unknown_word_goes_to_the_resolver_with_a_confidence_threshold(vocab):  # type: ignore[no-untyped-def]
    target = Concept("article_type", ("Jackets",), "Jackets")
    sure = parse_message("a parka-ish thing", vocab, resolver=lambda word, already: (target, 0.9))
    assert sure.set_values["article_types"] == ["Jackets"] and sure.clarify is None
    unsure = parse_message("an anorakish thing", vocab, resolver=lambda word, already: (target, 0.72))
    assert "article_types" not in unsure.set_values
    assert unsure.clarify is not None and "Jackets" in unsure.clarify.question
    no = parse_message("a zorblax", vocab, resolver=lambda word, already: (target, 0.3))
    assert no.clarify is None and "article_types" not in no.set_values and no.query_terms == ["zorblax"]


def test_yes_confirms_a_pending_clarification(vocab):  # type: ignore[no-untyped-def]
    pending = Concept("article_type", ("Jackets",), "Jackets")
    u = parse_message("yes please", vocab, pending=pending)
    f, _ = apply_understanding(Filters(genders=["Men"]), u, pending=pending)
    assert f.article_types == ["Jackets"] and f.genders == ["Men"]
    u = parse_message("no", vocab, pending=pending)
    assert u.confirm is False


def _numbers_to_digits_one_word_at_a_time(text: str) -> str:
    import re

    from assistant.understanding import lexicon

    for word in sorted(lexicon.NUMBER_WORDS, key=len, reverse=True):
        text = re.sub(rf"\b{word}\b", str(lexicon.NUMBER_WORDS[word]), text)
    return text


_WORDS = ["a", "one", "two", "and", "fifty", "hundred", "twenty", "five", "thousand", "under", "shoes", "fiver",
          "$", "5", "ten", "tenner", "forty", "fourty", "three", "seventy"]


@hsettings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(_WORDS), max_size=8))
def test_number_words_become_digits_as_one_substitution_at_a_time_would(words: list[str]) -> None:
    from assistant.understanding.parser import _numbers_to_digits

    text = " ".join(words)
    assert _numbers_to_digits(text) == _numbers_to_digits_one_word_at_a_time(text)


@pytest.mark.parametrize("text, seasons, types", [
    ("something to keep me warm in the cold", ["Winter"], []),
    ("a jacket for cold weather", ["Winter"], ["Jackets"]),
    ("shirts for hot weather", ["Summer"], ["Shirts"]),
    ("tshirts for a heat wave", ["Summer"], ["Tshirts"]),
    ("a cold shoulder shirt", [], ["Shirts"]),  # a style, not the weather
    ("a warm jacket", [], ["Jackets"]),  # how the jacket wears, no season said
])
def test_the_weather_a_shopper_dresses_for_is_a_season_wish(text, seasons, types):  # type: ignore[no-untyped-def]
    # given a catalogue with Winter and Summer styles
    vocab = build_vocabulary(article_types=TYPES, colours=COLOURS, usages=["Casual"], genders=["Men", "Women"],
                             sizes=["S", "M"], seasons=["Summer", "Winter"])
    # when the shopper names the weather, then its season ranks (a wish) and the kinds asked for filter
    f, u = understand(vocab, text)
    assert u.seasons == seasons
    assert f.article_types == types


@pytest.mark.parametrize("text, types, terms", [
    ("a shirt for my jeans", ["Shirts"], ["jeans"]),
    ("a jacket for my dress", ["Jackets"], ["dress"]),
    ("a handbag for a kurta", ["Handbags"], ["kurta"]),
    ("looking for jeans", ["Jeans"], []),  # "for" before the first kind: that is the kind asked for
    ("jeans and a shirt for the office", ["Jeans", "Shirts"], []),
])
def test_a_kind_named_as_what_another_is_for_is_not_asked_for(vocab, text, types, terms):  # type: ignore[no-untyped-def]
    # given a kind asked for, then "for" and another kind: the second is what the first is for
    f, u = understand(vocab, text)
    # then only the first is a limit, and the second's words still rank
    assert f.article_types == types
    assert [t for t in terms if t in u.query_terms] == terms
