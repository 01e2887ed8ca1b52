"""`{% product_image_url product %}`: the merchandiser's uploaded image if set, else the illustration."""
from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


def illustration_url(product) -> str:
    # The version parameter changes whenever the product does, so the response can be immutable.
    version = int(product.updated_at.timestamp()) if getattr(product, "updated_at", None) else 0
    return f"{reverse('shop:product_illustration', args=[product.catalog_id])}?v={version}"


@register.simple_tag
def product_image_url(product) -> str:
    image = getattr(product, "image", None)
    if image:
        return image.url
    return illustration_url(product)
