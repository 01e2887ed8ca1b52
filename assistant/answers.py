"""Turns that are not product searches, answered in words: who the shopper is talking to, the cart, the shop's
policies. Reads only; the cart actions said in words ("add the first one in size 38", "remove it") are
assistant.services' (the same cart write as the card's button).
"""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from django.conf import settings

IDENTITY = ("You're talking to Twinshop's AI shopping assistant, not a person. I can search the catalogue, "
            "answer questions about your cart and the shop's policies, and show products on licensed AI twins.")
DEFAULT_POLICY = ("Unworn items can be returned within 30 days of delivery for a full refund; exchanges for "
                  "another size are free.")


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


def answer_question(kind: str, *, session: MutableMapping[str, Any] | None) -> str:
    """`session`: the shopper's session (their cart lives there), or None for a turn without one (evaluation)."""
    if kind == "identity":
        return IDENTITY
    if kind == "policy":
        return policy_text()
    return cart_text(session)
