from __future__ import annotations

from django.http import HttpRequest


def cart_summary(request: HttpRequest) -> dict[str, int]:
    """Item count for the header badge, read straight from the session (no query)."""
    cart = request.session.get("cart", {}) if hasattr(request, "session") else {}
    try:
        count = sum(int(line.get("quantity", 0)) for line in cart.values())
    except (AttributeError, TypeError, ValueError):
        count = 0
    return {"cart_item_count": count}
