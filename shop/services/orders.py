"""Checkout: turn the session cart into an order, atomically, without ever overselling.

Stock is taken with a conditional UPDATE (`stock >= q` -> `stock - q`), a compare-and-swap that cannot
go below zero even if two buyers race for the last item; the variant rows are also locked in id order
(select_for_update on PostgreSQL) so concurrent checkouts touching the same sizes can't deadlock.
Any refusal rolls the whole transaction back: no order, no lines, no stock taken, cart unchanged.
"""
from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shop.models import Order, OrderLine, OrderStatus, Variant
from shop.services.cart import CartError, _raw, cart_clear

ORDERS_SESSION_KEY = "orders"  # order numbers placed from this session (who may see the confirmation)
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to read out on the phone


class OrderError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def order_number_new() -> str:
    """TS-YYMMDD-XXXXX: sortable by day, 32^5 (33 million) codes per day, unguessable enough for a URL
    that is also protected by session/user ownership."""
    return f"TS-{timezone.now():%y%m%d}-{''.join(secrets.choice(_ALPHABET) for _ in range(5))}"


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True)
class ShippingAddress:
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""

    def as_text(self) -> str:
        """As printed on a parcel: one line each, postcode before the city."""
        lines = [self.line1, self.line2, f"{self.postcode} {self.city}".strip(), self.country]
        return "\n".join(line for line in lines if line)

    def as_fields(self) -> dict[str, str]:
        return {"address_line1": self.line1, "address_line2": self.line2, "city": self.city,
                "postcode": self.postcode, "country": self.country}


def order_place(
    *,
    session: MutableMapping[str, Any],
    user: Any = None,
    full_name: str,
    email: str,
    address: str = "",
    shipping: ShippingAddress | None = None,
) -> Order:
    """Place the session's cart as an order. The address is `shipping` field by field (checkout), or a
    free text `address` (older callers)."""
    if shipping is not None:
        address = shipping.as_text()
    if not address.strip():
        raise OrderError("A delivery address is needed.")
    cart = _raw(session)
    if not cart:
        raise OrderError("Your cart is empty.")
    wanted = {int(k): line["quantity"] for k, line in cart.items()}
    limit = settings.SHOP_MAX_LINE_QUANTITY
    if any(not 1 <= q <= limit for q in wanted.values()):
        raise OrderError(f"Each line must have between 1 and {limit} items.")

    with transaction.atomic():
        variants = list(
            Variant.objects.select_for_update(of=("self",))
            .filter(pk__in=sorted(wanted))
            .select_related("product")
            .order_by("pk")
        )
        if len(variants) != len(wanted):
            raise OrderError("Some items in your cart are no longer available. Please review your cart.")
        currencies = {v.product.currency for v in variants}
        if len(currencies) != 1:
            raise OrderError("Items priced in different currencies can't be ordered together.")
        total = Decimal("0.00")
        lines: list[OrderLine] = []
        for v in variants:
            q = wanted[v.pk]
            if not v.product.is_published:
                raise OrderError(f"{v.product.name} is no longer available.")
            taken = Variant.objects.filter(pk=v.pk, stock__gte=q).update(stock=F("stock") - q)
            if taken != 1:
                left = Variant.objects.filter(pk=v.pk).values_list("stock", flat=True).first() or 0
                size = "" if v.size == Variant.ONE_SIZE else f" in size {v.size}"
                raise OrderError(f"Only {left} left of {v.product.name}{size}. Please update your cart.")
            line_total = (v.product.price * q).quantize(Decimal("0.01"))
            total += line_total
            lines.append(
                OrderLine(product=v.product, variant=v, product_name=v.product.name[:255], size=v.size,
                          unit_price=v.product.price, quantity=q, line_total=line_total)
            )
        order = _order_create(
            user=user if getattr(user, "is_authenticated", False) else None, full_name=full_name, email=email,
            address=address, total=total, currency=currencies.pop(), **(shipping.as_fields() if shipping else {}),
        )
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)

    cart_clear(session=session)
    placed = list(session.get(ORDERS_SESSION_KEY) or [])[-49:]
    session[ORDERS_SESSION_KEY] = [*placed, order.number]
    return order


def _order_create(**fields: Any) -> Order:
    for _ in range(8):
        try:
            with transaction.atomic():  # savepoint: a number collision must not poison the checkout
                return Order.objects.create(number=order_number_new(), status=OrderStatus.AWAITING_PAYMENT, **fields)
        except IntegrityError as exc:
            if "number" not in str(exc).lower() and "unique" not in str(exc).lower():
                raise
    raise OrderError("Could not allocate an order number; please try again.")


def order_set_status(*, order: Order, status: str) -> Order:
    """Move an order along its lifecycle; only the transitions in ALLOWED_TRANSITIONS are allowed.

    Cancelling puts the stock back (F() increment, same transaction)."""
    if status not in OrderStatus.values:
        raise OrderError(f"Unknown status “{status}”.")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if status not in ALLOWED_TRANSITIONS[locked.status]:
            raise OrderError(
                f"Order {locked.number} is {locked.get_status_display().lower()}; it can't become "
                f"{OrderStatus(status).label.lower()}."
            )
        updated = Order.objects.filter(pk=locked.pk, status=locked.status).update(status=status, updated_at=timezone.now())
        if updated != 1:
            raise OrderError(f"Order {locked.number} changed meanwhile; try again.")
        if status == OrderStatus.CANCELLED:
            for line in OrderLine.objects.filter(order=locked).order_by("variant_id"):
                Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
    locked.refresh_from_db()
    return locked


__all__ = ["CartError", "OrderError", "ShippingAddress", "order_place", "order_set_status", "order_number_new", "ALLOWED_TRANSITIONS"]
