"""/products/?q= read by the assistant's understanding and ranked in its index (assistant.search, shop.search).

The small assistant catalogue, indexed with the real embedding model, plus the issue's trap: "Red Rose"
nightdresses that are pink and blue."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from assistant.understanding.spelling import Speller, osa_distance
from shop.models import Product
from shop.search import search_provider, search_provider_swap
from tests.factories import (
    ArticleTypeFactory,
    BrandFactory,
    ColourFactory,
    MasterCategoryFactory,
    ProductFactory,
    SubCategoryFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db
URL = "/products/"


@pytest.fixture
def shop_catalogue(catalogue):  # type: ignore[no-untyped-def]
    """The assistant catalogue with two "Red Rose" nightdresses (pink, blue), indexed again."""
    from assistant.retrieval.index import index_build

    nightdress = ArticleTypeFactory(name="Nightdress", sub_category=SubCategoryFactory(
        name="Loungewear and Nightwear", master=MasterCategoryFactory(name="Apparel")))
    red_rose = BrandFactory(name="Red Rose")
    for cid, colour in ((500100, "Pink"), (500101, "Blue")):
        p = ProductFactory(catalog_id=cid, name=f"Red Rose Women {colour} Nightdress", gender="Women",
                           article_type=nightdress, brand=red_rose, colour=ColourFactory(name=colour), usage="Casual")
        VariantFactory(product=p, size="M", stock=3)
    index_build(force=True)
    return catalogue


def cards(response) -> list[Product]:  # type: ignore[no-untyped-def]
    return list(response.context["products"])


def heading(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"<h1>(.*?)</h1>", response.content.decode()).group(1)


def test_nike_running_shoes_lists_nikes_sports_shoes(client: Client, shop_catalogue):
    # when a shopper searches the words the literal search found nothing for
    r = client.get(URL, {"q": "nike running shoes"})
    # then the page holds Nike's sports shoes, named as understood
    assert [(p.name, p.article_type.name, p.brand.name) for p in cards(r)] == [
        ("Nike Women Red Runner", "Sports Shoes", "Nike")]
    assert heading(r) == "Sports Shoes by Nike"


def test_sneakers_lists_every_casual_shoe_with_the_sneakers_first(client: Client, shop_catalogue):
    # when
    r = client.get(URL, {"q": "sneakers"})
    # then every casual shoe is there (not only the names that spell "sneakers"), those that do first
    found = cards(r)
    assert {p.article_type.name for p in found} == {"Casual Shoes"}
    assert len(found) == Product.objects.filter(article_type__name="Casual Shoes").count() == 5
    assert {p.name for p in found[:2]} == {"Nike Men White Court Sneakers", "Puma Men Blue Canvas Sneakers"}
    assert heading(r) == "Casual Shoes"
    assert "data-did-you-mean" not in r.content.decode()


def test_a_typo_is_corrected_from_the_catalogues_words_and_said(client: Client, shop_catalogue):
    # when the shopper mistypes
    r = client.get(URL, {"q": "snekers"})
    body = r.content.decode()
    # then the results are the casual shoes, and the page says what it searched for instead
    assert {p.article_type.name for p in cards(r)} == {"Casual Shoes"} and len(cards(r)) == 5
    assert ('Did you mean <a href="?q=sneakers">sneakers</a>? Nothing in the shop is called “snekers”, so these '
            'are the results for “sneakers”.') in body


def test_red_dress_lists_red_dresses_not_red_rose_nightdresses(client: Client, shop_catalogue):
    # when
    r = client.get(URL, {"q": "red dress"})
    # then red-family dresses only, the red one first; neither Red Rose nightdress
    found = cards(r)
    assert [(p.article_type.name, p.colour.name) for p in found] == [("Dresses", "Red"), ("Dresses", "Maroon")]
    assert heading(r) == "Red Dresses"


def test_white_shirt_for_men_lists_mens_white_shirts(client: Client, shop_catalogue):
    # when
    r = client.get(URL, {"q": "white shirt for men"})
    # then
    assert [(p.name, p.article_type.name, p.colour.name, p.gender) for p in cards(r)] == [
        ("Peter England Men White Formal Shirt", "Shirts", "White", "Men")]
    assert heading(r) == "Men&#x27;s White Shirts"


def test_what_was_understood_shows_as_chips_that_search_again_without_it(client: Client, shop_catalogue):
    # when
    body = client.get(URL, {"q": "red dress"}).content.decode()
    # then each understood limit is a chip; removing the colour searches "dress"
    assert 'href="?q=dress" aria-label="Remove filter Colour: Red"' in body
    assert 'href="?q=red" aria-label="Remove filter Type: Dresses"' in body


def test_the_urls_filters_are_exact_limits_on_top_of_the_search(client: Client, shop_catalogue):
    # given the search "sneakers" (five casual shoes, one of them women's)
    # when the listing's own filters narrow it
    women = cards(client.get(URL, {"q": "sneakers", "gender": "Women"}))
    puma = cards(client.get(URL, {"q": "sneakers", "brand": "puma"}))
    cheap = cards(client.get(URL, {"q": "sneakers", "max_price": "40", "sort": "price_asc"}))
    # then both apply
    assert [p.name for p in women] == ["Nike Women White Canvas Shoes"]
    assert {p.name for p in puma} == {"Puma Men Blue Canvas Sneakers", "Puma Men Navy Low Tops"}
    assert [p.name for p in cheap] == ["Adidas Men Black Street Shoes", "Puma Men Blue Canvas Sneakers",
                                       "Nike Women White Canvas Shoes"]


def test_relevance_pages_through_every_match_once(client: Client, shop_catalogue, settings):
    # given two cards a page
    settings.SHOP_PAGE_SIZE = 2
    # when the shopper pages through "sneakers"
    pages = [client.get(URL, {"q": "sneakers", "page": n}) for n in (1, 2, 3)]
    # then every casual shoe shows once, in relevance order, and the pages link on
    seen = [p.catalog_id for r in pages for p in cards(r)]
    assert len(seen) == len(set(seen)) == 5
    assert 'href="?q=sneakers&amp;page=2" rel="next"' in pages[0].content.decode()
    assert seen == [p.catalog_id for p in cards(client.get(URL, {"q": "sneakers"}))][:2] + seen[2:]


def test_no_results_offers_the_assistant_with_the_query(client: Client, shop_catalogue):
    # when nothing matches
    r = client.get(URL, {"q": "nike running shoes", "colour": "grey"})
    body = r.content.decode()
    # then the page offers the chat, opened with the words
    assert cards(r) == []
    assert ('<a class="button" href="/assistant/?q=nike+running+shoes" data-assistant-handoff>'
            'Ask the assistant about “nike running shoes”</a>') in body
    # and the chat page has them in its box, waiting to be sent
    chat = client.get("/assistant/", {"q": "nike running shoes"}).content.decode()
    assert 'value="nike running shoes" autofocus' in chat


def test_words_nothing_names_find_nothing_and_offer_the_assistant(client: Client, shop_catalogue):
    r = client.get(URL, {"q": "qwzxv"})
    assert cards(r) == [] and heading(r) == "Results for “qwzxv”"
    assert 'href="/assistant/?q=qwzxv" data-assistant-handoff' in r.content.decode()


def test_without_the_assistant_the_shop_searches_literally_and_offers_no_chat(client: Client, shop_catalogue):
    # given no search provider registered (a shop without the assistant)
    saved = search_provider_swap(None)
    try:
        r = client.get(URL, {"q": "nike running shoes"})
    finally:
        search_provider_swap(saved)
    # then each word must be in the name, and the page claims nothing it cannot do
    body = r.content.decode()
    assert cards(r) == [] and heading(r) == "Results for “nike running shoes”"
    assert "data-assistant-handoff" not in body and "data-did-you-mean" not in body
    assert search_provider() is saved


@pytest.mark.parametrize("q, note", [
    ("x" * 10_000, "Your search was shortened to its first 200 characters."),
    ("<script>alert(1)</script>", ""),
    ("' OR 1=1; DROP TABLE shop_product; --", ""),
    ("чёрное платье 👗 \u202e\u200b", ""),
    ("red\x00dress", ""),
    ("%00%27%22", ""),
])
def test_hostile_or_oversized_queries_get_a_clear_page(client: Client, shop_catalogue, q, note):
    # given
    before = Product.objects.count()
    # when
    r = client.get(URL, {"q": q})
    body = r.content.decode()
    # then a page, no error, no markup of the shopper's echoed raw, nothing written
    assert r.status_code == 200
    assert "<script>alert" not in body
    assert note in body
    assert Product.objects.count() == before


def test_a_search_page_reads_the_database_a_fixed_number_of_times(client: Client, shop_catalogue, settings,
                                                                   django_assert_max_num_queries):
    # given the process has its snapshot and vocabulary (the first search of a worker loads them), a page of 2
    settings.SHOP_PAGE_SIZE = 2
    client.get(URL, {"q": "sneakers"})
    # when another search renders with its facets not cached yet: the page's rows, six facet counts, and the
    # session (SQLite) or the cards' consent coverage (PostgreSQL + Redis)
    with django_assert_max_num_queries(9):
        r = client.get(URL, {"q": "shoes for men"})
    # and then its next page, facets cached: the rows, whatever the number of matches
    with django_assert_max_num_queries(3):
        r2 = client.get(URL, {"q": "shoes for men", "page": 2})
    assert len(cards(r)) == len(cards(r2)) == 2


def test_the_speller_corrects_to_the_closest_catalogue_word():
    # given the words of the vocabulary's phrases and of product names
    speller = Speller.build(["sneakers", "shirt", "shirts", "watch", "tee", "wallets", "jeans"],
                            {"adidas": 3, "wash": 1, "watch": 9, "sneaker": 2})
    # then one edit away, the commoner first; a letter changed only for a keyboard neighbour or another vowel;
    # known words, English words and their plurals, short or far words stay as they are
    typed = ("snekers", "shrit", "addidas", "wach", "jeens", "mallets", "they", "tee", "cap", "asdfgh", "adidas")
    assert [speller.correct(w) for w in typed] == [
        "sneakers", "shirt", "adidas", "watch", "jeans", None, None, None, None, None, None]
    assert (osa_distance("shrit", "shirt"), osa_distance("sneakrs", "sneakers"), osa_distance("abc", "xyz")) == (1, 1, 3)


def test_the_speller_leaves_the_words_the_parser_reads_itself():
    # given a catalogue name word one edit from an age word the parser reads ("Proteen" tees)
    speller = Speller.build(["tshirts"], {"proteen": 4})
    # then the age word stays as typed, for read_age
    assert speller.correct("preteen") is None


def test_an_english_adjective_made_from_a_catalogue_word_is_not_corrected_to_it():
    from assistant.understanding.spelling import correct_text
    from assistant.understanding.vocabulary import build_vocabulary

    # given a catalogue whose words hold "flash" and "pink" but not "flashy", "pinkish" or "pricey"
    vocab = build_vocabulary(article_types=[("Watches", "Watches", "Accessories")], colours=["Pink"], usages=[],
                             genders=["Women"], sizes=[], brands=["Flash"])
    # then those stay as typed (English made them by a suffix: no typo), while a typo is still mended
    assert correct_text("a watch that is not too flashy or pricey, pinkish", vocab) is None
    assert correct_text("a pink wach", vocab).changes == (("wach", "watch"),)


def test_a_name_word_is_required_and_loosened_out_loud_when_nothing_has_it(client: Client, shop_catalogue):
    # given "court" is a word of one product's name, and no dress's
    # when the shopper searches it with a kind of product that has it, and with one that has not
    court = client.get(URL, {"q": "court shoes"})
    steel = client.get(URL, {"q": "court dress"})
    # then the first lists that one product; the second lists the dresses and says the word was let go
    assert [p.name for p in cards(court)] == ["Nike Men White Court Sneakers"]
    assert heading(court) == "Shoes matching “court”"
    assert {p.article_type.name for p in cards(steel)} == {"Dresses"} and len(cards(steel)) == 4
    assert "No product name here has “court”; these come closest." in steel.content.decode()


def test_the_chat_corrects_the_same_typo_and_says_so(catalogue):
    from assistant.pipeline import TurnContext, run_turn

    # when a shopper mistypes in the chat
    ctx = run_turn(TurnContext(text="snekers for men", state={}))
    # then the chat reads it as the search box does, and says how it read it
    assert ctx.filters.article_types == ["Casual Shoes"] and ctx.filters.genders == ["Men"]
    assert ctx.reply == 'These are all 4 Casual Shoes for men. I read "snekers" as "sneakers".'
    assert {c["article_type"] for c in ctx.cards} == {"Casual Shoes"}


def test_the_search_box_reads_a_british_shoe_size_as_the_catalogues_eu_size(client: Client, shop_catalogue):
    # given men's sneakers sized 40-42 (EU), when the search box is asked for a UK 8
    r = client.get(URL, {"q": "sneakers for men size 8"})
    # then it lists those in EU 42, and says how it read the size
    assert sorted(p.name for p in cards(r)) == ["Nike Men White Court Sneakers", "Puma Men Blue Canvas Sneakers",
                                                "Puma Men Navy Low Tops"]
    assert "I read size 8 as UK 8, which is EU 42." in r.content.decode()
    # and its size chip searches again without the size's words only
    assert 'href="?q=sneakers+for+men" aria-label="Remove filter Size: 42"' in r.content.decode()
