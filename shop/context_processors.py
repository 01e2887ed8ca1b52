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


def footer_pages(request: HttpRequest) -> dict[str, object]:
    """The footer's About / Privacy / Returns / Contact links, read lazily (only a page with a footer
    queries) and cached with the catalogue aggregates."""
    from django.utils.functional import SimpleLazyObject

    from shop.caching import cached
    from shop.models import InfoPage

    def load() -> list[tuple[str, str]]:
        return cached("footer-pages", (), lambda: [
            (p.title, p.get_absolute_url()) for p in InfoPage.objects.filter(footer_position__gt=0)])

    return {"footer_pages": SimpleLazyObject(load)}
