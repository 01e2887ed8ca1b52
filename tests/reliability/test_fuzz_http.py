"""Hostile input on every HTTP surface: URL parameters, path segments, every form, the admin upload.

Each example must get a deliberate answer (200/302/400/403/404, never a 500: the test client re-raises
server errors), must not echo markup unescaped, and a rejected write must leave every row count as it was.
"""
from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as dj_settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from licensing.models import ConsentEvent, ConsentGrant, GrantStatus, RoyaltyEvent
from shop.models import ImportRun, Order, OrderLine, Product, Variant
from tests.reliability.conftest import World
from tests.reliability.counting import tally
from tests.reliability.strategies import FUZZ, FUZZ_LARGE, FUZZ_SMALL, NASTY_STRINGS, hostile_text

pytestmark = pytest.mark.django_db

LISTING_PARAMS = ["q", "gender", "category", "article_type", "colour", "usage", "min_price", "max_price", "size",
                  "sort", "page", "twin", "pose", "month"]
MARKUP = ("<script", "<img", "onerror=")


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Order, OrderLine, Product, Variant, ConsentGrant, ConsentEvent,
                                                    RoyaltyEvent, ImportRun)}


def stock() -> dict[int, int]:
    return dict(Variant.objects.values_list("pk", "stock"))


def no_raw_markup(response: Any, values: list[str]) -> None:
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        for v in values:
            for m in MARKUP:
                if m in v:
                    assert v not in body, f"unescaped {v!r} in the page"


@FUZZ_LARGE
@given(params=st.dictionaries(st.sampled_from(LISTING_PARAMS), hostile_text, max_size=8))
def test_listing_parameters(world: World, params: dict[str, str]) -> None:
    tally("fuzz:http listing params")
    response = Client().get("/products/", params)
    assert response.status_code == 200
    no_raw_markup(response, list(params.values()))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(LISTING_PARAMS), hostile_text, max_size=4), which=st.booleans())
def test_product_page_parameters(world: World, params: dict[str, str], which: bool) -> None:
    tally("fuzz:http product page params")
    before = RoyaltyEvent.objects.count()
    product = world.product if which else world.plain_product
    response = Client().get(f"/products/{product.catalog_id}/", params)
    assert response.status_code == 200
    no_raw_markup(response, list(params.values()))
    assert RoyaltyEvent.objects.count() == before  # a page view mints image URLs; it never bills


# Cookie values a client may send: printable, no separators the cookie parser would split on.
_COOKIE_TEXT = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=';,"\\ '),
                       min_size=0, max_size=60)


@FUZZ
@given(cookie=_COOKIE_TEXT)
def test_forged_session_cookies_never_bill(world: World, cookie: str) -> None:
    # A made-up sessionid on the product page, kept for the image fetch (issue 20, item 2)
    tally("fuzz:http forged session cookie")
    before = RoyaltyEvent.objects.filter(billable=True).count()
    client = Client()
    client.cookies["sessionid"] = cookie
    page = client.get(f"/products/{world.product.catalog_id}/")
    assert page.status_code == 200
    urls = [u for u in page.content.decode().split('"') if u.startswith("/showcase/") and u.endswith(".png")]
    assert urls, "the page offers a twin image"
    client.cookies["sessionid"] = cookie
    for url in urls[:1]:
        assert client.get(url).status_code == 403  # bound to the session the server issued, not the forged one
    assert RoyaltyEvent.objects.filter(billable=True).count() == before


@FUZZ
@given(segment=st.one_of(hostile_text, st.integers(min_value=-(10**25), max_value=10**25).map(str)),
       kind=st.sampled_from(["/products/{}/", "/products/{}/illustration.svg", "/orders/{}/", "/showcase/{}.png",
                             "/talent/consents/{}/", "/talent/consents/{}/sign/", "/agency/talents/{}/",
                             "/talent/statements/{}/"]),
       role=st.sampled_from(["anonymous", "talent_a", "agency_x"]))
def test_path_segments(world: World, segment: str, kind: str, role: str) -> None:
    tally("fuzz:http path segments")
    url = kind.format(quote(segment, safe=""))
    response = world.client(role).get(url)
    assert response.status_code in (200, 302, 400, 403, 404), url


@FUZZ
@given(size=hostile_text, quantity=st.one_of(hostile_text, st.integers(-(10**20), 10**20).map(str)),
       nxt=st.one_of(st.none(), st.sampled_from(["https://evil.example/", "//evil.example", "/cart/", "javascript:x"])))
def test_cart_add_form(world: World, size: str, quantity: str, nxt: str | None) -> None:
    tally("fuzz:http cart add")
    client = Client()
    data = {"size": size, "quantity": quantity}
    if nxt is not None:
        data["next"] = nxt
    response = client.post(f"/products/{world.product.catalog_id}/add-to-cart/", data)
    assert response.status_code == 302
    assert not response.url.startswith(("http", "//", "javascript")), response.url  # no open redirect
    cart = client.session.get("cart") or {}
    variant = world.product.variants.get()
    for line in cart.values():
        assert 1 <= line["quantity"] <= min(dj_settings.SHOP_MAX_LINE_QUANTITY, variant.stock)


@FUZZ
@given(variant_id=st.one_of(hostile_text, st.integers(-(10**20), 10**20).map(str)),
       quantity=st.one_of(hostile_text, st.integers(-(10**20), 10**20).map(str)), remove=st.booleans())
def test_cart_update_form(world: World, variant_id: str, quantity: str, remove: bool) -> None:
    tally("fuzz:http cart update/remove")
    client = Client()
    client.post(f"/products/{world.product.catalog_id}/add-to-cart/", {"size": "M", "quantity": "2"})
    data = {"variant_id": variant_id, "quantity": quantity}
    if remove:
        data["remove"] = "1"
    response = client.post("/cart/update/", data)
    assert response.status_code == 302
    variant = world.product.variants.get()
    cart = client.session.get("cart") or {}
    assert set(cart) <= {str(variant.pk)}
    for line in cart.values():
        assert 1 <= line["quantity"] <= min(dj_settings.SHOP_MAX_LINE_QUANTITY, variant.stock)


@FUZZ
@given(full_name=hostile_text, email=st.one_of(hostile_text, st.emails()), address=hostile_text)
def test_checkout_form(world: World, full_name: str, email: str, address: str) -> None:
    tally("fuzz:http checkout")
    client = Client()
    assert client.post(f"/products/{world.product.catalog_id}/add-to-cart/", {"size": "M"}).status_code == 302
    before, stock_before = counts(), stock()
    response = client.post("/checkout/", {"full_name": full_name, "email": email, "address_line1": address,
                                          "city": address, "postcode": address[:20], "country": address})
    assert response.status_code in (302, 400)
    after = counts()
    variant = world.product.variants.get()
    if response.status_code == 400 or not response.url.startswith("/orders/"):
        assert after == before and stock() == stock_before  # rejected: nothing written, nothing reserved
        no_raw_markup(response, [full_name, email, address])
    else:
        assert after["Order"] == before["Order"] + 1 and after["OrderLine"] == before["OrderLine"] + 1
        assert variant.stock == stock_before[variant.pk] - 1
        order = Order.objects.order_by("-pk").first()
        assert order.total == world.product.price and "\x00" not in order.full_name + order.address
        Variant.objects.filter(pk=variant.pk).update(stock=50)


@FUZZ
@given(typed_name=st.one_of(hostile_text, st.just("Amara Okafor")),
       sha=st.one_of(hostile_text, st.just("GOOD")), agree=st.one_of(st.none(), hostile_text))
def test_consent_sign_form(world: World, typed_name: str, sha: str, agree: str | None) -> None:
    tally("fuzz:http consent sign")
    grant = world.proposed_a
    if ConsentGrant.objects.get(pk=grant.pk).status != GrantStatus.PROPOSED:
        return
    before = counts()
    data = {"typed_name": typed_name, "terms_sha256": grant.terms_sha256 if sha == "GOOD" else sha}
    if agree is not None:
        data["agree"] = agree
    response = world.client("talent_a").post(f"/talent/consents/{grant.pk}/sign/", data)
    assert response.status_code in (302, 400)
    status = ConsentGrant.objects.get(pk=grant.pk).status
    if response.status_code == 400:
        assert status == GrantStatus.PROPOSED and counts() == before
        no_raw_markup(response, [typed_name, sha])
    else:
        assert status == GrantStatus.SIGNED and counts()["ConsentEvent"] == before["ConsentEvent"] + 1


PROPOSAL_FIELDS = ["twin", "brand", "agency", "purpose", "channels", "allowed_master_categories", "exclude_innerwear",
                   "excluded_article_types", "territories", "valid_from", "valid_until", "rate_per_view", "currency",
                   "view_cap"]


@FUZZ
@given(overrides=st.dictionaries(st.sampled_from(PROPOSAL_FIELDS),
                                 st.one_of(hostile_text, st.lists(hostile_text, max_size=3)), max_size=5),
       role=st.sampled_from(["agency_x", "agency_y", "merchandiser"]))
def test_consent_propose_form(world: World, overrides: dict[str, Any], role: str) -> None:
    tally("fuzz:http consent propose")
    data: dict[str, Any] = {
        "twin": str(world.grant_a.twin_id), "brand": str(world.product.brand_id), "agency": "",
        "purpose": "Show the twin wearing Acme dresses on Twinshop product pages only.",
        "channels": ["storefront"], "territories": "US", "valid_from": "2030-01-01", "valid_until": "2031-01-01",
        "rate_per_view": "0.0200", "currency": "USD",
    }
    if role != "merchandiser":
        data["agency"] = str((world.agency_x if role == "agency_x" else world.agency_y).pk)
    data.update(overrides)
    before = counts()
    response = world.client(role).post("/consents/propose/", data)
    assert response.status_code in (302, 400)
    after = counts()
    if response.status_code == 400:
        assert after == before
        no_raw_markup(response, [v for v in overrides.values() if isinstance(v, str)])
    else:
        grant = ConsentGrant.objects.order_by("-pk").first()
        assert after["ConsentGrant"] == before["ConsentGrant"] + 1 and grant.status == GrantStatus.PROPOSED
        assert role != "agency_y"  # Y does not represent talent A: it can never propose for her twin
        assert grant.rate_per_view > Decimal("0") and grant.valid_until > grant.valid_from


@FUZZ_SMALL
@given(month=hostile_text, year=st.integers(-(10**12), 10**12), mon=st.integers(-(10**12), 10**12))
def test_talent_csv_and_statement_params(world: World, month: str, year: int, mon: int) -> None:
    tally("fuzz:http earnings.csv month / statement path")
    client = world.client("talent_a")
    response = client.get("/talent/earnings.csv", {"month": month})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        body = b"".join(response.streaming_content).decode()
        assert body.startswith("at_utc,")
    assert client.get(f"/talent/statements/{year}-{mon}/").status_code in (200, 404)


@FUZZ_SMALL
@given(payload=st.one_of(st.binary(max_size=3000), hostile_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
                         st.sampled_from([b"", b"\xff\xfe\x00\x00", b"\x1f\x8b\x08\x00garbage", b"id,name\n1,\x00\n",
                                          "id;name\n1;é".encode("latin-1")])),
       name=st.sampled_from(["cat.csv", "cat.csv.gz", "cat.txt", "cat.exe", "../../etc/passwd.csv", "c\x00.csv"]))
def test_admin_import_upload(world: World, payload: bytes, name: str) -> None:
    tally("fuzz:http admin import upload")
    client = world.client("merchandiser")
    before = counts()
    upload = io.BytesIO(payload)
    upload.name = name
    response = client.post("/admin/shop/product/import/", {"file": upload})
    assert response.status_code in (200, 302, 400)
    assert {k: v for k, v in counts().items() if k != "ImportRun"} == {k: v for k, v in before.items() if k != "ImportRun"}
    confirm = client.post("/admin/shop/product/import/", {"confirm": "1", "token": quote(name)})
    assert confirm.status_code == 302
    assert counts()["Product"] == before["Product"]


@pytest.mark.parametrize("value", NASTY_STRINGS)
def test_every_nasty_string_in_every_listing_param_at_once(world: World, value: str) -> None:
    tally("fuzz:http listing all params, nasty list")
    response = Client().get("/products/", {p: value for p in LISTING_PARAMS})
    assert response.status_code == 200
    no_raw_markup(response, [value])


@FUZZ_SMALL
@given(value=st.one_of(hostile_text, st.integers(-(10**20), 10**20).map(str), st.sampled_from(["OTHER", "SELF"])),
       form=st.sampled_from(["twin", "talent"]), role=st.sampled_from(["merchandiser", "superuser"]))
def test_admin_twin_and_talent_forms_never_change_identity(world: World, value: str, form: str, role: str) -> None:
    """Whatever is posted as a twin's talent or a talent's user, the change form leaves it as it was."""
    from django.contrib.auth.models import Permission

    from licensing.models import DigitalTwin, Talent
    from tests.reliability.admin_forms import change_form_data

    tally("fuzz:http admin twin/talent identity")
    world.users["merchandiser"].user_permissions.add(*Permission.objects.filter(
        content_type__app_label="licensing", codename__in=["change_digitaltwin", "change_talent"]))
    client = world.client(role)
    twin_id, field = world.grant_a.twin_id, ("talent" if form == "twin" else "user")
    url = (f"/admin/licensing/digitaltwin/{twin_id}/change/" if form == "twin"
           else f"/admin/licensing/talent/{world.talent_a.pk}/change/")
    page = client.get(url)
    if page.status_code != 200:  # a merchandiser without superuser rights may not see talent rows at all
        assert page.status_code in (302, 403)
        return
    other = {"OTHER": world.talent_b.pk if form == "twin" else world.users["talent_b"].pk,
             "SELF": world.users[role].pk}
    before = (DigitalTwin.objects.get(pk=twin_id).talent_id, Talent.objects.get(pk=world.talent_a.pk).user_id)
    ledger = counts()

    response = client.post(url, {**change_form_data(page), field: str(other.get(value, value))})

    assert response.status_code in (200, 302)
    assert (DigitalTwin.objects.get(pk=twin_id).talent_id, Talent.objects.get(pk=world.talent_a.pk).user_id) == before
    assert counts() == ledger
