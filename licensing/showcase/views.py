"""Serves twin images: token check, the render gate, then the labelled PNG (or the plain illustration)."""
from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.views.decorators.http import require_GET

from licensing.models import DigitalTwin
from licensing.rules import NEVER_ON_TWIN
from licensing.services import ConsentDenied
from licensing.transport import viewer_for_anonymous_session, viewer_for_request, viewer_territory
from shop.lookups import products_attach_lookups
from shop.models import Product
from shop.templatetags.shop_media import product_image_url

from .backends import BackendError
from .services import showcase_render
from .tokens import TokenInvalid, token_read

log = logging.getLogger(__name__)
NO_STORE = "private, no-store, max-age=0"
# What this route reads of a product: the renderer's and the gate's terms, and the fallback picture; its brand,
# colour and categories come from the process's lookup tables.
_PRODUCT_FIELDS = ("catalog_id", "name", "gender", "brand", "image", "updated_at", "article_type", "colour")


def _product(catalog_id: int) -> Product | None:
    products = Product.objects.only(*_PRODUCT_FIELDS).filter(catalog_id=catalog_id, is_published=True)
    return next(iter(products_attach_lookups(products[:1])), None)


def _no_store(response: HttpResponse) -> HttpResponse:
    # Never cached anywhere: a revocation must take effect on the very next request.
    response["Cache-Control"] = NO_STORE
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _fallback(product: Product, reason: str) -> HttpResponse:
    """A denied view gets the plain product picture (302), never a broken image."""
    response = HttpResponseRedirect(product_image_url(product))
    response["X-Showcase-Fallback"] = reason
    return _no_store(response)


@require_GET
def showcase_image(request: HttpRequest, token: str) -> HttpResponse:
    # The cookie's key; reading it doesn't load the session. URLs are minted only for keys the server issued
    # (licensing.transport.stored_session_key), so a token matching this key vouches for it: a made-up cookie
    # has no token that matches it.
    session_key = request.session.session_key
    try:
        claim = token_read(token, session_key=session_key)
    except TokenInvalid as exc:
        return _no_store(HttpResponseForbidden(f"This image link is not valid ({exc}).", content_type="text/plain"))
    product = _product(claim.catalog_id)
    if product is None:
        raise Http404("No such product.")
    # The twin is read (with its talent) by the gate, inside the licensing transaction; the view needn't.
    twin = DigitalTwin(pk=claim.twin_id)
    # A URL minted for an anonymous session is fetched with that same key (token_read checked), so it is still
    # anonymous: the gate is spared the session read (a cache round trip, ~0.4 ms of a ~4 ms view).
    viewer = (viewer_for_anonymous_session(request, session_key=session_key)
              if claim.anonymous and session_key is not None else viewer_for_request(request))
    try:
        image = showcase_render(twin=twin, product=product, viewer=viewer, channel=claim.channel,
                                pose=claim.pose, size=claim.size, territory=viewer_territory(request.META))
    except ConsentDenied as denied:
        # Not recordable: the product is never shown on a twin (the gate's slot rule), or the twin is gone.
        return _fallback(product, denied.reason if denied.recordable or denied.reason == NEVER_ON_TWIN else "no_twin")
    except BackendError:
        log.exception("renderer backend failed for twin %s product %s", twin.pk, product.catalog_id)
        return _fallback(product, "render_failed")
    response = HttpResponse(image.png, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="twin-{twin.pk}-{product.catalog_id}.png"'
    response["X-AI-Generated"] = "true"  # the label itself is drawn in the image and in its metadata
    return _no_store(response)
