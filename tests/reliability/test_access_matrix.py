"""Access matrix: every public URL x every role, with the exact status each cell must answer.

Read the table row by row: a row is one URL (and method), a column one role of DESIGN.md. 302 on a
private page means "sent to a login page"; 404 (not 403) means "this is none of your business, and we
don't confirm it exists". Write cells (sign, revoke, propose) additionally assert what was (not) written.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from licensing.models import ConsentGrant, GrantStatus, RoyaltyEvent
from tests.factories import BrandFactory
from tests.reliability.admin_forms import change_form_data
from tests.reliability.conftest import ROLES, World
from tests.reliability.wsclient import WsClient

pytestmark = pytest.mark.django_db

A, S, M, TA, TB, AX, AY, SU = ROLES  # column order of every row below
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


def everyone(status: int) -> dict[str, int]:
    return row(*([status] * len(ROLES)))


def this_month() -> str:
    return f"{timezone.now():%Y-%m}"


#            anonymous shopper merch talentA talentB agencyX agencyY superuser
TALENT_ONLY = row(302, 404, 404, 200, 200, 404, 404, 404)
ONLY_A = row(302, 404, 404, 200, 404, 404, 404, 404)
ONLY_B = row(302, 404, 404, 404, 200, 404, 404, 404)
AGENCIES = row(302, 404, 404, 404, 404, 200, 200, 404)
ONLY_X = row(302, 404, 404, 404, 404, 200, 404, 404)
ONLY_Y = row(302, 404, 404, 404, 404, 404, 200, 404)
PROPOSERS = row(302, 404, 200, 404, 404, 200, 200, 200)
STAFF_ADMIN = row(302, 302, 200, 302, 302, 302, 302, 200)
SUPERUSER_ONLY_ADMIN = row(302, 302, 403, 302, 302, 302, 302, 200)
NOBODY_ADMIN = row(302, 302, 403, 302, 302, 302, 302, 403)  # read-only ledger: not even a superuser adds

UrlFn = Callable[[World], str]

GET_MATRIX: list[tuple[str, UrlFn, dict[str, int]]] = [
    # storefront
    ("home", lambda w: "/", everyone(200)),
    ("listing", lambda w: "/products/", everyone(200)),
    ("listing, all filters", lambda w: "/products/?q=dress&gender=Women&colour=red&min_price=1&max_price=99&size=M"
                                       "&sort=price&page=3", everyone(200)),
    ("product page", lambda w: f"/products/{w.product.catalog_id}/", everyone(200)),
    ("unknown product", lambda w: "/products/999999/", everyone(404)),
    ("product illustration", lambda w: f"/products/{w.product.catalog_id}/illustration.svg", everyone(200)),
    ("cart", lambda w: "/cart/", everyone(200)),
    ("checkout with an empty cart", lambda w: "/checkout/", everyone(302)),
    ("order confirmation", lambda w: f"/orders/{w.order_number}/", row(404, 200, 404, 404, 404, 404, 404, 404)),
    ("unknown order", lambda w: "/orders/NOPE-0000/", everyone(404)),
    ("assistant page", lambda w: "/assistant/", everyone(200)),
    ("showcase, forged token", lambda w: "/showcase/eyJ0IjoxfQ:forged:sig.png", everyone(403)),
    # talent pages
    ("talent dashboard", lambda w: "/talent/", TALENT_ONLY),
    ("talent earnings.csv", lambda w: "/talent/earnings.csv", TALENT_ONLY),
    ("talent earnings.csv, month", lambda w: f"/talent/earnings.csv?month={this_month()}", TALENT_ONLY),
    ("talent statement", lambda w: f"/talent/statements/{this_month()}/", TALENT_ONLY),
    ("talent consents", lambda w: "/talent/consents/", TALENT_ONLY),
    ("A's consent", lambda w: f"/talent/consents/{w.grant_a.pk}/", ONLY_A),
    ("B's consent", lambda w: f"/talent/consents/{w.grant_b.pk}/", ONLY_B),
    ("A's sign page (proposed)", lambda w: f"/talent/consents/{w.proposed_a.pk}/sign/", ONLY_A),
    ("A's revoke page", lambda w: f"/talent/consents/{w.grant_a.pk}/revoke/", ONLY_A),
    ("B's revoke page", lambda w: f"/talent/consents/{w.grant_b.pk}/revoke/", ONLY_B),
    # agency pages
    ("agency dashboard", lambda w: "/agency/", AGENCIES),
    ("agency: talent A", lambda w: f"/agency/talents/{w.talent_a.pk}/", ONLY_X),
    ("agency: talent B", lambda w: f"/agency/talents/{w.talent_b.pk}/", ONLY_Y),
    ("propose a consent", lambda w: "/consents/propose/", PROPOSERS),
    # admin
    ("admin index", lambda w: "/admin/", STAFF_ADMIN),
    ("admin products", lambda w: "/admin/shop/product/", STAFF_ADMIN),
    ("admin product change", lambda w: f"/admin/shop/product/{w.product.pk}/change/", STAFF_ADMIN),
    ("admin catalogue import", lambda w: "/admin/shop/product/import/", STAFF_ADMIN),
    ("admin orders", lambda w: "/admin/shop/order/", STAFF_ADMIN),
    ("admin royalty ledger", lambda w: "/admin/licensing/royaltyevent/", SUPERUSER_ONLY_ADMIN),
    ("admin consent grants", lambda w: "/admin/licensing/consentgrant/", SUPERUSER_ONLY_ADMIN),
    ("admin: add a consent grant", lambda w: "/admin/licensing/consentgrant/add/", NOBODY_ADMIN),
    ("admin: add a royalty row", lambda w: "/admin/licensing/royaltyevent/add/", NOBODY_ADMIN),
    ("admin users", lambda w: "/admin/auth/user/", SUPERUSER_ONLY_ADMIN),
    # probes
    ("healthz", lambda w: "/healthz", everyone(200)),
    ("readyz", lambda w: "/readyz", everyone(200)),
]

ADMIN_ROWS: list[tuple[str, UrlFn, dict[str, int]]] = [
    # twins and talent: a merchandiser given change_digitaltwin / change_talent (the demo's merchandiser group
    # has them) sees the forms; neither form offers whose likeness or whose login (tested below).
    ("admin twin change", lambda w: f"/admin/licensing/digitaltwin/{w.grant_a.twin_id}/change/", STAFF_ADMIN),
    ("admin talent change", lambda w: f"/admin/licensing/talent/{w.talent_a.pk}/change/", STAFF_ADMIN),
]
GET_MATRIX += ADMIN_ROWS


@pytest.fixture
def world(world: World) -> World:
    from django.contrib.auth.models import Permission

    world.users["merchandiser"].user_permissions.add(*Permission.objects.filter(
        content_type__app_label="licensing", codename__in=["view_digitaltwin", "change_digitaltwin",
                                                            "view_talent", "change_talent"]))
    return world


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(world: World, role: str) -> None:
    """One column of the table per test (the world is built once per role); every mismatch is reported."""
    client = world.client(role)
    wrong = []
    for label, url_fn, table in GET_MATRIX:
        url = url_fn(world)
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
        expected = table[role]
        got = response.status_code
        if got == 302 and expected == 302:
            target = "/admin/login/" if url.startswith("/admin") else "/accounts/login/"
            if not url.startswith("/checkout") and not response.url.startswith(target):
                wrong.append(f"{label} ({url}): redirected to {response.url}, expected {target}")
        elif got != expected:
            wrong.append(f"{label} ({url}): {got}, expected {expected}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


def test_a_talent_page_never_shows_the_other_talent(world: World) -> None:
    for role, own, other in (("talent_a", "Amara Okafor", "Bo Berg"), ("talent_b", "Bo Berg", "Amara Okafor")):
        client = world.client(role)
        for url in ("/talent/", "/talent/consents/", f"/talent/statements/{this_month()}/"):
            html = client.get(url).content.decode()
            assert own in html and other not in html, (role, url)
        csv_text = b"".join(client.get("/talent/earnings.csv").streaming_content).decode()
        twin_slug = "amara" if role == "talent_a" else "bo"
        assert len(csv_text.strip().splitlines()) == 2  # header + exactly this talent's one view
        assert f"{twin_slug}" in csv_text.lower() or own.split()[0] in csv_text


def test_an_agency_sees_only_its_roster(world: World) -> None:
    html_x = world.client("agency_x").get("/agency/").content.decode()
    html_y = world.client("agency_y").get("/agency/").content.decode()
    assert "Amara Okafor" in html_x and "Bo Berg" not in html_x
    assert "Bo Berg" in html_y and "Amara Okafor" not in html_y


# --- the showcase: a token works for the session it was minted for, and only that one ----------------


def _twin_image_url(client: Client, world: World) -> str:
    html = client.get(f"/products/{world.product.catalog_id}/", HTTP_USER_AGENT=BROWSER_UA).content.decode()
    match = re.search(r'src="(/showcase/[^"]+\.png)"', html)
    assert match, "the product page shows no twin image"
    return match.group(1)


@pytest.mark.parametrize("role", ROLES)
def test_showcase_token_is_bound_to_its_session(world: World, role: str) -> None:
    owner = world.client(role)
    url = _twin_image_url(owner, world)
    before = RoyaltyEvent.objects.count()

    own = owner.get(url, HTTP_USER_AGENT=BROWSER_UA)
    stolen = Client().get(url, HTTP_USER_AGENT=BROWSER_UA)  # another browser replays the URL

    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert stolen.status_code == 403
    assert RoyaltyEvent.objects.count() == before + 1  # the replay wrote nothing
    event = RoyaltyEvent.objects.select_related("twin__talent").order_by("-pk").first()
    # Staff and the talent themself are recorded but never billed.
    own_twin = world.users.get(role) is not None and event.twin.talent.user_id == world.users[role].pk
    assert event.billable is (role not in ("merchandiser", "superuser") and not own_twin)


# --- writes: sign, revoke, propose -----------------------------------------------------------------

#                 anonymous shopper merch talentA talentB agencyX agencyY superuser
REVOKE_A = row(302, 404, 404, 302, 404, 404, 404, 404)
SIGN_A = row(302, 404, 404, 302, 404, 404, 404, 404)
PROPOSE_FOR_A = row(302, 404, 302, 404, 404, 302, 400, 302)


@pytest.mark.parametrize(("role", "expected"), REVOKE_A.items())
def test_post_revoke_a(world: World, role: str, expected: int) -> None:
    response = world.client(role).post(f"/talent/consents/{world.grant_a.pk}/revoke/")
    assert response.status_code == expected
    status = ConsentGrant.objects.get(pk=world.grant_a.pk).status
    assert status == (GrantStatus.REVOKED if role == "talent_a" else GrantStatus.SIGNED)


@pytest.mark.parametrize(("role", "expected"), SIGN_A.items())
def test_post_sign_a(world: World, role: str, expected: int) -> None:
    grant = world.proposed_a
    response = world.client(role).post(f"/talent/consents/{grant.pk}/sign/", {
        "typed_name": "Amara Okafor", "terms_sha256": grant.terms_sha256, "agree": "on"})
    assert response.status_code == expected
    status = ConsentGrant.objects.get(pk=grant.pk).status
    assert status == (GrantStatus.SIGNED if role == "talent_a" else GrantStatus.PROPOSED)


def _proposal(world: World, role: str) -> dict[str, Any]:
    today = timezone.now().date()
    data: dict[str, Any] = {
        # a brand without a live consent for this twin (a second one for the same brand is refused)
        "twin": world.grant_a.twin_id, "brand": BrandFactory(name="Matrix Proposals").pk,
        "purpose": "Show the twin wearing Acme dresses on Twinshop product pages only.",
        "channels": ["storefront"], "territories": "US", "valid_from": today.isoformat(),
        "valid_until": date(today.year + 1, today.month, 1).isoformat(), "rate_per_view": "0.0200",
        "currency": "USD", "exclude_innerwear": "on",
    }
    if role in ("agency_x", "agency_y"):
        data["agency"] = (world.agency_x if role == "agency_x" else world.agency_y).pk
    return data


@pytest.mark.parametrize(("role", "expected"), PROPOSE_FOR_A.items())
def test_post_propose_for_talent_a(world: World, role: str, expected: int) -> None:
    before = ConsentGrant.objects.count()
    response = world.client(role).post("/consents/propose/", _proposal(world, role))
    assert response.status_code == expected
    created = ConsentGrant.objects.count() - before
    assert created == (1 if expected == 302 and role != "anonymous" else 0)
    if created:
        assert ConsentGrant.objects.order_by("-pk").first().status == GrantStatus.PROPOSED  # never in force


def test_forms_refuse_a_post_without_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["talent_a"])
    assert client.post(f"/talent/consents/{world.grant_a.pk}/revoke/").status_code == 403
    assert ConsentGrant.objects.get(pk=world.grant_a.pk).status == GrantStatus.SIGNED
    anon = Client(enforce_csrf_checks=True)
    assert anon.post(f"/products/{world.product.catalog_id}/add-to-cart/", {"size": "M"}).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_cart_add_and_update_work_for_every_role(world: World, role: str) -> None:
    client = world.client(role)
    added = client.post(f"/products/{world.product.catalog_id}/add-to-cart/", {"size": "M", "quantity": "2"})
    variant = world.product.variants.get()
    updated = client.post("/cart/update/", {"variant_id": str(variant.pk), "quantity": "3"})
    assert (added.status_code, updated.status_code) == (302, 302)
    assert client.session["cart"] == {str(variant.pk): {"quantity": 3}} or _cart_quantity(client) == 3


def _cart_quantity(client: Client) -> int:
    from shop.services import cart_get

    return sum(line.quantity for line in cart_get(session=client.session).lines)


# --- websocket actions -------------------------------------------------------------------------------


def _cookie_header(client: Client) -> bytes:
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _connect(app: Any, cookie: bytes | None, origin: bytes = b"http://testserver"):  # noqa: ANN202
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WsClient(app, "/ws/assistant/", headers=headers)


@pytest.fixture
def indexed_world(world: World, settings: Any, reliability_index_dir: Any) -> Iterator[World]:
    """The world's catalogue in the chat's index: a card's button acts only on a product the chat showed."""
    from assistant.retrieval import index as index_mod
    from assistant.retrieval.index import index_build

    settings.ASSISTANT_INDEX_DIR = reliability_index_dir
    settings.ASSISTANT_CHAT_MODEL = None
    index_mod._reset_snapshot()
    index_build(force=True)
    yield world
    index_mod._reset_snapshot()


async def _shown(comm: Any, product: Any) -> None:
    """The chat shows `product` (the world's red dress), as it would before its card's button is pressed."""
    await comm.send_json_to({"type": "message", "text": "red dress for women"})
    reply = await comm.receive_until(("reply", "error"), timeout=20)
    assert product.catalog_id in [p["id"] for p in reply[-1]["products"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_ws_add_to_cart_fills_that_roles_own_cart(indexed_world: World, ws_app: Any, role: str) -> None:
    from asgiref.sync import sync_to_async

    world = indexed_world
    client = await sync_to_async(world.client)(role)
    await sync_to_async(client.get)("/assistant/")  # the page that hosts the chat sets the session cookie
    comm = await _connect(ws_app, _cookie_header(client))
    connected, _ = await comm.connect()
    assert connected
    hello = await comm.receive_json_from(timeout=5)
    assert hello["type"] == "hello" and "AI" in hello["disclosure"]
    await _shown(comm, world.product)

    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": world.product.catalog_id,
                             "size": "M", "quantity": 1})
    reply = await comm.receive_json_from(timeout=10)
    await comm.disconnect()

    assert reply["type"] == "reply" and reply["cart"] == {"count": 1}
    cart_html = (await sync_to_async(client.get)("/cart/")).content.decode()
    assert world.product.name in cart_html  # the same session's HTTP cart holds it


@pytest.mark.django_db(transaction=True)
async def test_ws_anonymous_without_cookie_gets_its_own_session(indexed_world: World, ws_app: Any) -> None:
    world = indexed_world
    comm = await _connect(ws_app, None)
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from(timeout=5))["type"] == "hello"
    await _shown(comm, world.product)
    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": world.product.catalog_id,
                             "size": "M"})
    assert (await comm.receive_json_from(timeout=10))["cart"] == {"count": 1}
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_ws_foreign_origin_is_refused(world: World, settings: Any) -> None:
    from config.asgi import application

    app = application.application_mapping["websocket"]
    settings.ALLOWED_HOSTS = ["testserver", "shop.example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://shop.example"]
    for origin, accepted in ((b"https://evil.example", False), (b"http://testserver:9999", False),
                             (b"https://testserver", False), (b"http://shop.example", False),
                             (b"https://shop.example", True), (b"http://testserver", True)):
        comm = await _connect(app, None, origin=origin)
        connected, _ = await comm.connect()
        assert connected is accepted, origin
        if connected:
            await comm.disconnect()


# --- whose likeness, whose login: fixed at creation ----------------------------------------------------


@pytest.mark.parametrize("role", ["merchandiser", "superuser"])
def test_admin_twin_form_cannot_move_a_twin_to_another_talent(world: World, role: str) -> None:
    """Issue 20: saving Amara's twin with talent = Bo showed her likeness labelled as Bo, under her grant."""
    from licensing.models import DigitalTwin

    client = world.client(role)
    url = f"/admin/licensing/digitaltwin/{world.grant_a.twin_id}/change/"
    page = client.get(url)
    data = {**change_form_data(page), "talent": str(world.talent_b.pk), "name": "Renamed twin"}

    response = client.post(url, data)

    assert "talent" not in page.context["adminform"].form.fields  # shown read-only, never as an input
    assert response.status_code == 302, response.content.decode()[:2000]
    twin = DigitalTwin.objects.get(pk=world.grant_a.twin_id)
    assert (twin.talent_id, twin.name) == (world.talent_a.pk, "Renamed twin")  # the rest of the form still saves


def test_admin_talent_form_cannot_point_a_talent_at_another_login(world: World) -> None:
    """Issue 20's superuser variant: pointing Kenji's Talent.user at one's own account to sign as him."""
    from licensing.models import Talent

    client = world.client("superuser")
    url = f"/admin/licensing/talent/{world.talent_a.pk}/change/"
    page = client.get(url)
    data = {**change_form_data(page), "user": str(world.users["superuser"].pk), "pronouns": "she/her"}

    response = client.post(url, data)

    assert "user" not in page.context["adminform"].form.fields
    assert response.status_code == 302, response.content.decode()[:2000]
    talent = Talent.objects.get(pk=world.talent_a.pk)
    assert (talent.user_id, talent.pronouns) == (world.users["talent_a"].pk, "she/her")


def test_admin_add_forms_still_choose_the_talent_and_the_login(world: World) -> None:
    client = world.client("superuser")
    assert "talent" in client.get("/admin/licensing/digitaltwin/add/").context["adminform"].form.fields
    assert "user" in client.get("/admin/licensing/talent/add/").context["adminform"].form.fields
