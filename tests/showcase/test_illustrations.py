"""Product illustrations: every family draws, output is deterministic, the view caches properly."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.http import http_date

from drawing import ARTICLE_FAMILIES, FAMILIES, family_for
from shop.illustrations import _svg_for, illustration_svg
from tests.factories import ArticleTypeFactory, ColourFactory, ProductFactory

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("article_type", sorted(ARTICLE_FAMILIES))
def test_every_catalogue_article_type_draws_valid_svg(article_type: str) -> None:
    svg = illustration_svg(article_type=article_type, colour_hex="#1f5fbf", colour_name="Blue")

    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    drawn = [el for el in root.iter() if el.tag in {f"{SVG_NS}polygon", f"{SVG_NS}ellipse", f"{SVG_NS}polyline"}]
    assert len(drawn) >= 2  # background shadow + at least one garment shape


def test_article_types_map_to_their_family() -> None:
    assert family_for("Tshirts").key == "tshirt"
    assert family_for("Heels").key == "heel"
    assert family_for("Sunglasses").slot == "eyewear"
    # unknown names fall back by category, then to the generic product drawing
    assert family_for("Space Boots", "Shoes", "Footwear").key == "sneaker"
    assert family_for("Mystery", "", "").key == "generic"


def test_same_input_same_bytes_and_colour_changes_drawing() -> None:
    a = illustration_svg(article_type="Dresses", colour_hex="#aa3355", colour_name="Red")
    b = illustration_svg(article_type="Dresses", colour_hex="#aa3355", colour_name="Red")
    c = illustration_svg(article_type="Dresses", colour_hex="#33aa55", colour_name="Green")

    assert a == b
    assert a != c
    assert b"#aa3355" in a


def test_multi_colour_is_painted_with_a_pattern() -> None:
    svg = illustration_svg(article_type="Tshirts", colour_hex="#9aa0a6", colour_name="Multi")

    assert b'<pattern id="multi"' in svg
    assert b'fill="url(#multi)"' in svg


def test_bad_hex_falls_back_to_neutral() -> None:
    svg = illustration_svg(article_type="Tshirts", colour_hex="not-a-hex")

    assert b"#9aa0a6" in svg


def test_every_family_has_a_drawing() -> None:
    for key in FAMILIES:
        root = ET.fromstring(_svg_for(key, "#6b4f9e", key == "dress", key))
        assert root.find(f"{SVG_NS}title").text == key


@pytest.mark.django_db
def test_view_serves_svg_with_cache_validators(client) -> None:
    product = ProductFactory(article_type=ArticleTypeFactory(name="Jeans"), colour=ColourFactory(name="Navy Blue", hex="#1b2a4a"))
    url = reverse("shop:product_illustration", args=[product.catalog_id])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(int(product.updated_at.timestamp()))
    assert response["Cache-Control"].startswith("public, max-age=3600")
    assert b"#1b2a4a" in response.content


@pytest.mark.django_db
def test_versioned_url_is_immutable(client) -> None:
    product = ProductFactory()
    url = Template("{% load shop_media %}{% product_image_url p %}").render(Context({"p": product}))

    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.django_db
def test_conditional_get_returns_304(client) -> None:
    product = ProductFactory()
    url = reverse("shop:product_illustration", args=[product.catalog_id])
    first = client.get(url)

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_date.status_code == 304


@pytest.mark.django_db
def test_unknown_or_unpublished_product_is_404(client) -> None:
    hidden = ProductFactory(is_published=False)

    assert client.get(reverse("shop:product_illustration", args=[123456789])).status_code == 404
    assert client.get(reverse("shop:product_illustration", args=[hidden.catalog_id])).status_code == 404
    assert client.get("/products/99999999999999999999/illustration.svg").status_code == 404
    assert client.post(reverse("shop:product_illustration", args=[hidden.catalog_id])).status_code == 405


@pytest.mark.django_db
def test_template_tag_prefers_uploaded_image() -> None:
    product = ProductFactory()
    product.image.name = "products/2026/11/photo.jpg"

    url = Template("{% load shop_media %}{% product_image_url p %}").render(Context({"p": product}))

    assert url == "/media/products/2026/11/photo.jpg"
