"""About / Privacy / Returns / Contact pages, the favicon, and cart thumbnails."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from shop.models import InfoPage

pytestmark = pytest.mark.django_db


def test_the_footer_links_the_four_shop_pages_and_each_answers(client: Client):
    # given the pages the migration creates
    body = client.get("/").content.decode()
    links = re.findall(r'<a href="(/pages/[a-z-]+/)">([^<]+)</a>', body)
    # then the footer links each, and each page renders its text
    assert links == [("/pages/about/", "About Twinshop"), ("/pages/privacy/", "Privacy"),
                     ("/pages/returns/", "Returns"), ("/pages/contact/", "Contact")]
    for url, title in links:
        r = client.get(url)
        assert r.status_code == 200 and f"<h1>{title}</h1>" in r.content.decode()
    assert "We do not sell your data" in client.get("/pages/privacy/").content.decode()
    assert client.get("/pages/nope/").status_code == 404


def test_a_merchandiser_edits_a_page_in_the_admin_and_markup_stays_text(admin_client: Client, client: Client,
                                                                       django_capture_on_commit_callbacks):
    page = InfoPage.objects.get(slug="returns")
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post(f"/admin/shop/infopage/{page.pk}/change/", {
            "slug": "returns", "title": "Returns and refunds", "footer_position": "3",
            "body": "Sixty days.\n\n<script>alert(1)</script>"})
    assert r.status_code == 302
    body = client.get("/pages/returns/").content.decode()
    assert "<p>Sixty days.</p>" in body and "&lt;script&gt;" in body and "<script>alert" not in body
    assert '<a href="/pages/returns/">Returns and refunds</a>' in client.get("/").content.decode()


def test_every_page_names_an_icon_and_favicon_ico_answers(client: Client):
    body = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/favicon.svg"


def test_cart_lines_show_a_thumbnail(client: Client, small_catalogue):
    client.post("/products/105/add-to-cart/", {"quantity": "1"})
    body = client.get("/cart/").content.decode()
    assert re.search(r'<a href="/products/105/" class="cart-thumb"[^>]*><img src="/products/105/illustration.svg\?v=\d+" '
                     r'alt="" width="60" height="80"', body)
