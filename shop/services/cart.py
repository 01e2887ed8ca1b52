"""The cart lives in the session, so it needs no table and works for anonymous shoppers.

Shape (JSON-serialisable, read by shop.context_processors.cart_summary and the assistant):

    session["cart"] = {"<variant id>": {"quantity": <int>}, ...}

Every write goes through these services, which enforce the rules: the size must be chosen where the
product has sizes, quantities are whole numbers from 1 to SHOP_MAX_LINE_QUANTITY, and a line never asks
for more than the size has in stock (checked again, under lock, at checkout).
"""
from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from shop.models import Product, Variant

CART_KEY = "cart"


class CartError(Exception):
    """A cart operation was refused; `message` is safe to show the shopper."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CartLine:
    variant: Variant
    product: Product
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return self.product.price

    @property
    def line_total(self) -> Decimal:
        return self.product.price * self.quantity

    @property
    def exceeds_stock(self) -> bool:
        return self.quantity > self.variant.stock


@dataclass(frozen=True)
class Cart:
    lines: list[CartLine]
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines


def _coerce_quantity(quantity: Any, *, allow_zero: bool = False) -> int:
    limit = settings.SHOP_MAX_LINE_QUANTITY
    if isinstance(quantity, bool):
        raise CartError("Quantity must be a whole number.")
    try:
        if isinstance(quantity, str):
            quantity = quantity.strip()
            if len(quantity) > 12:
                if quantity.isascii() and quantity.isdigit():  # an absurdly large but well-formed number ("²" is a digit too)
                    raise CartError(f"You can order at most {limit} of one item.")
                raise ValueError
        q = int(quantity)
        if isinstance(quantity, float) and quantity != q:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise CartError("Quantity must be a whole number.") from None
    low = 0 if allow_zero else 1
    if q < low:
        raise CartError("Quantity must be at least 1." if not allow_zero else "Quantity cannot be negative.")
    if q > limit:
        raise CartError(f"You can order at most {limit} of one item.")
    return q


def _raw(session: MutableMapping[str, Any]) -> dict[str, dict[str, int]]:
    cart = session.get(CART_KEY)
    if not isinstance(cart, dict):
        return {}
    clean: dict[str, dict[str, int]] = {}
    for key, line in cart.items():
        try:
            q = int(line.get("quantity", 0)) if isinstance(line, dict) else 0
            int(key)
        except (TypeError, ValueError):
            continue
        if q > 0:
            clean[str(key)] = {"quantity": q}
    return clean


def _save(session: MutableMapping[str, Any], cart: dict[str, dict[str, int]]) -> None:
    session[CART_KEY] = cart
    if hasattr(session, "modified"):
        session.modified = True


def _variant_for(product: Product, size: str | None) -> Variant:
    variants = list(product.variants.all())
    if not variants:
        raise CartError(f"{product.name} is not available to order.")
    size = (size or "").strip()
    if not size:
        if len(variants) == 1 and variants[0].size == Variant.ONE_SIZE:
            return variants[0]
        raise CartError("Please choose a size.")
    for v in variants:
        if v.size == size:
            return v
    raise CartError(f"{product.name} does not come in size “{size[:20]}”.")


def _check_stock(variant: Variant, quantity: int, product: Product) -> None:
    if variant.stock <= 0:
        size = "" if variant.size == Variant.ONE_SIZE else f" in size {variant.size}"
        raise CartError(f"{product.name} is out of stock{size}.")
    if quantity > variant.stock:
        size = "" if variant.size == Variant.ONE_SIZE else f" in size {variant.size}"
        raise CartError(f"Only {variant.stock} left of {product.name}{size}.")


def cart_add(*, session: MutableMapping[str, Any], product: Product, size: str | None, quantity: Any = 1) -> CartLine:
    """Add `quantity` of `product` in `size` to the cart; returns the resulting line."""
    q = _coerce_quantity(quantity)
    if not product.is_published:
        raise CartError(f"{product.name} is not available.")
    variant = _variant_for(product, size)
    cart = _raw(session)
    key = str(variant.pk)
    new_q = cart.get(key, {}).get("quantity", 0) + q
    if new_q > settings.SHOP_MAX_LINE_QUANTITY:
        raise CartError(f"You can order at most {settings.SHOP_MAX_LINE_QUANTITY} of one item.")
    _check_stock(variant, new_q, product)
    cart[key] = {"quantity": new_q}
    _save(session, cart)
    return CartLine(variant=variant, product=product, quantity=new_q)


def _variant_by_id(variant_id: Any) -> Variant:
    try:
        vid = int(str(variant_id).strip()[:19])
    except (TypeError, ValueError):
        raise CartError("That item is not in your cart.") from None
    variant = Variant.objects.select_related("product").filter(pk=vid).first() if vid > 0 else None
    if variant is None:
        raise CartError("That item is not in your cart.")
    return variant


def cart_update(*, session: MutableMapping[str, Any], variant_id: Any, quantity: Any) -> CartLine | None:
    """Set a line's quantity; 0 removes it. Returns the line, or None when removed."""
    q = _coerce_quantity(quantity, allow_zero=True)
    cart = _raw(session)
    variant = _variant_by_id(variant_id)
    key = str(variant.pk)
    if key not in cart:
        raise CartError("That item is not in your cart.")
    if q == 0:
        del cart[key]
        _save(session, cart)
        return None
    _check_stock(variant, q, variant.product)
    cart[key] = {"quantity": q}
    _save(session, cart)
    return CartLine(variant=variant, product=variant.product, quantity=q)


def cart_remove(*, session: MutableMapping[str, Any], variant_id: Any) -> None:
    cart = _raw(session)
    key = str(variant_id).strip()
    if key not in cart:
        raise CartError("That item is not in your cart.")
    del cart[key]
    _save(session, cart)


def cart_clear(*, session: MutableMapping[str, Any]) -> None:
    _save(session, {})


def cart_get(*, session: MutableMapping[str, Any]) -> Cart:
    """The cart with its variants and products (one query). Lines whose variant vanished are dropped."""
    raw = _raw(session)
    ids = [int(k) for k in raw]
    variants = {
        v.pk: v
        for v in Variant.objects.filter(pk__in=ids, product__is_published=True)
        .select_related("product__brand", "product__colour", "product__article_type")
    } if ids else {}
    lines = [
        CartLine(variant=variants[int(k)], product=variants[int(k)].product, quantity=line["quantity"])
        for k, line in raw.items()
        if int(k) in variants
    ]
    lines.sort(key=lambda line: line.variant.pk)
    if len(lines) != len(raw):
        _save(session, {str(line.variant.pk): {"quantity": line.quantity} for line in lines})
    return Cart(lines=lines, currency=settings.SHOP_CURRENCY)
