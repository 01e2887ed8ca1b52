from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from shop.services import hooks

HEADER = ["id", "name", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season",
          "year", "usage", "price", "currency", "sizes", "stock"]


def row(**over: str) -> dict[str, str]:
    base = {
        "id": "1001", "name": "Peter England Men Blue Shirt", "gender": "Men", "masterCategory": "Apparel",
        "subCategory": "Topwear", "articleType": "Shirts", "baseColour": "Blue", "season": "Summer",
        "year": "2012", "usage": "Formal", "price": "49.99", "currency": "USD", "sizes": "S|M|L", "stock": "10",
    }
    base.update(over)
    return base


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or HEADER
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue().encode()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def _write(rows: list[dict[str, str]], header: list[str] | None = None, gz: bool = False, name: str = "cat.csv") -> Path:
        data = csv_bytes(rows, header)
        path = tmp_path / (name + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(data) if gz else data)
        return path

    return _write


@pytest.fixture(scope="session")
def demo_sample_bytes() -> bytes:
    """The first 300 rows of the real demo catalogue (realistic names, sizes, brands)."""
    with gzip.open(settings.DEMO_CATALOG_PATH, "rt", newline="", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(301)]
    return "".join(lines).encode()


@pytest.fixture
def hook_calls() -> Iterator[list[list[int]]]:
    """Replace the products-changed registry with a recorder for the test."""
    saved = hooks._unregister_all_for_tests()
    calls: list[list[int]] = []

    def record(*, catalog_ids: list[int]) -> None:
        calls.append(catalog_ids)

    hooks.on_products_changed(record)
    yield calls
    hooks._restore_for_tests(saved)


@pytest.fixture
def small_catalogue(db):
    """Six products across genders, categories, colours, prices and sizes."""
    from decimal import Decimal

    from tests.factories import (
        ArticleTypeFactory,
        BrandFactory,
        ColourFactory,
        MasterCategoryFactory,
        ProductFactory,
        SubCategoryFactory,
        VariantFactory,
    )

    apparel = MasterCategoryFactory(name="Apparel")
    footwear = MasterCategoryFactory(name="Footwear")
    tees = ArticleTypeFactory(name="Tshirts", sub_category=SubCategoryFactory(master=apparel, name="Topwear"))
    jeans = ArticleTypeFactory(name="Jeans", sub_category=SubCategoryFactory(master=apparel, name="Bottomwear"))
    shoes = ArticleTypeFactory(name="Casual Shoes", sub_category=SubCategoryFactory(master=footwear, name="Shoes"))
    blue = ColourFactory(name="Blue", hex="#2a5db0")
    black = ColourFactory(name="Black", slug="black", hex="#1f1f1f")
    nike = BrandFactory(name="Nike")
    puma = BrandFactory(name="Puma")

    def make(cid, name, brand, at, colour, gender, price, sizes, year=2012, usage="Casual"):
        p = ProductFactory(catalog_id=cid, name=name, brand=brand, article_type=at, colour=colour, gender=gender,
                           price=Decimal(price), year=year, usage=usage)
        for pos, (size, stock) in enumerate(sizes):
            VariantFactory(product=p, size=size, stock=stock, position=pos)
        return p

    return {
        "blue_tee": make(101, "Nike Men Blue Tee", nike, tees, blue, "Men", "19.99", [("S", 2), ("M", 0), ("L", 5)], 2015),
        "black_tee": make(102, "Puma Women Black Tee", puma, tees, black, "Women", "24.50", [("S", 1), ("M", 3)], 2013),
        "jeans": make(103, "Nike Men Blue Jeans", nike, jeans, blue, "Men", "59.00", [("32", 4), ("34", 0)], 2011),
        "shoes": make(104, "Puma Men Black Running Shoes", puma, shoes, black, "Men", "89.95", [("42", 1), ("43", 2)], 2016, "Sports"),
        "cap": make(105, "Nike Unisex Blue Cap", nike, tees, blue, "Unisex", "9.00", [("ONE SIZE", 7)], 2012),
        "sold_out": make(106, "Puma Women Blue Tee", puma, tees, blue, "Women", "15.00", [("S", 0)], 2010),
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Facet counts are cached per catalogue version; tests build catalogues without bumping it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def literal_search():
    """The shop's own tests search as the shop alone does (each word in the name): the assistant's reading of
    the same box is tested with its index in tests/assistant/test_search.py."""
    from shop.search import search_provider_swap

    saved = search_provider_swap(None)
    yield
    search_provider_swap(saved)
