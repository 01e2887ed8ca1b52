"""Reads: product cards for the chat, the exact filter check, conversations."""
from __future__ import annotations

import importlib.util
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from shop.models import Product, Variant

from .models import Conversation
from .understanding.schema import Filters

logger = logging.getLogger(__name__)

CHANNEL = "assistant"


def product_matches(product: Product, f: Filters) -> bool:
    """The exact meaning of every filter, checked against the database row (the index is only a fast path)."""
    if not product.is_published:
        return False
    colour = product.colour.name if product.colour_id else ""
    brand = product.brand.name
    if f.genders and product.gender not in f.expanded_genders():
        return False
    if f.article_types and product.article_type.name not in f.article_types:
        return False
    if f.colours and colour not in f.colours:
        return False
    if f.usages and product.usage not in f.usages:
        return False
    if f.brands and brand not in f.brands:
        return False
    if colour and colour in f.exclude_colours:
        return False
    if brand in f.exclude_brands:
        return False
    if f.max_price is not None and product.price > Decimal(f.max_price):
        return False
    if f.min_price is not None and product.price < Decimal(f.min_price):
        return False
    if f.size:
        sizes = {v.size for v in product.variants.all() if v.stock > 0}
        if f.size not in sizes:
            return False
    return True


def products_by_catalog_ids(ids: list[int]) -> list[Product]:
    """Products in the given order (missing or unpublished ones dropped); two queries."""
    if not ids:
        return []
    rows = (
        Product.objects.filter(catalog_id__in=ids, is_published=True)
        .select_related("brand", "article_type", "colour")
        .prefetch_related(Prefetch("variants", queryset=Variant.objects.order_by("position")))
    )
    by_id = {p.catalog_id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


_TWIN_SELECTOR: list[Any] = []


def _twin_selector() -> Any:
    """The showcase's twin_image_for, once that module exists in this checkout (looked up once per process)."""
    if not _TWIN_SELECTOR:
        found = None
        if importlib.util.find_spec("licensing.showcase.selectors") is not None:
            from licensing.showcase import selectors as showcase

            found = getattr(showcase, "twin_image_for", None)
        _TWIN_SELECTOR.append(found)
    return _TWIN_SELECTOR[0]


def product_card(product: Product, *, session_key: str | None, twin_id: int | None = None,
                 prefer: dict[str, Any] | None = None) -> dict[str, Any]:
    image = product.image.url if product.image else reverse("shop:product_illustration", args=[product.catalog_id])
    card: dict[str, Any] = {
        "id": product.catalog_id,
        "name": product.name,
        "price": str(product.price),
        "currency": product.currency,
        "url": product.get_absolute_url(),
        "image": image,
        "twin_image": None,
        "twin": None,
        "brand": product.brand.name,
        "colour": product.colour.name if product.colour_id else "",
        "article_type": product.article_type.name,
        "gender": product.gender,
        "sizes": [v.size for v in product.variants.all() if v.stock > 0],
    }
    twin_image_for = _twin_selector()
    if twin_image_for is not None and session_key:
        try:
            twin = twin_image_for(product=product, request_or_session_key=session_key, channel=CHANNEL,
                                  twin_id=twin_id, prefer=prefer, size="card")
        except Exception:  # noqa: BLE001 - a failing renderer must never cost the shopper the product card
            logger.exception("twin image for product %s failed", product.catalog_id)
            twin = None
        if twin is not None:
            card["twin_image"] = twin.url
            card["twin"] = {"id": twin.twin_id, "name": twin.twin_name, "label": twin.label}
    return card


def conversation_for_session(*, session_key: str) -> Conversation | None:
    return Conversation.objects.filter(session_key=session_key).order_by("-updated_at").first()


def sizes_of(product: Product) -> list[str]:
    return [v.size for v in product.variants.all()]


def has_real_sizes(product: Product) -> bool:
    return any(v.size != Variant.ONE_SIZE for v in product.variants.all())


def currency() -> str:
    return settings.SHOP_CURRENCY
