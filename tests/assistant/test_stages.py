"""Each understanding stage alone, and the issue-16 requests they make right (no database)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from assistant.understanding import colours
from assistant.understanding.dialogue import Wishes, apply_understanding, fold_carry, fold_wishes, is_new_topic
from assistant.understanding.parser import (
    Understanding,
    parse_message,
    read_concepts,
    read_control,
    read_intent,
    read_limits,
    read_prices,
    read_size,
    read_wishes,
)
from assistant.understanding.schema import Filters
from assistant.understanding.vocabulary import build_vocabulary

TYPES = [
    ("Casual Shoes", "Shoes", "Footwear"), ("Sports Shoes", "Shoes", "Footwear"), ("Heels", "Shoes", "Footwear"),
    ("Flats", "Shoes", "Footwear"), ("Dresses", "Dress", "Apparel"), ("Tshirts", "Topwear", "Apparel"),
    ("Jackets", "Topwear", "Apparel"), ("Blazers", "Topwear", "Apparel"), ("Watches", "Watches", "Accessories"),
    ("Sunglasses", "Eyewear", "Accessories"), ("Highlighter and Blush", "Makeup", "Personal Care"),
    ("Laptop Bag", "Bags", "Accessories"), ("Trousers", "Bottomwear", "Apparel"),
]
COLOURS = ["Black", "White", "Off White", "Cream", "Blue", "Navy Blue", "Red", "Maroon", "Burgundy", "Grey",
           "Charcoal", "Pink", "Peach", "Rose", "Brown", "Tan", "Purple", "Lavender", "Silver", "Steel", "Beige"]


@pytest.fixture(scope="module")
def vocab():  # type: ignore[no-untyped-def]
    return build_vocabulary(article_types=TYPES, colours=COLOURS, usages=["Casual", "Formal", "Sports", "Ethnic", "Party"],
                            genders=["Men", "Women", "Boys", "Girls", "Unisex"], brands=["Nike", "Delhi", "Red"],
                            sizes=["S", "M", "L", "38", "40"], seasons=["Summer", "Winter", "Fall", "Spring"],
                            brand_names={"Delhi": "delhi daredevils", "Red": "red rose", "Nike": "Nike"},
                            name_words=["leather", "floral", "classic", "sweet"])


def fold(vocab, text, before=None, carry=None):  # type: ignore[no-untyped-def]
    u = parse_message(text, vocab)
    return apply_understanding(before or Filters(), u, vocab=vocab, carry=carry), u


# --- colours -----------------------------------------------------------------------------------------


def test_ciede2000_matches_the_published_test_pair():
    # Sharma, Wu, Dalal (2005), table 1, pair 1
    assert colours.ciede2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == pytest.approx(2.0425, abs=1e-4)


@pytest.mark.parametrize("text, expected", [
    ("tan", ["Tan"]), ("lilac dress", ["Lavender"]), ("wine red dress", ["Red", "Maroon", "Burgundy"]),
    ("chocolate brown flats", ["Brown", "Tan"]), ("charcoal grey blazer", ["Grey", "Charcoal"]),
    ("blush pink tee", ["Pink", "Peach", "Rose"]), ("off-white tee", ["Off White"]),
    ("silver-tone watch", ["Silver", "Steel"]), ("navy blazer", ["Navy Blue"]),
])
def test_colour_words_resolve_by_perceptual_distance(vocab, text, expected):  # type: ignore[no-untyped-def]
    (f, _), _u = fold(vocab, text)
    assert f.colours == expected


def test_a_colour_word_is_never_read_as_an_article_type(vocab):  # type: ignore[no-untyped-def]
    (f, _), _u = fold(vocab, "blush pink tee for her")
    assert (f.article_types, f.genders) == (["Tshirts"], ["Women"])


def test_a_one_word_survey_name_needs_a_colour_context(vocab):  # type: ignore[no-untyped-def]
    (f, _), u = fold(vocab, "a dress for the beach, sand is fine")
    assert f.colours == [] and f.article_types == ["Dresses"]
    (f, _), u = fold(vocab, "sand trousers")
    assert f.colours != [] and f.article_types == ["Trousers"]


# --- brands and wishes -------------------------------------------------------------------------------


def test_a_city_or_a_colour_is_not_a_brand(vocab):  # type: ignore[no-untyped-def]
    (f, _), u = fold(vocab, "a warm jacket for winter in Delhi")
    assert (f.brands, f.article_types, u.seasons) == ([], ["Jackets"], ["Winter"])
    (f, _), u = fold(vocab, "red tee")
    assert (f.brands, f.colours) == ([], ["Red", "Maroon", "Burgundy"])
    (f, _), u = fold(vocab, "delhi daredevils tee")
    assert f.brands == ["Delhi"]


def test_an_occasion_ranks_and_a_changed_mind_replaces_the_kind(vocab):  # type: ignore[no-untyped-def]
    (f, _), u = fold(vocab, "black heels for a party")
    wishes = fold_wishes(Wishes(), u, fresh=False)
    assert (f.article_types, f.colours, f.usages, wishes.usages) == (["Heels"], ["Black"], [], ["Party"])
    (f, notes), u = fold(vocab, "actually, flats instead", f)
    assert (f.article_types, f.colours, f.usages) == (["Flats"], ["Black"], [])
    assert notes == []  # heels -> flats is a change of mind, not a new search


def test_comfortable_shoes_for_standing_all_day_filter_only_the_kind(vocab):  # type: ignore[no-untyped-def]
    (f, _), u = fold(vocab, "comfortable shoes for standing all day")
    assert set(f.article_types) == {"Casual Shoes", "Sports Shoes", "Heels", "Flats"}
    assert (f.usages, f.colours) == ([], [])


# --- a conversation, not a filter stack --------------------------------------------------------------


def test_a_gift_for_someone_else_starts_fresh_and_keeps_only_the_shoppers_own_size(vocab):  # type: ignore[no-untyped-def]
    (f, _), u = fold(vocab, "white sneakers for women, my size is 38")
    carry = fold_carry({}, u)
    (f, _), _u = fold(vocab, "in black instead", f, carry)
    (f, notes), u = fold(vocab, "a gift for my dad, a watch", f, carry)
    assert f == Filters(genders=["Men"], article_types=["Watches"], size="38")
    assert notes == ["New search: I kept your size 38."]


def test_a_new_kind_of_product_keeps_the_person_only(vocab):  # type: ignore[no-untyped-def]
    (f, _), _u = fold(vocab, "black tees for men under $40")
    u = parse_message("a summer dress", vocab)
    assert is_new_topic(f, u, vocab) == "product"
    (f, _), u = fold(vocab, "a summer dress", f)
    assert (f.article_types, f.colours, f.max_price, u.seasons) == (["Dresses"], [], None, ["Summer"])


def test_exclusions_hold_on_product_name_words(vocab):  # type: ignore[no-untyped-def]
    (f, _), _u = fold(vocab, "dresses, not floral and not leather")
    assert f.exclude_words == ["floral", "leather"]


def test_red_but_not_red_is_answered_not_crashed(vocab):  # type: ignore[no-untyped-def]
    (f, notes), _u = fold(vocab, "red but not red tees")
    assert f.colours == [] and f.exclude_colours == ["Red", "Maroon", "Burgundy"]
    assert any("also not" in n for n in notes)


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "x" * 5000, "zapatos negros para mujer please", "!!!???", "$$$ 999999999999"])
def test_bad_input_never_crashes(vocab, text):  # type: ignore[no-untyped-def]
    (f, _), _u = fold(vocab, text)
    assert isinstance(f, Filters)


# --- stages alone ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, kind", [("are you a real person?", "identity"), ("what's in my cart", "cart"),
                                        ("what is your return policy?", "policy"), ("i want to return my order", "policy"),
                                        ("i need to exchange these shoes", "policy"), ("i want a refund", "policy")])
def test_control_stage_finds_questions_that_are_no_search(text, kind):  # type: ignore[no-untyped-def]
    u = Understanding()
    read_control(text.replace("'", ""), u, None)
    assert (u.intent, u.question) == ("question", kind)


@pytest.mark.parametrize("text", ["return to the previous results", "shoes i can exchange for a bigger size later"])
def test_words_about_returning_that_ask_no_policy_are_no_question(text):  # type: ignore[no-untyped-def]
    u = Understanding()
    read_control(text, u, None)
    assert u.question is None


@pytest.mark.parametrize("text, intent", [("what goes with a navy blazer", "outfit"), ("complete the look", "outfit"),
                                          ("a formal outfit for an interview", "outfit"),
                                          ("i need a complete look for a party", "outfit"),
                                          ("what should i wear to a wedding", "outfit"),
                                          ("im looking for a dress", "search"), ("where do i look for returns", "search"),
                                          ("show it on a taller model", "twin"), ("compare the two cheapest", "compare"),
                                          ("remove it from my cart", "remove_from_cart")])
def test_intent_stage(text, intent):  # type: ignore[no-untyped-def]
    u = Understanding()
    read_intent(text, u)
    assert u.intent == intent


def test_the_two_cheapest_are_two_references():
    u = Understanding()
    read_intent("compare the two cheapest", u)
    assert (u.superlative, len(u.references)) == ("cheapest", 2)


def test_price_and_size_stages(vocab):  # type: ignore[no-untyped-def]
    u = Understanding()
    rest = read_prices("my budget is $60 for shoes", u)
    assert (u.max_price, u.own_budget, "60" in rest) == (Decimal("60.00"), True, False)
    u = Understanding()
    read_size("add the first one in size 38", u, vocab)
    assert (u.size, u.own_size) == ("38", False)


def test_limits_and_wishes_stages_split_one_scan(vocab):  # type: ignore[no-untyped-def]
    u = Understanding()
    scan = read_concepts("black heels for a party in summer", vocab)
    read_limits(scan, u, vocab)
    read_wishes(scan, u)
    assert u.set_values == {"colours": ["Black"], "article_types": ["Heels"]}
    assert (u.wishes, u.seasons, u.wish_words) == (["Party"], ["Summer"], ["party", "summer"])
