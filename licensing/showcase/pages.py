"""What licensing adds to the shop's pages (registered in LicensingConfig.ready through shop.pages): the product
page's "See it on an AI twin" panel and the cards' twin images.

These are the transport side of it: they read the request (its country, its query, its session) and pass plain
values to the showcase selectors. A page saves a session only when it shows a twin image, whose URL is bound to
a session the server issued: a listing without one writes nothing.
"""
from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from licensing.selectors import twin_images_for_products
from licensing.transport import stored_visitor, viewer_territory

from .selectors import STOREFRONT, TwinImage, product_card_images, see_it_on_context


def see_it_on_panel(*, request: HttpRequest, product: Any) -> dict[str, Any]:
    twins = twin_images_for_products(products=[product], channel=STOREFRONT,
                                     territory=viewer_territory(request.META))[product.catalog_id]
    session_key, anonymous = stored_visitor(request) if twins else ("", True)
    return see_it_on_context(product=product, twins=twins, session_key=session_key, anonymous=anonymous,
                             twin=request.GET.get("twin", ""), pose=request.GET.get("pose", ""))


def card_images(*, request: HttpRequest, products: list[Any]) -> dict[int, TwinImage]:
    eligible = twin_images_for_products(products=products, channel=STOREFRONT,
                                        territory=viewer_territory(request.META))
    if not any(eligible.values()):
        return {}
    session_key, anonymous = stored_visitor(request)
    return product_card_images(products=products, eligible=eligible, session_key=session_key, anonymous=anonymous)
