"""Serves product illustrations with validators, so browsers and proxies revalidate cheaply."""
from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from shop.illustrations import product_illustration_svg
from shop.models import Product

VERSIONED_MAX_AGE = 365 * 24 * 3600
UNVERSIONED_MAX_AGE = 3600


@require_safe
def product_illustration(request: HttpRequest, catalog_id: int) -> HttpResponse:
    product = (
        Product.objects.select_related("article_type__sub_category__master", "colour")
        .filter(catalog_id=catalog_id)
        .first()
    )
    if product is None or not (product.is_published or request.user.is_staff):
        raise Http404("No such product.")
    svg = product_illustration_svg(product)
    etag = '"' + hashlib.sha256(svg).hexdigest()[:24] + '"'
    last_modified = int(product.updated_at.timestamp())
    version = request.GET.get("v", "")
    # A URL carrying the product's current version never changes meaning: cache it for a year.
    if version == str(last_modified):
        cache_control = f"public, max-age={VERSIONED_MAX_AGE}, immutable"
    else:
        cache_control = f"public, max-age={UNVERSIONED_MAX_AGE}, stale-while-revalidate=86400"
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified if not_modified is not None else HttpResponse(svg, content_type="image/svg+xml")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    # The SVG is ours and static, but lock it down in case it is opened directly.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
