"""assistant.selectors.products_by_catalog_ids: the chat's page of products in two statements."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistant.selectors import products_by_catalog_ids
from shop.lookups import catalogue_lookups
from shop.models import Product
from shop.selectors import variants_of
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

PAGE_SLOTS = 10  # a chat page shows at most this many products


def _seen(products: list[Product]) -> list[tuple[object, ...]]:
    return [(p.catalog_id, p.brand.name, p.article_type.name, p.article_type.sub_category.master.name,
             p.colour.name if p.colour_id else None, [(v.size, v.stock) for v in variants_of(p)]) for p in products]


@pytest.fixture
def products() -> list[Product]:
    out = []
    for n in range(2 * PAGE_SLOTS + 3):
        product = ProductFactory(colour=None) if n % 7 == 3 else ProductFactory()
        # Created out of position order: the page must come back ordered by position, not by insertion.
        VariantFactory(product=product, size="L", stock=n % 3, position=2)
        VariantFactory(product=product, size="S", stock=4, position=0)
        VariantFactory(product=product, size="M", stock=0, position=1)
        out.append(product)
    return out


@pytest.mark.parametrize("count", [1, 3, PAGE_SLOTS, PAGE_SLOTS + 1, 2 * PAGE_SLOTS + 3])
def test_page_matches_the_orm_in_the_asked_order(products, count):
    # given ids in an order of the shopper's (not the database's)
    ids = [p.catalog_id for p in reversed(products[:count])]
    # when the page is loaded
    got = products_by_catalog_ids(ids)
    # then the same products, relations and position-ordered variants as the ORM gives, in the asked order
    want = [Product.objects.select_related("brand", "article_type__sub_category__master", "colour").get(catalog_id=i)
            for i in ids]
    assert _seen(got) == _seen(want)
    assert [[v.size for v in variants_of(p)] for p in got] == [["S", "M", "L"]] * count


def test_a_page_is_two_statements_and_reads_nothing_later(products):
    # given a worker whose lookup tables (brands, colours, categories) are loaded, once per process
    catalogue_lookups()
    ids = [p.catalog_id for p in products[:PAGE_SLOTS]]
    with CaptureQueriesContext(connection) as queries:
        page = products_by_catalog_ids(ids)
        _seen(page)
    assert len(queries) == 2


def test_unknown_unpublished_and_repeated_ids(products):
    hidden = products[1]
    Product.objects.filter(pk=hidden.pk).update(is_published=False)
    ids = [products[0].catalog_id, hidden.catalog_id, 2**31 - 1, products[2].catalog_id, products[0].catalog_id]
    got = products_by_catalog_ids(ids)
    assert [p.catalog_id for p in got] == [products[0].catalog_id, products[2].catalog_id, products[0].catalog_id]
    assert products_by_catalog_ids([]) == []
    assert products_by_catalog_ids([2**31 - 1]) == []


def test_a_changed_product_shows_on_the_next_call(products):
    # nothing is cached between calls
    first = products[0]
    products_by_catalog_ids([first.catalog_id])
    Product.objects.filter(pk=first.pk).update(name="Renamed Tee")
    first.variants.filter(size="S").update(stock=0)
    (page,) = products_by_catalog_ids([first.catalog_id])
    assert page.name == "Renamed Tee"
    assert [(v.size, v.stock) for v in variants_of(page)][0] == ("S", 0)
