"""What other apps add to the shop's own pages.

The product page shows a twin panel ("See it on an AI twin") that the licensing app owns. The shop must
not import licensing (layers point one way: licensing builds on the shop), so licensing registers a
context provider here from its AppConfig.ready(), the way the assistant registers for catalogue changes
(shop.services.hooks). With no provider registered the page simply has no panel.
"""
from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest


class ProductPageContext(Protocol):
    def __call__(self, *, request: HttpRequest, product: Any) -> dict[str, Any]: ...


_providers: list[ProductPageContext] = []


def on_product_page(provider: ProductPageContext) -> ProductPageContext:
    """Register `provider(request=..., product=...) -> dict` for the product page; twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def product_page_context(*, request: HttpRequest, product: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _providers:
        context.update(provider(request=request, product=product))
    return context
