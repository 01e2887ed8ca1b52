"""shop.filters: one meaning for every filter, and the listing, the chat's row check and the index agree on it."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.retrieval.index import Snapshot
from assistant.selectors import product_matches, products_by_catalog_ids
from assistant.understanding.schema import Filters
from shop.filters import CatalogFilters, ProductFacts, admitted_genders
from shop.models import Product
from shop.selectors import ProductFilters, catalog_filters, product_list
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

GENDERS = ["Men", "Women", "Boys", "Girls", "Unisex"]
TYPES = [("Apparel", "Topwear", "Tshirts"), ("Apparel", "Bottomwear", "Jeans"), ("Footwear", "Shoes", "Casual Shoes"),
         ("Accessories", "Watches", "Watches")]
COLOURS = ["Blue", "Navy Blue", "Black", None]
USAGES = ["Casual", "Sports", "Formal", ""]
BRANDS = ["Nike", "Puma"]
PRICES = [Decimal(p) for p in ("9.99", "19.99", "20.00", "49.50", "120.00")]
SIZES = ["S", "M", "L"]
# Name words the shop has no attribute for ("not leather", "not floral"); "Leatherette" contains "leather".
NAME_WORDS = ["Leather", "Floral", "Leatherette", "Cotton", "Printed"]


@pytest.fixture
def catalogue() -> list[Product]:
    """Forty products over every gender, category, colour (and none), usage (and none), brand, price and size."""
    rng = random.Random(18)
    types = []
    for master, sub, at in TYPES:
        m = MasterCategoryFactory(name=master)
        types.append(ArticleTypeFactory(name=at, sub_category=SubCategoryFactory(name=sub, master=m)))
    colours = [ColourFactory(name=c) if c else None for c in COLOURS]
    brands = [BrandFactory(name=b) for b in BRANDS]
    products = []
    for n in range(40):
        product = ProductFactory(name=f"{BRANDS[n % 2]} {NAME_WORDS[n % 5 if n % 3 else (n + 1) % 5]} Piece {n}",
                                 gender=GENDERS[n % 5], article_type=types[n % 4], colour=colours[n % 4],
                                 usage=USAGES[(n // 4) % 4], brand=brands[n % 2], price=rng.choice(PRICES),
                                 is_published=n != 39)
        for size in rng.sample(SIZES, rng.randint(1, 3)):
            VariantFactory(product=product, size=size, stock=rng.choice([0, 2]))
        products.append(product)
    return products


def some(values: list) -> st.SearchStrategy:
    return st.lists(st.sampled_from(values), max_size=2, unique=True).map(tuple)


catalog_filters_st = st.builds(
    CatalogFilters,
    genders=some(GENDERS),
    categories=some(["Apparel", "Topwear", "Bottomwear", "Footwear", "Shoes", "Accessories", "Nothing"]),
    article_types=some([t[2] for t in TYPES]),
    colours=some([c for c in COLOURS if c] + ["Red"]),
    usages=some([u for u in USAGES if u]),
    brands=some(BRANDS),
    min_price=st.none() | st.sampled_from(PRICES),
    max_price=st.none() | st.sampled_from(PRICES),
    size=st.none() | st.sampled_from([*SIZES, "XL"]),
    exclude_colours=some([c for c in COLOURS if c]),
    exclude_brands=some(BRANDS),
    exclude_words=some(["leather", "FLORAL", "cotton", "print", "piece", "nothing"]),
)


def by_orm(cf: CatalogFilters) -> set[int]:
    return set(Product.objects.filter(is_published=True).filter(cf.as_q()).values_list("catalog_id", flat=True))


def in_memory(cf: CatalogFilters, products: list[Product]) -> set[int]:
    return {p.catalog_id for p in products if p.is_published and cf.matches(ProductFacts.of(p))}


def by_index(cf: CatalogFilters) -> set[int]:
    snap = Snapshot(manifest=None, stamp=("filters-test",))
    return {int(c) for c in snap.catalog_ids[snap.mask_catalog(cf)]}


def test_men_and_women_admit_unisex_and_children_stay_their_own():
    assert admitted_genders(["Men"]) == ("Men", "Unisex")
    assert admitted_genders(["Women", "Men"]) == ("Women", "Unisex", "Men")
    assert admitted_genders(["Boys"]) == ("Boys",)
    assert admitted_genders(["Unisex"]) == ("Unisex",)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cf=catalog_filters_st)
def test_the_orm_the_row_check_and_the_index_agree(catalogue, cf):
    # given forty products and any filters; when each of the three applies them; then the same products pass
    products = list(Product.objects.select_related("brand", "colour", "article_type__sub_category__master")
                    .prefetch_related("variants"))
    expected = in_memory(cf, products)
    assert by_orm(cf) == expected
    assert by_index(cf) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(genders=some(GENDERS), colours=some(COLOURS[:3]), usages=some(USAGES[:3]), brands=some(BRANDS),
       max_price=st.none() | st.sampled_from(PRICES), size=st.none() | st.sampled_from(SIZES),
       exclude_colours=some(COLOURS[:3]), exclude_words=some(["leather", "floral", "print"]))
def test_the_chat_filters_mean_what_the_shop_filters_mean(catalogue, genders, colours, usages, brands, max_price,
                                                          size, exclude_colours, exclude_words):
    # given the chat's filters, as the dialogue stores them
    f = Filters(genders=list(genders), colours=list(colours), usages=list(usages), brands=list(brands),
                max_price=max_price, size=size, exclude_colours=list(exclude_colours),
                exclude_words=list(exclude_words))
    cf = f.to_catalog()
    # when the chat checks each database row (the page it would show)
    shown = {p.catalog_id for p in products_by_catalog_ids([p.catalog_id for p in catalogue])
             if product_matches(p, f)}
    # then it keeps exactly what the listing's ORM and the index select
    assert shown == by_orm(cf) == by_index(cf)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gender=st.sampled_from(["", *GENDERS]), category=st.sampled_from(["", "apparel", "shoes", "nothing"]),
       colour=st.sampled_from(["", "blue", "navy-blue", "red"]), usage=st.sampled_from(["", "Casual", "Sports"]),
       size=st.sampled_from(["", "S", "L"]))
def test_the_listing_means_what_the_shop_filters_mean(catalogue, gender, category, colour, usage, size):
    # given the listing's URL filters (slugs)
    pf = ProductFilters(gender=gender, category=category, colour=colour, usage=usage, size=size)
    # when the listing runs them
    listed = {p.catalog_id for p in product_list(filters=pf)}
    # then it shows exactly what the shared definition admits, as the index would
    cf = catalog_filters(pf)
    assert listed == by_orm(cf) == by_index(cf)


def test_a_men_filter_lists_unisex_products_in_the_listing_the_chat_and_the_index(catalogue):
    unisex = {p.catalog_id for p in catalogue if p.gender == "Unisex" and p.is_published}
    men = {p.catalog_id for p in catalogue if p.gender == "Men" and p.is_published}
    listed = {p.catalog_id for p in product_list(filters=ProductFilters(gender="Men"))}
    assert listed == men | unisex
    assert by_index(Filters(genders=["Men"]).to_catalog()) == men | unisex
    chat = {p.catalog_id for p in products_by_catalog_ids(sorted(men | unisex)) if product_matches(p, Filters(genders=["Men"]))}
    assert chat == men | unisex


def test_a_product_without_a_colour_is_never_excluded_by_colour(catalogue):
    uncoloured = {p.catalog_id for p in catalogue if p.colour_id is None and p.is_published}
    cf = CatalogFilters(exclude_colours=("Blue", "Black", "Navy Blue"))
    assert by_orm(cf) == uncoloured == by_index(cf)


def test_an_excluded_name_word_holds_in_the_listing_the_chat_and_the_index(catalogue):
    # given products named Leather, Leatherette, Floral, ...; when the shopper says "not leather"
    cf = Filters(exclude_words=["leather"]).to_catalog()
    # then no product whose name contains the word passes anywhere, and every other published one does
    expected = {p.catalog_id for p in catalogue if p.is_published and "leather" not in p.name.lower()}
    assert by_orm(cf) == by_index(cf) == expected
    assert len(expected) < 39 and not any("Leather" in p.name for p in catalogue if p.catalog_id in expected)
