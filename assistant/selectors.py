"""Reads: product cards for the chat, the exact filter check, conversations."""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings

from config.compiled import CompiledQuery
from config.urlreverse import reverse_one
from licensing.showcase.selectors import twin_image_for
from shop.models import Product, Variant
from shop.selectors import VARIANTS_ATTR, variants_of

from .models import Conversation
from .understanding.schema import Filters
from .understanding.vocabulary import tokens

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
    if f.exclude_words and set(tokens(product.name.lower())) & {w.lower() for w in f.exclude_words}:
        return False
    if f.max_price is not None and product.price > Decimal(f.max_price):
        return False
    if f.min_price is not None and product.price < Decimal(f.min_price):
        return False
    if f.size:
        sizes = {v.size for v in variants_of(product) if v.stock > 0}
        if f.size not in sizes:
            return False
    return True


# The chat loads a page of at most this many products per turn; its two statements are compiled once per
# process with this many id slots (a shorter page repeats its last id: IN (a, b, b) finds a and b once).
PAGE_SLOTS = 10
_SLOT_NAMES = tuple(f"id{n}" for n in range(PAGE_SLOTS))
_PAGE_PRODUCTS = CompiledQuery(
    # The category chain too: consent scopes and the renderer's slot rule read it for every card. Not the
    # timestamps, season or year: no card or filter reads them, and on SQLite each timestamp is parsed and made
    # aware per row (a read of one still works: Django loads a deferred field on access).
    lambda **ids: Product.objects.filter(catalog_id__in=list(ids.values()), is_published=True)
    .select_related("brand", "article_type__sub_category__master", "colour")
    .defer("created_at", "updated_at", "season", "year"),
    **dict.fromkeys(_SLOT_NAMES, int),
)
_PAGE_VARIANTS = CompiledQuery(
    lambda **ids: Variant.objects.filter(product_id__in=list(ids.values())).order_by("product_id", "position"),
    **dict.fromkeys(_SLOT_NAMES, int),
)


def _slots(ids: list[int]) -> dict[str, int]:
    return dict(zip(_SLOT_NAMES, ids + [ids[-1]] * (PAGE_SLOTS - len(ids)), strict=True))


def products_by_catalog_ids(ids: list[int]) -> list[Product]:
    """Products in the given order (missing or unpublished ones dropped), each with its variants in position
    order as a plain list (shop.selectors.variants_of reads it); two queries per page of PAGE_SLOTS.

    Built by the ORM once per process and then only re-bound (config.compiled): compiling the select_related
    chain and running Django's prefetch machinery cost more CPU than SQLite spent answering."""
    ids = [int(i) for i in ids]
    unique = list(dict.fromkeys(ids))
    by_id: dict[int, Product] = {}
    for start in range(0, len(unique), PAGE_SLOTS):
        page = _PAGE_PRODUCTS.objects(**_slots(unique[start:start + PAGE_SLOTS]))
        if not page:
            continue
        variants: dict[int, list[Variant]] = {p.pk: [] for p in page}
        for variant in _PAGE_VARIANTS.objects(**_slots([p.pk for p in page])):
            variants[variant.product_id].append(variant)
        for product in page:
            setattr(product, VARIANTS_ATTR, variants[product.pk])
            by_id[product.catalog_id] = product
    return [by_id[i] for i in ids if i in by_id]


def twins_for_products(products: list[Product], *, channel: str = CHANNEL,
                       territory: str | None = None) -> dict[int, list[Any]]:
    """Covering twins of many products (catalog_id -> twins, best-first order as
    licensing.selectors.twins_covering returns them). Same rule: signed, in its window, twin active, terms
    checked by the gate's own grant_failure, and only products the renderer puts on a twin. The grants come
    from licensing's coverage cache, which checks the database's coverage token on every call, so a
    revocation shows on the next turn; the gate still decides each view."""
    from django.utils import timezone

    from licensing.selectors import covering_twins, signed_grants_by_brand
    from licensing.services.gate import product_scope
    from licensing.showcase.selectors import product_slot

    at = timezone.now()
    territory = (territory or settings.LICENSING_DEFAULT_TERRITORY).upper()
    wearable = [p for p in products if product_slot(p) is not None]
    out: dict[int, list[Any]] = {p.catalog_id: [] for p in products}
    if not wearable:
        return out
    grants_by_brand, twin_by_id = signed_grants_by_brand({p.brand_id for p in wearable})
    for product in wearable:
        scope = product_scope(product)
        out[product.catalog_id] = covering_twins(grants_by_brand[scope.brand_id],
                                                 twin_of=lambda grant: twin_by_id.get(grant.twin_id), scope=scope,
                                                 channel=channel, territory=territory, at=at)
    return out


def product_card(product: Product, *, session_key: str | None, twin_id: int | None = None,
                 prefer: dict[str, Any] | None = None, twins: list[Any] | None = None,
                 viewer_anonymous: bool = False) -> dict[str, Any]:
    image = product.image.url if product.image else reverse_one("shop:product_illustration", product.catalog_id)
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
        "sizes": [v.size for v in variants_of(product) if v.stock > 0],
    }
    if session_key:
        try:
            twin = twin_image_for(product=product, request_or_session_key=session_key, channel=CHANNEL,
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


def sizes_of(product: Product) -> list[str]:
    return [v.size for v in variants_of(product)]


def has_real_sizes(product: Product) -> bool:
    return any(v.size != Variant.ONE_SIZE for v in variants_of(product))


def currency() -> str:
    return settings.SHOP_CURRENCY
