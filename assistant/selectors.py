"""Reads: product cards for the chat, the exact filter check, conversations."""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import reverse

from licensing.selectors import twin_images_for_products
from licensing.showcase.selectors import twin_image_for
from shop.filters import ProductFacts
from shop.lookups import products_attach_lookups
from shop.models import Product, Variant
from shop.selectors import VARIANTS_ATTR, variants_of

from .models import Conversation, Turn, TurnRole
from .understanding.schema import Filters

logger = logging.getLogger(__name__)

CHANNEL = "assistant"


def product_matches(product: Product, f: Filters) -> bool:
    """Whether a published product meets every filter, checked against its database row (the index is only a fast
    path); what each filter means is shop.filters'."""
    if not product.is_published:
        return False
    return f.to_catalog().matches(ProductFacts.of(product, variants=variants_of(product)))


def products_by_catalog_ids(ids: list[int]) -> list[Product]:
    """Products in the given order (missing or unpublished ones dropped), each with its brand, colour and category
    chain (from the process's lookup tables, shop.lookups) and its variants in position order as a plain list
    (shop.selectors.variants_of reads it): two queries in all.

    Not the timestamps, season or year: no card or filter reads them (a read of one still works: Django loads
    a deferred field on access). The variants are one plain query grouped here: prefetch_related's machinery
    (a Prefetch with to_attr) cost more Python per turn than both statements."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    products = products_attach_lookups(
        Product.objects.filter(catalog_id__in=set(ids), is_published=True)
        .defer("created_at", "updated_at", "season", "year")
        .order_by()  # put in the caller's order below: no ORDER BY to build or sort by
    )
    variants: dict[int, list[Variant]] = {product.pk: [] for product in products}
    if products:
        for variant in Variant.objects.filter(product_id__in=list(variants)).order_by("product_id", "position"):
            variants[variant.product_id].append(variant)
    by_id = {}
    for product in products:
        setattr(product, VARIANTS_ATTR, variants[product.pk])
        by_id[product.catalog_id] = product
    return [by_id[i] for i in ids if i in by_id]


def twins_for_products(products: list[Product], *, session_key: str | None = None,
                       territory: str | None = None) -> dict[int, list[Any]]:
    """The chat's eligible twins per product (catalog_id -> twins): licensing's one answer, on the chat channel,
    in the shopper's territory."""
    return twin_images_for_products(products=products, channel=CHANNEL, session_key=session_key, territory=territory)


def product_card(product: Product, *, session_key: str | None, twin_id: int | None = None,
                 prefer: dict[str, Any] | None = None, twins: list[Any] | None = None,
                 viewer_anonymous: bool = False) -> dict[str, Any]:
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
        "colour": product.colour.name if product.colour is not None else "",
        "article_type": product.article_type.name,
        "gender": product.gender,
        "sizes": [v.size for v in variants_of(product) if v.stock > 0],
    }
    if session_key:
        try:
            twin = twin_image_for(product=product, session_key=session_key, channel=CHANNEL,
                                  twin_id=twin_id, prefer=prefer, size="card", twins=twins,
                                  anonymous=viewer_anonymous)
        except Exception:  # noqa: BLE001 - a failing renderer must never cost the shopper the product card
            logger.exception("twin image for product %s failed", product.catalog_id)
            twin = None
        if twin is not None:
            card["twin_image"] = twin.url
            card["twin"] = {"id": twin.twin_id, "name": twin.twin_name, "label": twin.label}
    return card


def conversation_for_session(*, session_key: str) -> Conversation | None:
    return Conversation.objects.filter(session_key=session_key).order_by("-updated_at").first()


def shown_product_ids(*, conversation: Conversation, catalog_ids: tuple[int, ...] | list[int]) -> set[int]:
    """Which of these catalogue ids this conversation's turns showed (its replies and actions): the products a
    chat button may act on. One query over the conversation's turns; none for no ids."""
    if not catalog_ids:
        return set()
    wanted = set(catalog_ids)
    shown: set[int] = set()
    for ids in Turn.objects.filter(conversation_id=conversation.pk).exclude(role=TurnRole.SHOPPER).values_list(
            "product_ids", flat=True):
        shown.update(i for i in ids or () if i in wanted)
    return shown


def has_real_sizes(product: Product) -> bool:
    return any(v.size != Variant.ONE_SIZE for v in variants_of(product))


def currency() -> str:
    return settings.SHOP_CURRENCY


def transcript(*, conversation: Conversation, limit: int = 12) -> list[dict[str, Any]]:
    """The conversation's last `limit` turns, oldest first, as a transcript shows them: who spoke, when, what,
    and the products the assistant showed (published ones, as links), in two queries."""
    turns = list(Turn.objects.filter(conversation=conversation).order_by("-position")[:limit])[::-1]
    ids = [cid for t in turns for cid in (t.product_ids or []) if isinstance(cid, int)]
    by_id = {p.catalog_id: p for p in products_by_catalog_ids(ids)}
    speakers: dict[str, str] = {TurnRole.SHOPPER: "You", TurnRole.ASSISTANT: "Assistant",
                                TurnRole.ACTION: "You (action)"}
    return [{"role": t.role, "speaker": speakers.get(t.role, t.role), "at": t.created_at, "text": t.text,
             "products": [by_id[c] for c in (t.product_ids or []) if c in by_id]} for t in turns]
