"""seed_licensing_demo: diverse talents, every consent state, idempotent."""
from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from licensing.demo import demo_coverage
from licensing.models import (
    INNERWEAR_ARTICLE_TYPES,
    Agency,
    ConsentEvent,
    ConsentGrant,
    DigitalTwin,
    GrantStatus,
    RoyaltyEvent,
    Talent,
)
from tests.factories import BrandFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    for i, name in enumerate(["Nike", "Puma", "Adidas", "Benetton", "Fabindia", "Tiny"]):
        brand = BrandFactory(name=name)
        for _ in range(6 - i):
            ProductFactory(brand=brand)


def seed() -> str:
    out = StringIO()
    call_command("seed_licensing_demo", views=40, stdout=out)
    return out.getvalue()


def test_seed_creates_a_diverse_cast_and_every_consent_state(catalogue):
    output = seed()

    talents = list(Talent.objects.all())
    assert len(talents) >= 8
    assert {t.monk_skin_tone for t in talents} == set(range(1, 11))
    assert {t.clothing_size for t in talents} == {"XS", "S", "M", "L", "XL", "XXL"}
    assert {t.gender_presentation for t in talents} == {"feminine", "masculine", "androgynous"}
    assert min(t.height_cm for t in talents) <= 155 and max(t.height_cm for t in talents) >= 195
    assert len({t.body_shape for t in talents}) >= 5
    for twin in DigitalTwin.objects.all():
        assert {"front", "three_quarter"} <= set(twin.poses.values_list("key", flat=True))

    statuses = set(ConsentGrant.objects.values_list("status", flat=True))
    assert {GrantStatus.SIGNED, GrantStatus.EXPIRED, GrantStatus.REVOKED, GrantStatus.PROPOSED} <= statuses
    assert ConsentGrant.objects.filter(view_cap__isnull=False, status=GrantStatus.SIGNED).exists()
    assert any(set(INNERWEAR_ARTICLE_TYPES) <= set(g.excluded_article_types) for g in ConsentGrant.objects.all())
    assert ConsentGrant.objects.filter(previous__isnull=False, status=GrantStatus.PROPOSED).exists()
    assert Agency.objects.get(name="Northstar Models").commission_rate == Decimal("0.1500")
    assert RoyaltyEvent.objects.filter(billable=True).exists()
    assert authenticate(username="amara", password="twinshop-demo") is not None
    assert "twinshop-demo" in output and "northstar" in output


def test_seed_puts_the_wearable_catalogue_on_two_matching_twins_with_shop_wide_consents(catalogue):
    # Given the products of six brands, when the demo is seeded
    output = seed()

    # Then every twin holds a signed shop-wide consent, one talent a listed set, one a territory limit
    for twin in DigitalTwin.objects.all():
        assert twin.grants.filter(brand_scope="shop_all", status=GrantStatus.SIGNED).exists()
    assert ConsentGrant.objects.filter(brand_scope="shop_listed", status=GrantStatus.SIGNED).exists()
    assert ConsentGrant.objects.filter(brand_scope="shop_all", status=GrantStatus.PROPOSED).exists()
    assert ConsentGrant.objects.filter(territories=["DE", "GB", "US"], status=GrantStatus.SIGNED).exists()
    # And the coverage the command prints is measured, and at least 95%
    coverage = demo_coverage()
    assert coverage.wearable > 0 and coverage.share >= 0.95
    assert f"coverage: {coverage.covered} of {coverage.wearable} wearable products" in output


def test_seed_is_idempotent(catalogue):
    seed()
    counts = (Talent.objects.count(), ConsentGrant.objects.count(), ConsentEvent.objects.count(),
              RoyaltyEvent.objects.count())
    seed()
    assert (Talent.objects.count(), ConsentGrant.objects.count(), ConsentEvent.objects.count(),
            RoyaltyEvent.objects.count()) == counts


def test_the_demo_reconciles_after_its_amendment_is_signed(catalogue):
    from licensing.management.commands.reconcile_ledger import ledger_reconcile
    from licensing.services import grant_sign

    seed()
    amendment = ConsentGrant.objects.select_related("twin__talent__user").get(
        previous__isnull=False, status=GrantStatus.PROPOSED)
    talent = amendment.twin.talent
    grant_sign(grant=amendment, user=talent.user, typed_name=talent.display_name,
               shown_terms_sha256=amendment.terms_sha256)

    result = ledger_reconcile()

    assert result.differences == [] and result.grants == ConsentGrant.objects.count()
    assert ConsentGrant.objects.get(pk=amendment.pk).billable_views == amendment.previous.billable_views
