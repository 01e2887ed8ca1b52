"""Issue 16, the round after: who a request is for across topics, ages, wishes about wear, the chat model's
occasions, twins chosen by their measurements, and the out-of-catalogue reading of multi-word things."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from assistant.understanding.dialogue import apply_understanding, fold_carry
from assistant.understanding.parser import child_max_age, parse_message
from assistant.understanding.schema import Filters
from assistant.understanding.vocabulary import build_vocabulary

TYPES = [
    ("Kurtas", "Topwear", "Apparel"), ("Shirts", "Topwear", "Apparel"), ("Blazers", "Topwear", "Apparel"),
    ("Sports Shoes", "Shoes", "Footwear"), ("Heels", "Shoes", "Footwear"), ("Casual Shoes", "Shoes", "Footwear"),
    ("Belts", "Belts", "Accessories"), ("Tshirts", "Topwear", "Apparel"), ("Dresses", "Dress", "Apparel"),
]


@pytest.fixture(scope="module")
def vocab():  # type: ignore[no-untyped-def]
    return build_vocabulary(article_types=TYPES, colours=["Black", "Blue", "White"],
                            usages=["Casual", "Formal", "Sports", "Ethnic", "Party"],
                            genders=["Men", "Women", "Boys", "Girls", "Unisex"],
                            sizes=["S", "M", "L", "4-5Y", "12-13Y"], seasons=["Summer", "Winter"])


def fold(vocab, text, before=None, carry=None):  # type: ignore[no-untyped-def]
    u = parse_message(text, vocab)
    f, notes = apply_understanding(before or Filters(), u, vocab=vocab, carry=carry)
    return f, notes, u


# --- 1. who a request is for, across topics ----------------------------------------------------------


def test_a_person_named_for_one_request_does_not_follow_a_bare_new_kind_of_product(vocab):  # type: ignore[no-untyped-def]
    f, _, _ = fold(vocab, "a kurta for her")
    f, notes, _ = fold(vocab, "trainers for running", f)
    assert (f.article_types, f.genders) == (["Sports Shoes"], [])
    assert notes == ["New search."]


def test_and_continues_the_request_for_the_same_person(vocab):  # type: ignore[no-untyped-def]
    f, _, _ = fold(vocab, "kurtas for him")
    f, _, u = fold(vocab, "and belts?", f)
    assert u.continues and (f.article_types, f.genders) == (["Belts"], ["Men"])


def test_a_changed_mind_within_the_kind_keeps_the_person(vocab):  # type: ignore[no-untyped-def]
    f, _, _ = fold(vocab, "a kurta for her")
    f, notes, _ = fold(vocab, "in blue", f)
    assert (f.article_types, f.genders, f.colours, notes) == (["Kurtas"], ["Women"], ["Blue"], [])


def test_who_the_shopper_says_they_are_carries_to_a_new_kind_of_product(vocab):  # type: ignore[no-untyped-def]
    f, _, u = fold(vocab, "trainers for me, i'm a woman")
    carry = fold_carry({}, u)
    assert carry == {"genders": ["Women"]}
    f, notes, _ = fold(vocab, "a kurta", f, carry)
    assert (f.article_types, f.genders) == (["Kurtas"], ["Women"])
    assert notes == ["New search: I kept that it's for women."]


def test_a_gift_for_someone_else_does_not_take_the_shoppers_own_person(vocab):  # type: ignore[no-untyped-def]
    f, _, u = fold(vocab, "trainers for me, i'm a woman")
    f, _, _ = fold(vocab, "a gift for my dad, a belt", f, fold_carry({}, u))
    assert f.genders == ["Men"]


# --- 2. kinship says the sex, an age says the age -----------------------------------------------------


@pytest.mark.parametrize("text, genders", [
    ("something for my son's graduation", ["Men", "Boys"]),
    ("a dress for my daughter", ["Women", "Girls"]),
    ("a shirt for my 8-year-old son", ["Boys"]),
    ("a t-shirt for my nephew, he's 30", ["Men"]),
    ("a dress for my 13 year old daughter", ["Girls"]),
    ("a dress for my daughter, she is 14", ["Women"]),
    ("a t-shirt for a kid", ["Boys", "Girls"]),
    ("a shirt for a boy", ["Boys"]),
    ("a shirt for my husband", ["Men"]),
])
def test_an_age_not_a_kinship_word_decides_between_adults_and_children(vocab, text, genders):  # type: ignore[no-untyped-def]
    f, _, _ = fold(vocab, text)
    assert f.genders == genders


def test_a_kinship_word_without_an_age_says_how_to_narrow_it(vocab):  # type: ignore[no-untyped-def]
    _, notes, u = fold(vocab, "something for my son's graduation")
    assert u.age is None
    assert notes == ["Adults' and children's ranges both, since I don't know how old he is: say the age to narrow it."]


def test_an_age_alone_narrows_the_person_the_conversation_has(vocab):  # type: ignore[no-untyped-def]
    f, _, _ = fold(vocab, "shirts for my son")
    f, notes, u = fold(vocab, "he's 8", f)
    assert (u.age, f.genders, f.article_types, notes) == ("child", ["Boys"], ["Shirts"], [])


def test_the_child_age_line_is_the_catalogues_oldest_kidswear_size_and_never_under_twelve():
    def ages(sizes: list[str]) -> int:
        return child_max_age(build_vocabulary(article_types=TYPES, colours=[], usages=[], genders=[], sizes=sizes))

    assert (ages(["4-5Y", "12-13Y", "M"]), ages(["4-5Y", "6-7Y"]), ages(["S", "M"]), ages(["14-15Y"])) == (13, 12, 12, 15)


def test_a_price_is_not_an_age(vocab):  # type: ignore[no-untyped-def]
    f, _, u = fold(vocab, "shirts for my son, he is 40 dollars max")
    assert u.age is None and f.genders == ["Men", "Boys"]


# --- 3. wishes about wear rank, never filter ---------------------------------------------------------


def test_comfortable_is_a_wear_wish_that_filters_nothing(vocab):  # type: ignore[no-untyped-def]
    f, _, u = fold(vocab, "comfortable shoes for standing all day")
    assert u.wear == ["comfort"] and "comfortable" in u.wish_words
    assert set(f.article_types) == {"Sports Shoes", "Heels", "Casual Shoes"}


def test_not_comfortable_is_no_comfort_wish(vocab):  # type: ignore[no-untyped-def]
    _, _, u = fold(vocab, "shoes, not comfortable ones")
    assert u.wear == []


# --- with the database -------------------------------------------------------------------------------


def _add(specs: list[tuple[str, str, str, str, str, str, str]]) -> None:
    from tests.factories import (
        ArticleTypeFactory,
        BrandFactory,
        ColourFactory,
        MasterCategoryFactory,
        ProductFactory,
        SubCategoryFactory,
        VariantFactory,
    )

    for i, (name, gender, atype, sub, master, colour, usage) in enumerate(specs):
        at = ArticleTypeFactory(name=atype, sub_category=SubCategoryFactory(name=sub, master=MasterCategoryFactory(name=master)))
        product = ProductFactory(catalog_id=600000 + i, name=name, gender=gender, article_type=at,
                                 brand=BrandFactory(name=name.split()[0]), colour=ColourFactory(name=colour),
                                 usage=usage, price=Decimal("40.00"))
        VariantFactory(product=product, size="38", stock=5)


@pytest.fixture
def shoes_and_blazers(catalogue):  # type: ignore[no-untyped-def]
    """On top of the assistant catalogue: a women's range of heels with one stray men's pair (as the real
    catalogue has), a heel whose name reads like a sneaker, women's casual shoes, and men's blazers."""
    from assistant.retrieval.index import index_build

    specs = [(f"Catwalk Women Black Heels {i}", "Women", "Heels", "Shoes", "Footwear", "Black", "Casual") for i in range(12)]
    specs += [("Carlton Men Black Heels", "Men", "Heels", "Shoes", "Footwear", "Black", "Casual"),
              ("Catwalk Women White Lifestyle Shoes", "Women", "Heels", "Shoes", "Footwear", "White", "Casual"),
              ("Reid Men Navy Blazer", "Men", "Blazers", "Topwear", "Apparel", "Navy Blue", "Formal")]
    specs += [(f"Bata Women White Comfort Casual Shoes {i}", "Women", "Casual Shoes", "Shoes", "Footwear", "White", "Casual")
              for i in range(3)]
    _add(specs)
    index_build(force=True)


@pytest.mark.django_db
def test_black_heels_after_a_mens_blazer_drops_the_stray_person(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    convo = Conversation.objects.create(session_key="heels")
    conversation_message(conversation=convo, text="a blazer for men")
    r = conversation_message(conversation=convo, text="and black heels?")
    assert r.filters["genders"] == [] and r.filters["article_types"] == ["Heels"]
    assert "Heels are hardly sold for men, so I searched every range." in r.text
    assert len(r.products) == 10 and all(p["gender"] == "Women" for p in r.products)


@pytest.mark.django_db
def test_a_stated_person_is_a_limit_even_where_the_kind_is_rare_for_them(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    r = conversation_message(conversation=Conversation.objects.create(session_key="heels2"), text="black heels for men")
    assert r.filters["genders"] == ["Men"] and [p["name"] for p in r.products] == ["Carlton Men Black Heels"]


@pytest.mark.django_db
def test_comfortable_shoes_rank_heels_last_and_say_so(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    r = conversation_message(conversation=Conversation.objects.create(session_key="comfy"),
                             text="comfortable shoes for women for standing all day")
    kinds = [p["article_type"] for p in r.products]
    first_heel = kinds.index("Heels")
    # every women's shoe that is no heel (4 casual, 1 sports) before any heel; the heels are still there
    assert (first_heel, sorted(kinds[:first_heel])) == (5, ["Casual Shoes"] * 4 + ["Sports Shoes"])
    assert set(kinds[first_heel:]) == {"Heels"}
    assert 'For "comfortable": Heels last (a wish, so nothing is filtered out).' in r.text
    r = conversation_message(conversation=Conversation.objects.create(session_key="comfy2"), text="comfortable heels")
    assert r.products and {p["article_type"] for p in r.products} == {"Heels"}
    assert "last" not in r.text


@pytest.mark.django_db
def test_a_kind_the_wish_ranks_last_is_not_embedded_while_another_kind_is_asked_for(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.pipeline import TurnContext, understand

    # given a comfort wish over heels and casual shoes: the heels stay in the results (ranked last)
    ctx = understand(TurnContext(text="heels or casual shoes for women, something comfy", state={}))
    assert ctx.filters.article_types == ["Heels", "Casual Shoes"]
    # then the embedded text asks for the casual shoes only: the word "heels" in it would pull up every
    # product named so, whatever kind the catalogue files it under
    assert "casual shoes" in ctx.query_text.lower() and "heels" not in ctx.query_text.lower()
    # and when heels are all that is asked for, they are what is embedded
    ctx = understand(TurnContext(text="comfy heels", state={}))
    assert "heels" in ctx.query_text.lower()


@pytest.mark.django_db
def test_the_wish_boost_puts_the_avoided_kind_half_a_point_down(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.retrieval.index import get_snapshot

    snap = get_snapshot()
    boost = snap.wish_boost(usages=[], seasons=[], against_types=["Heels"])
    heels = snap._isin(snap.article_type, snap.type_codes, ["Heels"])
    assert boost is not None and set(np.unique(boost[heels])) == {-0.5} and set(np.unique(boost[~heels])) == {0.0}
    assert snap.wish_boost(usages=[], seasons=[]) is None


# --- 4. the chat model's occasions are wishes --------------------------------------------------------


@pytest.mark.django_db
def test_an_occasion_from_the_chat_model_ranks_and_filters_nothing(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    from langchain_core.messages import AIMessage

    from assistant import llm as llm_mod
    from assistant.models import Conversation
    from assistant.services import conversation_message
    from tests.assistant.test_llm import FakeToolCallingModel, understanding_call

    model = FakeToolCallingModel(messages=iter([
        understanding_call({"genders": ["Women"], "article_types": ["Dresses"], "usages": ["Party"]}),
        AIMessage(content="Here are dresses, party ones first."),
    ]))
    monkeypatch.setattr(llm_mod, "get_chat_model", lambda: model)
    r = conversation_message(conversation=Conversation.objects.create(session_key="llm-wish"),
                             text="something to wear to a party")
    assert r.filters["usages"] == [] and r.filters["article_types"] == ["Dresses"]
    assert [p["name"] for p in r.products][0] == "Vero Moda Women Red Party Dress"
    assert {p["name"] for p in r.products} == {"Vero Moda Women Red Party Dress", "Biba Women Maroon Dress",
                                               "Mango Women Blue Summer Dress"}


@pytest.mark.django_db
def test_an_occasion_already_kept_as_a_limit_stays_one(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    from assistant import llm as llm_mod
    from assistant.turn_understand import _llm_occasions_are_wishes
    from assistant.understanding.parser import Understanding

    out, u = Filters(usages=["Party", "Casual"]), Understanding()
    _llm_occasions_are_wishes(out, Filters(usages=["Party"]), u)
    assert (out.usages, u.wishes, u.wish_words) == (["Party"], ["Casual"], ["casual"])
    assert "it only ranks the results" in llm_mod._system_prompt(build_vocabulary(
        article_types=TYPES, colours=[], usages=["Party"], genders=["Women"]))


# --- 5. twins chosen by their measurements -----------------------------------------------------------


@pytest.fixture
def measured_twins(catalogue):  # type: ignore[no-untyped-def]
    from shop.models import Brand
    from tests.factories import ConsentGrantFactory, DigitalTwinFactory, TalentFactory, TwinPoseFactory

    brand = Brand.objects.get(name="Biba")
    twins = {}
    for name, height, size in (("Ada Obi", 165, "S"), ("Mei Lin", 178, "M"), ("Rosa Diaz", 184, "L")):
        twin = DigitalTwinFactory(talent=TalentFactory(display_name=name, gender_presentation="feminine",
                                                       height_cm=height, clothing_size=size))
        TwinPoseFactory(twin=twin)
        ConsentGrantFactory(twin=twin, brand=brand)
        twins[name] = twin
    return twins


def _dress_on(convo: Any, twin: Any) -> int:
    from assistant.services import conversation_message, show_on_twin

    card = conversation_message(conversation=convo, text="maroon dress for women", session_key="sess-m").products[0]
    show_on_twin(conversation=convo, product_id=card["id"], twin_id=twin.pk, session_key="sess-m")
    return int(card["id"])


@pytest.mark.django_db
def test_a_taller_model_is_chosen_by_height_among_the_licensed_twins_by_the_rotation(measured_twins):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message
    from licensing.showcase.selectors import choose_twins
    from shop.models import Product

    convo = Conversation.objects.create(session_key="tall")
    pid = _dress_on(convo, measured_twins["Ada Obi"])
    r = conversation_message(conversation=convo, text="show it on a taller model", session_key="sess-m")
    product = Product.objects.get(catalog_id=pid)
    pick = choose_twins([measured_twins["Mei Lin"], measured_twins["Rosa Diaz"]], product=product, session_key="sess-m")[0]
    assert r.products[0]["twin"]["id"] == pick.pk
    assert r.text.startswith(f"Here is Biba Women Maroon Dress on {pick.talent.display_name}, "
                             f"{pick.talent.height_cm} cm, taller than Ada Obi (165 cm). AI twin of ")


@pytest.mark.django_db
def test_no_taller_twin_says_the_shown_one_is_the_tallest(measured_twins):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    convo = Conversation.objects.create(session_key="tallest")
    _dress_on(convo, measured_twins["Rosa Diaz"])
    r = conversation_message(conversation=convo, text="show it on a taller model", session_key="sess-m")
    assert r.products[0]["twin"]["id"] == measured_twins["Rosa Diaz"].pk
    assert r.text.startswith("Here is Biba Women Maroon Dress on Rosa Diaz, 184 cm: the tallest model who can show it.")


@pytest.mark.django_db
def test_someone_my_size_picks_the_twin_who_wears_it_or_asks_for_the_size(measured_twins):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    convo = Conversation.objects.create(session_key="mysize")
    _dress_on(convo, measured_twins["Ada Obi"])
    r = conversation_message(conversation=convo, text="show it on someone my size (M)", session_key="sess-m")
    assert r.products[0]["twin"]["id"] == measured_twins["Mei Lin"].pk
    assert r.text.startswith("Here is Biba Women Maroon Dress on Mei Lin, who wears M, your size. ")
    r = conversation_message(conversation=convo, text="show it on someone my size", session_key="sess-m")
    assert r.products == [] and r.text.startswith("Which clothing size do you wear (XS, S, M, L, XL, XXL)?")


def test_the_twin_choice_never_leaves_the_candidates():
    from assistant.twin_choice import twin_for_request

    assert twin_for_request([], product=None, request="taller", shown_id=None, size=None, session_key="s").twin_id is None


# --- 6. out of catalogue: a multi-word thing reaches the check ---------------------------------------


@pytest.mark.parametrize("text, words", [
    ("do you sell duct tape?", ["duct", "tape"]), ("i need a pasta maker", ["pasta", "maker"]),
    ("looking for pet thermometers", ["pet", "thermometers"]), ("show me something nice", []),
])
def test_the_thing_asked_for_is_the_run_of_unknown_words_after_a_request_word(text, words):  # type: ignore[no-untyped-def]
    from assistant.turn_understand import asked_thing

    unknown = [w for w in ("sell", "duct", "tape", "pasta", "maker", "pet", "thermometers") if w in text]
    assert asked_thing(text, unknown) == words


@pytest.mark.django_db
def test_a_multi_word_thing_the_shop_does_not_sell_is_answered_not_misunderstood(catalogue):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    r = conversation_message(conversation=Conversation.objects.create(session_key="ooc"), text="do you sell duct tape?")
    assert r.products == []
    assert r.text == ("We don't sell duct tape: Twinshop sells clothes, shoes, bags, accessories and personal care. "
                      "Tell me what else you're looking for.")


@pytest.mark.django_db
def test_an_occasion_narrowed_kind_that_finds_nothing_widens_to_the_category(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    # given formal shoes only for men, and women's heels and casual shoes
    # when a woman asks for shoes for work ("shoes for work" reads as Formal Shoes)
    r = conversation_message(conversation=Conversation.objects.create(session_key="work-shoes"),
                             text="women's shoes for work")
    # then no dead end: every kind of shoe for women, the occasion still a wish, and the reply says so
    assert r.filters["article_types"] == ["Casual Shoes", "Formal Shoes", "Heels", "Sports Shoes"]
    assert r.filters["genders"] == ["Women"]
    assert "No Formal Shoes match that, so here are all shoes." in r.text
    assert r.products and all(p["gender"] in ("Women", "Unisex") for p in r.products)


@pytest.mark.django_db
def test_an_occasion_narrowed_kind_with_products_stays_narrow(shoes_and_blazers):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    r = conversation_message(conversation=Conversation.objects.create(session_key="work-shoes-men"),
                             text="men's shoes for work")
    assert r.filters["article_types"] == ["Formal Shoes"]
    assert "so here are all" not in r.text
