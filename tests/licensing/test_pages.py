"""Talent and agency pages: who sees what, forms reject tampering, the CSV, the sign/revoke flows."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from licensing.models import ConsentGrant, GrantStatus
from licensing.services import Viewer, license_view
from tests.factories import (
    AgencyFactory,
    BrandFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    ProductFactory,
    RepresentationFactory,
    TalentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TALENT_URLS = ["talent_dashboard", "talent_consents", "talent_earnings_csv"]


@pytest.fixture
def world():
    """Two talents (A represented by Northstar, B by Other), each with a signed grant and one billable view."""
    agency_a, agency_b = AgencyFactory(name="Northstar Models"), AgencyFactory(name="Other Agency")
    a = TalentFactory(display_name="Amara Okafor", user=UserFactory(username="amara"))
    b = TalentFactory(display_name="Bo Berg", user=UserFactory(username="bo"))
    RepresentationFactory(talent=a, agency=agency_a)
    RepresentationFactory(talent=b, agency=agency_b)
    grant_a = ConsentGrantFactory(twin=DigitalTwinFactory(talent=a), rate_per_view=Decimal("0.0125"))
    grant_b = ConsentGrantFactory(twin=DigitalTwinFactory(talent=b), brand=grant_a.brand)
    product = ProductFactory(brand=grant_a.brand, name="=HYPERLINK(\"http://evil\")")
    license_view(twin=grant_a.twin, product=product, viewer=Viewer(key="s:1"), channel="storefront")
    license_view(twin=grant_b.twin, product=product, viewer=Viewer(key="s:1"), channel="storefront")
    last_year = timezone.now() - timedelta(days=400)
    ConsentGrant.objects.filter(pk=grant_b.pk).update(valid_from=last_year - timedelta(days=1))
    license_view(twin=grant_b.twin, product=product, viewer=Viewer(key="s:2"), channel="storefront", at=last_year)
    agent_a, agent_b = UserFactory(username="northstar"), UserFactory(username="otheragent")
    agency_a.staff.add(agent_a)
    agency_b.staff.add(agent_b)
    return {"a": a, "b": b, "grant_a": grant_a, "grant_b": grant_b, "agency_a": agency_a, "agent_a": agent_a,
            "agent_b": agent_b, "product": product, "last_year": last_year}


@pytest.mark.parametrize("name", [*TALENT_URLS, "agency_dashboard", "consent_propose"])
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(f"licensing:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_anonymous_consent_urls_redirect_too(client, world):
    for name in ("talent_consent_detail", "talent_consent_sign", "talent_consent_revoke"):
        response = client.get(reverse(f"licensing:{name}", args=[world["grant_a"].pk]))
        assert response.status_code == 302


@pytest.mark.parametrize("name", TALENT_URLS)
def test_accounts_without_a_talent_profile_get_404(client, name):
    client.force_login(UserFactory(username="shopper"))
    assert client.get(reverse(f"licensing:{name}")).status_code == 404


@pytest.mark.parametrize("name", ["talent_consent_detail", "talent_consent_sign", "talent_consent_revoke"])
def test_a_talent_cannot_reach_another_talents_consent(client, world, name):
    client.force_login(world["a"].user)
    url = reverse(f"licensing:{name}", args=[world["grant_b"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"typed_name": "Bo Berg", "terms_sha256": world["grant_b"].terms_sha256,
                             "agree": "on"}).status_code == 404
    assert ConsentGrant.objects.get(pk=world["grant_b"].pk).status == GrantStatus.SIGNED


def test_unknown_consent_ids_are_404(client, world):
    client.force_login(world["a"].user)
    assert client.get("/talent/consents/999999/").status_code == 404
    assert client.get("/talent/consents/abc/").status_code == 404


def test_the_dashboard_shows_only_the_talents_own_money(client, world, django_assert_max_num_queries):
    client.force_login(world["a"].user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("licensing:talent_dashboard"))
    assert response.status_code == 200
    (summary,) = response.context["summary"]["all_time"]
    # 0.0125 gross, 15% to the agency: 0.0019 commission (half-up), 0.0106 net
    assert (summary.gross, summary.commission, summary.net, summary.views) == (
        Decimal("0.0125"), Decimal("0.0019"), Decimal("0.0106"), 1)
    assert b"Bo Berg" not in response.content


def test_statements_are_404_for_months_the_talent_has_no_events(client, world):
    month = world["last_year"]
    url = reverse("licensing:talent_statement", args=[month.year, month.month])
    client.force_login(world["a"].user)
    assert client.get(url).status_code == 404  # only B earned that month
    assert client.get("/talent/statements/2026-13/").status_code == 404
    client.force_login(world["b"].user)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["statements"][0].gross == Decimal("0.0500")


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_csv_holds_only_the_talents_events_and_defuses_formulas(client, world):
    client.force_login(world["a"].user)
    response = client.get(reverse("licensing:talent_earnings_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=False))
    assert (row["amount"], row["agency_commission"], row["talent_net"]) == ("0.0125", "0.0019", "0.0106")
    assert row["product"].startswith("'=")


def test_csv_month_filter_is_validated(client, world):
    client.force_login(world["b"].user)
    month = world["last_year"].strftime("%Y-%m")
    assert len(_csv(client.get(f"/talent/earnings.csv?month={month}"))) == 2
    for bad in ("2026-13", "26-01", "x", "2026-1", "0001-01", "1999-12", "2101-01"):
        response = client.get(f"/talent/earnings.csv?month={bad}")
        assert (response.status_code, response["Content-Type"]) == (400, "text/plain")
        assert response.content == b"month must look like 2026-11 (years 2000 to 2100)"


def test_csv_month_at_the_end_of_the_calendar_is_refused_up_front(client, world):
    # Issue 20: 9999-12 passed the form, the headers went out, then the month after it crashed the stream.
    client.force_login(world["b"].user)
    response = client.get("/talent/earnings.csv?month=9999-12")
    assert response.status_code == 400 and not response.streaming


def test_csv_streams_without_buffering_under_asgi(client, world):
    """Issue 20: under ASGI Django read a sync iterator whole into memory (with a warning) before sending."""
    import warnings

    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    client.force_login(world["b"].user)
    expected = b"".join(client.get("/talent/earnings.csv").streaming_content)
    asgi = AsyncClient()
    asgi.force_login(world["b"].user)

    async def fetch():  # type: ignore[no-untyped-def]
        response = await asgi.get("/talent/earnings.csv")
        return response, [chunk async for chunk in response.streaming_content]

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "must consume synchronous iterators" would raise here
        response, chunks = async_to_sync(fetch)()

    assert response.status_code == 200 and response.is_async
    assert b"".join(chunks) == expected and expected.count(b"\n") == 3


def test_sign_page_flow_with_a_wrong_then_right_name(client, world):
    proposal = ConsentGrantFactory(twin=world["grant_a"].twin, status=GrantStatus.PROPOSED)
    url = reverse("licensing:talent_consent_sign", args=[proposal.pk])
    client.force_login(world["a"].user)

    page = client.get(url)
    assert page.status_code == 200 and proposal.terms_text.split("\n")[0].encode() in page.content

    wrong = client.post(url, {"typed_name": "Not Me", "terms_sha256": proposal.terms_sha256, "agree": "on"})
    assert wrong.status_code == 400
    tampered = client.post(url, {"typed_name": "Amara Okafor", "terms_sha256": "f" * 64, "agree": "on"})
    assert tampered.status_code == 400
    unticked = client.post(url, {"typed_name": "Amara Okafor", "terms_sha256": proposal.terms_sha256})
    assert unticked.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == GrantStatus.PROPOSED

    ok = client.post(url, {"typed_name": "Amara Okafor", "terms_sha256": proposal.terms_sha256, "agree": "on"})
    assert ok.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == GrantStatus.SIGNED and proposal.signed_ip == "127.0.0.1"


def test_revoke_needs_a_confirmation_post_and_then_the_twin_disappears(client, world):
    grant = world["grant_a"]
    url = reverse("licensing:talent_consent_revoke", args=[grant.pk])
    client.force_login(world["a"].user)

    assert client.get(url).status_code == 200
    grant.refresh_from_db()
    assert grant.status == GrantStatus.SIGNED  # GET only asks

    assert client.post(url).status_code == 302
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED
    from licensing.selectors import twin_images_for_products

    product = world["product"]
    assert grant.twin not in twin_images_for_products(products=[product], channel="storefront")[product.catalog_id]


def test_agency_sees_only_its_roster(client, world):
    client.force_login(world["agent_a"])
    response = client.get(reverse("licensing:agency_dashboard"))
    assert response.status_code == 200
    roster = response.context["sections"][0]["roster"]
    assert [r["talent"] for r in roster] == [world["a"]]
    (totals,) = roster[0]["totals"]
    assert (totals.currency, totals.commission) == ("USD", Decimal("0.0019"))
    assert client.get(reverse("licensing:agency_talent", args=[world["a"].pk])).status_code == 200
    assert client.get(reverse("licensing:agency_talent", args=[world["b"].pk])).status_code == 404
    assert client.get("/agency/talents/999999/").status_code == 404


def test_talents_and_shoppers_have_no_agency_pages(client, world):
    client.force_login(world["a"].user)
    assert client.get(reverse("licensing:agency_dashboard")).status_code == 404
    assert client.get(reverse("licensing:consent_propose")).status_code == 404


def _proposal(world, **overrides):
    today = timezone.now().date()
    data = {
        # a brand the twin has no consent for yet (a second live consent for one brand is refused)
        "twin": world["grant_a"].twin_id, "brand": BrandFactory(name="Fresh Proposals").pk, "agency": world["agency_a"].pk,
        "purpose": "Show Amara's twin on Twinshop product pages for the spring collection.",
        "channels": ["storefront"], "exclude_innerwear": "on", "territories": "US, gb",
        "valid_from": today.isoformat(), "valid_until": (today + timedelta(days=90)).isoformat(),
        "rate_per_view": "0.0300", "currency": "USD", "view_cap": "",
    }
    data.update(overrides)
    return data


def test_agency_proposes_for_its_roster(client, world):
    client.force_login(world["agent_a"])
    before = ConsentGrant.objects.count()
    response = client.post(reverse("licensing:consent_propose"), _proposal(world))
    assert response.status_code == 302
    grant = ConsentGrant.objects.latest("pk")
    assert ConsentGrant.objects.count() == before + 1
    assert (grant.status, grant.territories, grant.proposed_by_agency) == (
        GrantStatus.PROPOSED, ["GB", "US"], world["agency_a"])
    assert "Briefs" in grant.excluded_article_types


@pytest.mark.parametrize(
    "overrides",
    [
        {"twin": "BTWIN"},             # another agency's talent
        {"twin": "999999"},
        {"twin": "x"},
        {"agency": "OTHER_AGENCY"},    # an agency the user is not staff of
        {"brand": "999999"},
        {"purpose": "ads"},
        {"territories": "Mars"},
        {"rate_per_view": "0.00001"},
        {"valid_until": "2000-01-01"},
        {"excluded_article_types": "Nonexistent Type"},
        {"channels": ["billboard"]},
    ],
)
def test_tampered_or_bad_proposals_are_rejected_and_nothing_is_written(client, world, overrides):
    values = {k: v for k, v in overrides.items()}
    if values.get("twin") == "BTWIN":
        values["twin"] = world["grant_b"].twin_id
    if values.get("agency") == "OTHER_AGENCY":
        values["agency"] = AgencyFactory(name="Third").pk
    client.force_login(world["agent_a"])
    before = ConsentGrant.objects.count()
    response = client.post(reverse("licensing:consent_propose"), _proposal(world, **values))
    assert response.status_code == 400
    assert ConsentGrant.objects.count() == before


def test_agency_proposes_a_shop_wide_consent_for_a_listed_set(client, world):
    ProductFactory(brand=BrandFactory(name="Puma"))
    client.force_login(world["agent_a"])
    response = client.post(reverse("licensing:consent_propose"),
                           _proposal(world, brand="", brand_scope="shop_listed", listed_brands="Puma"))
    assert response.status_code == 302
    grant = ConsentGrant.objects.latest("pk")
    assert (grant.brand_id, grant.brand_scope, grant.payer_label) == (None, "shop_listed", "Twinshop (for Puma)")


@pytest.mark.parametrize("overrides", [
    {"brand": "", "brand_scope": "shop_listed", "listed_brands": ""},
    {"brand": "", "brand_scope": "shop_listed", "listed_brands": "Nobody Sells This"},
    {"brand_scope": "shop_all"},  # a shop-wide consent that also names a brand
    {"brand": "", "brand_scope": "brand"},
])
def test_a_bad_payer_in_the_form_is_refused_and_nothing_is_written(client, world, overrides):
    client.force_login(world["agent_a"])
    before = ConsentGrant.objects.count()
    response = client.post(reverse("licensing:consent_propose"), _proposal(world, **overrides))
    assert response.status_code == 400
    assert ConsentGrant.objects.count() == before


def test_header_links_show_the_right_role(client, world):
    client.force_login(world["a"].user)
    body = client.get(reverse("licensing:talent_consents")).content
    assert b'href="/talent/"' in body and b'href="/agency/"' not in body
    client.force_login(world["agent_a"])
    body = client.get(reverse("licensing:agency_dashboard")).content
    assert b'href="/agency/"' in body and b'href="/talent/"' not in body




def test_agency_amends_a_signed_consent_and_the_old_version_stays_until_signed(client, world):
    grant = world["grant_a"]
    url = reverse("licensing:consent_amend", args=[grant.pk])
    client.force_login(world["agent_a"])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["rate_per_view"] == Decimal("0.0125")

    data = _proposal(world, rate_per_view="0.0200")
    del data["twin"], data["brand"]
    assert client.post(url, data).status_code == 302

    new = ConsentGrant.objects.get(previous=grant)
    grant.refresh_from_db()
    assert (new.version, new.status, new.rate_per_view, grant.status) == (
        2, GrantStatus.PROPOSED, Decimal("0.0200"), GrantStatus.SIGNED)


def test_amending_someone_elses_consent_is_404(client, world):
    client.force_login(world["agent_a"])
    url = reverse("licensing:consent_amend", args=[world["grant_b"].pk])
    data = _proposal(world)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert client.get("/consents/999999/amend/").status_code == 404
    client.force_login(world["a"].user)  # talents don't amend their own terms here; they sign or revoke
    assert client.get(reverse("licensing:consent_amend", args=[world["grant_a"].pk])).status_code == 404
    assert not ConsentGrant.objects.filter(previous__isnull=False).exists()


def test_merchandisers_cannot_change_a_consent_in_the_admin_but_see_its_statistics(client, world):
    merch = UserFactory(username="merch-admin", is_staff=True, is_superuser=True)
    client.force_login(merch)
    grant = world["grant_a"]
    page = client.get(f"/admin/licensing/consentgrant/{grant.pk}/change/")
    assert page.status_code == 200 and b"1 views, 1 billable" in page.content
    response = client.post(f"/admin/licensing/consentgrant/{grant.pk}/change/",
                           {"status": "signed", "rate_per_view": "9.99", "channels": '["storefront"]'})
    assert response.status_code == 403
    assert client.post(f"/admin/licensing/consentgrant/{grant.pk}/delete/", {"post": "yes"}).status_code == 403
    grant.refresh_from_db()
    assert grant.rate_per_view == Decimal("0.0125")


def test_admin_forms_reject_an_over_cap_commission_and_a_four_year_representation(client):
    client.force_login(UserFactory(username="root-admin", is_staff=True, is_superuser=True))
    response = client.post("/admin/licensing/agency/add/", {"name": "Greedy", "slug": "greedy",
                                                            "commission_rate": "0.25"})
    assert response.status_code == 200 and b"less than or equal to 0.20" in response.content
    talent, agency = TalentFactory(), AgencyFactory(name="Fair")
    response = client.post("/admin/licensing/representation/add/", {
        "talent": talent.pk, "agency": agency.pk, "start": "2026-01-01", "end": "2030-01-01"})
    assert response.status_code == 200 and b"at most three years" in response.content
    from licensing.models import Agency, Representation

    assert not Agency.objects.filter(name="Greedy").exists() and not Representation.objects.exists()
