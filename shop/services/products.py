"""Merchandiser writes on products outside the CSV import (admin edits, publish/hide)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from shop.models import Product
from shop.services.hooks import products_changed_notify


def products_set_published(*, product_ids: Iterable[int], published: bool) -> int:
    """Publish or hide products; returns how many actually changed (already-in-state rows are untouched)."""
    ids = list(product_ids)
    with transaction.atomic():
        qs = Product.objects.filter(pk__in=ids).exclude(is_published=published)
        changed = list(qs.values_list("catalog_id", flat=True))
        qs.update(is_published=published, updated_at=timezone.now())
        products_changed_notify(catalog_ids=changed)
    return len(changed)


def products_changed(*, products: Iterable[Product]) -> None:
    """Tell listeners (search index, ...) that these products were edited, after the edit commits."""
    products_changed_notify(catalog_ids=[p.catalog_id for p in products])
