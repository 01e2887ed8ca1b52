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


# --- product cards (listings, the home page's rows, related products) ---------------------------------
# A card may show the product on a licensed AI twin instead of the plain picture. Licensing registers one
# provider that answers for a whole page of cards at once (one batch, so a listing's query count does not
# grow with its page size): provider(request=..., products=[...]) -> {catalog_id: card image}, where a card
# image has `url`, `twin_name` and `label` (the visible "AI twin of ... · licensed" line). Products it leaves
# out keep their plain illustration.


class ProductCardImages(Protocol):
    def __call__(self, *, request: HttpRequest, products: list[Any]) -> dict[int, Any]: ...


_card_providers: list[ProductCardImages] = []


def on_product_cards(provider: ProductCardImages) -> ProductCardImages:
    """Register `provider(request=..., products=[...]) -> {catalog_id: card image}`; twice is a no-op."""
    if provider not in _card_providers:
        _card_providers.append(provider)
    return provider


def with_card_images(*, request: HttpRequest, products: Any) -> list[Any]:
    """The products as a list, each with `card_twin` set: the card image a provider gave it, else None."""
    products = list(products)
    images: dict[int, Any] = {}
    for provider in _card_providers:
        if products:
            images.update(provider(request=request, products=products))
    for product in products:
        product.card_twin = images.get(product.catalog_id)
    return products
