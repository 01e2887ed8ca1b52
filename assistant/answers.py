"""Turns that are not product searches: who the shopper is talking to, the cart, the shop's policies, and cart
actions said in words ("add the first one in size 38", "remove it").

Reads happen here; the cart writes go through shop.services (cart_add, cart_remove) on the shopper's own
session, called by assistant.services after the turn.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from importlib import import_module
from typing import Any

from django.conf import settings

IDENTITY = ("You're talking to Twinshop's AI shopping assistant, not a person. I can search the catalogue, "
            "answer questions about your cart and the shop's policies, and show products on licensed AI twins.")
DEFAULT_POLICY = ("Unworn items can be returned within 30 days of delivery for a full refund; exchanges for "
                  "another size are free.")


def session_for(session_key: str | None) -> MutableMapping[str, Any] | None:
    """The shopper's session (their cart lives there), or None for a turn without one (evaluation)."""
    if not session_key:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore(session_key=session_key)
    return store if store.exists(session_key) else None


def policy_text() -> str:
    """The return policy as merchandisers set it (setting SHOP_RETURN_POLICY); the shop has no editable
    policy page yet, so the reply says where the text comes from."""
    text = settings.SHOP_RETURN_POLICY or DEFAULT_POLICY
    return f"Our return policy: {text} (This is the shop's policy as configured; the checkout page shows it too.)"


def cart_text(session: MutableMapping[str, Any] | None) -> str:
    from shop.services.cart import cart_get

    if session is None:
        return "Your cart is empty."
    cart = cart_get(session=session)
    if cart.is_empty:
        return "Your cart is empty."
    items = "; ".join(
        f"{line.product.name}{'' if line.variant.size in ('', 'One Size') else f' (size {line.variant.size})'}"
        f"{f' x{line.quantity}' if line.quantity > 1 else ''}: {cart.currency} {line.line_total}"
        for line in cart.lines)
    n = cart.item_count
    return f"Your cart has {n} item{'s' if n != 1 else ''}: {items}. Total: {cart.currency} {cart.total}."


def answer_question(kind: str, *, session_key: str | None) -> str:
    if kind == "identity":
        return IDENTITY
    if kind == "policy":
        return policy_text()
    return cart_text(session_for(session_key))


def cart_add_words(*, session_key: str | None, catalog_id: int, size: str | None) -> str:
    """"Add the first one in size 38": the product goes into the shopper's cart (not a size filter)."""
    from shop.services.cart import CartError, cart_add

    from .selectors import has_real_sizes, products_by_catalog_ids

    session = session_for(session_key)
    products = products_by_catalog_ids([catalog_id])
    if session is None or not products:
        return "I can't reach your cart from here; use the Add button on the card."
    product = products[0]
    from shop.selectors import variants_of

    in_stock = [v.size for v in variants_of(product) if v.stock > 0]
    if size is None and has_real_sizes(product):
        return f"Which size of {product.name}? In stock: {', '.join(in_stock) or 'none'}."
    try:
        cart_add(session=session, product=product, size=size, quantity=1)
    except CartError as exc:
        return f"{exc.message} In stock: {', '.join(in_stock) or 'none'}."
    session.save()
    return f"Added {product.name}{f' (size {size})' if size else ''} to your cart."


def cart_remove_words(*, session_key: str | None, catalog_id: int | None) -> str:
    """"Remove it": the product last added (or the one referred to) leaves the cart."""
    from shop.services.cart import cart_get, cart_remove

    session = session_for(session_key)
    if session is None:
        return "Your cart is empty."
    lines = cart_get(session=session).lines
    match = [line for line in lines if catalog_id is None or line.product.catalog_id == catalog_id]
    if not match:
        return "That product is not in your cart."
    line = match[-1]
    cart_remove(session=session, variant_id=line.variant.pk)
    session.save()
    return f"Removed {line.product.name} from your cart."
