from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_product_page_shows_sizes_stock_and_related(client: Client, small_catalogue, django_assert_max_num_queries):
    # +1 since the related cards may show twins (shop.pages.with_card_images): their batch reads the coverage token
    with django_assert_max_num_queries(7):
        r = client.get("/products/101/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Nike Men Blue Tee" in body and "USD 19.99" in body.replace("</span> <span itemprop=\"price\" content=\"19.99\">", " ")
    assert [(v.size, v.stock) for v in r.context["variants"]] == [("S", 2), ("M", 0), ("L", 5)]
    assert r.context["stock_total"] == 7 and r.context["has_sizes"] is True
    assert 'value="M" required disabled' in body  # out-of-stock size can't be picked
    assert [p.catalog_id for p in r.context["related"]] == [105, 106, 102]  # same gender or unisex, then same colour
    assert "{% block twin_showcase %}" not in body and 'class="twin-showcase"' in body


def test_one_size_product_has_no_size_picker(client: Client, small_catalogue):
    r = client.get("/products/105/")
    assert r.context["has_sizes"] is False
    assert 'name="size"' not in r.content.decode()


@pytest.mark.parametrize("url", ["/products/999/", "/products/0/", "/products/99999999999999999999/", "/products/abc/", "/products/-1/"])
def test_unknown_products_are_404(client: Client, small_catalogue, url):
    assert client.get(url).status_code == 404


def test_hidden_product_is_404(client: Client, small_catalogue):
    p = small_catalogue["blue_tee"]
    p.is_published = False
    p.save()
    assert client.get("/products/101/").status_code == 404
