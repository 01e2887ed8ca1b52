"""Who wants to know when products change.

Other apps register a callback once, from their AppConfig.ready():

    from shop.services import on_products_changed
    on_products_changed(index_mark_stale)      # called as callback(catalog_ids=[...])

The shop calls every registered callback *after* the transaction that changed the products commits
(transaction.on_commit), with the catalogue ids of the products created or changed. A registry rather
than an `import assistant` inside the shop keeps the dependency pointing one way: the shop knows nothing
about the assistant, and a missing consumer is simply an empty list, not a silent `try: import`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from django.db import transaction

log = logging.getLogger(__name__)


class ProductsChangedCallback(Protocol):
    def __call__(self, *, catalog_ids: list[int]) -> object: ...


_callbacks: list[ProductsChangedCallback] = []


def on_products_changed(callback: ProductsChangedCallback) -> ProductsChangedCallback:
    """Register `callback(catalog_ids=[...])`; registering the same callable twice is a no-op."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def products_changed_callbacks() -> tuple[ProductsChangedCallback, ...]:
    return tuple(_callbacks)


def products_changed_notify(*, catalog_ids: Iterable[int], using: str | None = None) -> None:
    """Schedule every callback for after the current transaction commits (immediately outside one)."""
    ids = sorted(set(int(i) for i in catalog_ids))
    if not ids:
        return

    def _run() -> None:
        from shop.caching import catalogue_version_bump

        catalogue_version_bump()  # facet counts and home page aggregates show the change at once
        for callback in tuple(_callbacks):
            try:
                callback(catalog_ids=list(ids))
            except Exception:  # noqa: BLE001 - one broken consumer must not hide the change from the others
                log.exception("products-changed callback %r failed for %d products", callback, len(ids))

    transaction.on_commit(_run, using=using)


def _unregister_all_for_tests() -> list[ProductsChangedCallback]:
    """Test helper: empty the registry and return what was there (so a fixture can restore it)."""
    saved = list(_callbacks)
    _callbacks.clear()
    return saved


def _restore_for_tests(saved: list[Callable[..., object]]) -> None:
    _callbacks.clear()
    _callbacks.extend(saved)
