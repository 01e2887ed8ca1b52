"""The catalogue's small lookup tables (brands, colours, article types with their categories), kept per process.

The chat's cards and the twin-image route read products by the dozen, and joining four tables for each read
(select_related) cost more Python than the product rows themselves: four more models built and filled per row,
and a longer statement to compile. These few hundred rows change only through the import and the admin, which
bump the catalogue version after they commit (shop.caching), so a process keeps one copy per version. It also
re-reads them at least every SHOP_LOOKUPS_MAX_AGE_SECONDS: on the embedded default the cache, and so the
version, is each worker's own, and another worker's bump reaches it only then.

The instances are shared by every thread of the process: read them, never change them.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .caching import catalogue_version
from .models import ArticleType, Brand, Colour, Product


@dataclass(frozen=True)
class Lookups:
    version: int
    loaded_at: float
    brands: dict[int, Brand]
    colours: dict[int, Colour]
    article_types: dict[int, ArticleType]  # each with its sub-category and master category

    def covers(self, product: Product) -> bool:
        return (product.brand_id in self.brands and product.article_type_id in self.article_types
                and (product.colour_id is None or product.colour_id in self.colours))


_current: Lookups | None = None
_lock = threading.Lock()


def _load(version: int) -> Lookups:
    return Lookups(
        version=version,
        loaded_at=time.monotonic(),
        brands={b.pk: b for b in Brand.objects.all()},
        colours={c.pk: c for c in Colour.objects.all()},
        article_types={a.pk: a for a in ArticleType.objects.select_related("sub_category__master")},
    )


def catalogue_lookups(*, reload: bool = False) -> Lookups:
    """This process's copy of the lookup tables, read again when the catalogue version moved, when it is older
    than SHOP_LOOKUPS_MAX_AGE_SECONDS, or on `reload`."""
    global _current
    version = catalogue_version()
    current = _current
    max_age = settings.SHOP_LOOKUPS_MAX_AGE_SECONDS
    if (not reload and current is not None and current.version == version
            and time.monotonic() - current.loaded_at < max_age):
        return current
    with _lock:
        if _current is current or _current is None:  # not re-read by another thread meanwhile
            _current = _load(version)
        loaded: Lookups = _current
    return loaded


def products_attach_lookups(products: Iterable[Product]) -> list[Product]:
    """Give each product its brand, colour and article type (with its categories) as select_related would, from
    the lookups. A product naming a row they lack (created since they were read) has them read again once; one
    still missing (created by a transaction not yet committed when read) loads lazily, as any relation does."""
    products = list(products)
    lookups = catalogue_lookups()
    if not all(lookups.covers(p) for p in products):
        lookups = catalogue_lookups(reload=True)
    for product in products:
        if not lookups.covers(product):
            continue
        product.brand = lookups.brands[product.brand_id]
        product.article_type = lookups.article_types[product.article_type_id]
        product.colour = lookups.colours[product.colour_id] if product.colour_id is not None else None
    return products


def lookups_forget() -> None:
    """Drop this process's copy (tests that rename a brand or move an article type in the same process)."""
    global _current
    with _lock:
        _current = None
