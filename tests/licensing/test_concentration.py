"""Concentration made visible: the admin page's figures are the ledger's; a talent's share of eligible views."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from licensing.concentration import gini, talent_eligible_share
from licensing.models import RoyaltyEvent
from licensing.services import Viewer, license_view
from tests.factories import (
    ArticleTypeFactory,
    BrandFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    MasterCategoryFactory,
    ProductFactory,
    SubCategoryFactory,
    TalentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = "admin:licensing_royaltyevent_concentration"


@pytest.fixture
def ledger():
    """Three twins with 6, 3 and 1 views (some deduplicated), on two channels, in apparel and footwear."""
    brand = BrandFactory(name="Conc")
    twins = [DigitalTwinFactory(talent=TalentFactory(display_name=n)) for n in ("Ana", "Ben", "Cy")]
    rates = (Decimal("0.0500"), Decimal("0.0300"), Decimal("0.1000"))
    for twin, rate in zip(twins, rates, strict=True):
        ConsentGrantFactory(twin=twin, brand=brand, rate_per_view=rate, allowed_master_categories=["Apparel"])
    shoes = ArticleTypeFactory(name="Casual Shoes", sub_category=SubCategoryFactory(
        name="Shoes", master=MasterCategoryFactory(name="Footwear")))
    ConsentGrantFactory(twin=twins[0], brand=brand, allowed_master_categories=["Footwear"])
    tee, shoe = ProductFactory(brand=brand), ProductFactory(brand=brand, article_type=shoes)
    for i, (twin, product, channel) in enumerate(
            [(twins[0], tee, "storefront")] * 4 + [(twins[0], shoe, "assistant")] * 2
            + [(twins[1], tee, "assistant")] * 3 + [(twins[2], tee, "storefront")]):
        license_view(twin=twin, product=product, viewer=Viewer(key=f"s:{i % 4}"), channel=channel)
    return twins


def _rows(html: str, slice_id: str) -> dict[int, dict[str, str]]:
    section = html.split(f'id="{slice_id}"')[1].split("</table>")[0]
    out = {}
    for twin_id, body in re.findall(r'<tr data-twin="(\d+)">(.*?)</tr>', section, re.S):
        cells = dict(re.findall(r'<td class="(\w+)">(.*?)</td>', body, re.S))
        out[int(twin_id)] = {k: v.strip() for k, v in cells.items()}
    return out


def test_the_admin_concentration_page_shows_the_ledgers_figures(client, ledger):
    # Given a merchandiser who may view the ledger
    merch = UserFactory(username="merch-c", is_staff=True)
    merch.user_permissions.add(Permission.objects.get(codename="view_royaltyevent"))
    client.force_login(merch)

    # When they open the concentration page for the period
    response = client.get(reverse(URL))
    html = response.content.decode()

    # Then every twin's views, billable views, earnings and share equal the ledger's, overall and per slice
    assert response.status_code == 200
    for slice_id, events in (("slice-all-all-views", RoyaltyEvent.objects.all()),
                             ("slice-channel-assistant", RoyaltyEvent.objects.filter(channel="assistant")),
                             ("slice-category-footwear",
                              RoyaltyEvent.objects.filter(product__article_type__sub_category__master__name="Footwear"))):
        shown = _rows(html, slice_id)
        expected = {r["twin_id"]: r for r in events.values("twin_id").annotate(
            views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), gross=Sum("amount"))}
        total = sum(r["views"] for r in expected.values())
        assert set(shown) == set(expected)
        for twin_id, row in expected.items():
            assert shown[twin_id]["views"] == str(row["views"])
            assert shown[twin_id]["billable"] == str(row["billable"])
            assert shown[twin_id]["earnings"] == f"USD {row['gross'].quantize(Decimal('0.0001'))}"
            assert Decimal(shown[twin_id]["share"]) == (Decimal(row["views"]) / total).quantize(Decimal("0.0001"))
    assert "Gini <span class=\"gini\">0.3333</span>" in html  # 6, 3, 1 views
    assert "top-1 share <span class=\"top1\">0.6000</span>" in html


def test_the_page_needs_the_ledger_view_permission_and_survives_bad_dates(client, ledger):
    client.force_login(UserFactory(username="staff-nope", is_staff=True))
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(UserFactory(username="root-c", is_staff=True, is_superuser=True))
    for query in ("?start=9999-99-99", "?start=2026-13-01&end=x", "?start=2030-01-01&end=2020-01-01"):
        response = client.get(reverse(URL) + query)
        assert response.status_code == 200
        assert b"errornote" in response.content


def test_gini_is_zero_when_even_and_near_one_when_one_takes_all():
    assert gini([5, 5, 5]) == Decimal("0.0000")
    assert gini([0, 0, 0, 12]) == Decimal("0.7500")
    assert gini([]) == Decimal("0.0000")


def test_a_talent_sees_their_share_of_the_views_in_their_eligible_categories(client, ledger):
    now = timezone.now()
    ben = ledger[1].talent

    share = talent_eligible_share(talent=ben, start=now - timedelta(days=30), end=now + timedelta(minutes=1))

    # Ben's consents allow Apparel: 3 of the 8 apparel views (the 2 footwear views are not his to have had)
    assert (share.views, share.eligible_views, share.share, share.categories) == (3, 8, Decimal("0.3750"), ["Apparel"])
    client.force_login(ben.user)
    assert "37.5%" in client.get(reverse("licensing:talent_dashboard")).content.decode()
