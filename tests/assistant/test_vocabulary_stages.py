"""What each stage of build_vocabulary puts in the phrase table, and which stage wins a phrase (no database)."""
from __future__ import annotations

import pytest

from assistant.understanding.vocabulary import Concept, Vocabulary, build_vocabulary

TYPES = [("Casual Shoes", "Shoes", "Footwear"), ("Heels", "Shoes", "Footwear"), ("Tshirts", "Topwear", "Apparel"),
         ("Highlighter and Blush", "Makeup", "Personal Care"), ("Perfume and Body Mist", "Fragrance", "Personal Care"),
         ("Compact", "Makeup", "Personal Care"), ("Caps", "Headwear", "Accessories"), ("Hat", "Headwear", "Accessories")]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    # given a small catalogue, with the published colour readings passed in (no colour-space computation)
    return build_vocabulary(
        article_types=TYPES, colours=["Navy Blue", "Blue", "Red", "NA", ""], usages=["Party", "NA"],
        genders=["Men", "Women", "Unisex"], brands=["Delhi", "Red", "Nike", "Ab", "Summer"],
        brand_names={"Delhi": "delhi daredevils", "Red": "red rose"}, seasons=["Summer", ""], sizes=["M", "S", "M"],
        readings={"sky blue": ["Blue"], "navy": ["Navy Blue"], "red": ["Red"]},
    )


def kind(k: str, *values: str, label: str | None = None) -> list[Concept]:
    return [Concept(k, values, label if label is not None else values[0])]


@pytest.mark.parametrize("phrase, expected", [
    # article types and their inflections; "X and Y" names by each part that is not a colour word
    ("casual shoe", kind("article_type", "Casual Shoes")),
    ("heel", kind("article_type", "Heels")),
    ("highlighter", kind("article_type", "Highlighter and Blush")),
    ("body mist", kind("article_type", "Perfume and Body Mist")),
    ("blush", None),
    ("compact", None),  # an adjective on its own
    # lexicon synonyms, one type or several
    ("tee", kind("article_type", "Tshirts")),
    ("sneakers", kind("article_type", "Casual Shoes")),
    ("hats", kind("article_type", "Caps", "Hat", label="Caps or Hat")),
    # catalogue colours, then the published names the catalogue doesn't spell
    ("navy blue", kind("colour", "Navy Blue", label="navy blue")),
    ("navy", kind("colour", "Navy Blue", label="navy")),
    ("sky blue", kind("colour", "Blue", label="sky blue")),
    ("red", kind("colour", "Red", label="red")),
    # seasons, usages, genders
    ("summer", kind("season", "Summer", label="summer")),
    ("parties", kind("usage", "Party")),
    ("ladies", kind("gender", "Women")),
    # categories stand for their article types
    ("shoe", kind("category", "Casual Shoes", "Heels", label="Shoes")),
    ("footwear", kind("category", "Casual Shoes", "Heels", label="Footwear")),
    ("makeup", kind("category", "Compact", "Highlighter and Blush", label="Makeup")),
    # brands as their products spell them; too short, or already a colour or season word, is no brand
    ("delhi daredevils", kind("brand", "Delhi", label="delhi daredevils")),
    ("red rose", kind("brand", "Red", label="red rose")),
    ("nike", kind("brand", "Nike")),
    ("ab", None),
])
def test_each_stage_claims_its_phrases(vocab: Vocabulary, phrase: str, expected: list[Concept] | None) -> None:
    assert vocab.phrases.get(phrase) == expected


def test_the_lists_and_the_indexes_built_from_the_table(vocab: Vocabulary) -> None:
    assert vocab.colours == ["Blue", "Navy Blue", "Red"]
    assert vocab.usages == ["Party"]
    assert vocab.seasons == ["Summer"]
    assert vocab.sizes == ["M", "S"]
    assert vocab.type_group["Heels"] == "Footwear"
    assert vocab.type_group["Tshirts"] == "Topwear"
    assert vocab.compact["navyblue"] == "navy blue"
    assert vocab.lookup(["delhi", "daredevils"]) == kind("brand", "Delhi", label="delhi daredevils")
    assert vocab.max_ngram == 4  # "perfume and body mist"
    assert {c.kind for _, c in vocab.anchors} == {"article_type", "category"}
    assert ("footwear", kind("category", "Casual Shoes", "Heels", label="Footwear")[0]) in vocab.anchors


@pytest.mark.parametrize("spelled, brand_phrase, also", [
    # the words every product of the brand starts with, up to who it is for: the label alone is then the brand
    ("highlander men", "highlander", {"men": kind("gender", "Men")}),
    # a new brand's only product: its name, up to the kind of product it is, which stays an article type
    ("zephyrine moonglade tshirts", "zephyrine moonglade", {"tshirts": kind("article_type", "Tshirts")}),
    ("zephyrine moonglade quillwork shoe", "zephyrine moonglade quillwork",
     {"shoe": kind("category", "Casual Shoes", "Heels", label="Shoes")}),
    # a colour word may be part of a brand's name
    ("red rose women", "red rose", {"women": kind("gender", "Women")}),
])
def test_a_brand_phrase_ends_where_its_product_names_say_who_or_what(spelled: str, brand_phrase: str,
                                                                     also: dict[str, list[Concept]]) -> None:
    # given a brand whose products' names all start with `spelled`
    label = spelled.split()[0].capitalize()
    vocab = build_vocabulary(article_types=TYPES, colours=["Red", "Rose"], usages=[], genders=["Men", "Women"],
                             brands=[label], brand_names={label: spelled}, readings={})
    # then the brand is named by its own words, and the words after them keep their meaning
    assert vocab.phrases.get(brand_phrase) == [Concept("brand", (label,), brand_phrase if " " in brand_phrase else label)]
    assert vocab.phrases.get(spelled) is None
    for word, concept in also.items():
        assert vocab.phrases.get(word) == concept


def test_a_new_brands_only_product_is_found_by_its_name_as_that_kind_of_product() -> None:
    # given a brand with one product, "Zephyrine Moonglade Quillwork Tshirt" (issue 17: the whole name had become
    # the brand's phrase, so "tshirt" in it was no kind of product and the chat kept the previous one)
    from assistant.understanding.parser import parse_message

    vocab = build_vocabulary(article_types=TYPES, colours=["Red"], usages=[], genders=["Men", "Women"],
                             brands=["Zephyrine"], brand_names={"Zephyrine": "zephyrine moonglade quillwork tshirt"},
                             readings={})
    # when a shopper types that name
    u = parse_message("zephyrine moonglade quillwork tshirt", vocab)
    # then it is that brand and that kind of product
    assert u.set_values == {"brands": ["Zephyrine"], "article_types": ["Tshirts"]}
