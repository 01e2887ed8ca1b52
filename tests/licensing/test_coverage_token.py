"""The coverage token: the database changes it with anything that decides which twins may wear which
products, and the coverage cache built on it never serves a stale decision."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensing.models import ConsentGrant, CoverageToken, DigitalTwin, GrantStatus, Talent, TwinPose
from licensing.selectors import coverage_token, signed_grants_by_brand
from tests.factories import BrandFactory, ConsentGrantFactory, TwinPoseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant() -> ConsentGrant:
    return ConsentGrantFactory(view_cap=3)


def _changes_token(write) -> bool:  # type: ignore[no-untyped-def]
    before = coverage_token()
    write()
    return coverage_token() != before


@pytest.mark.parametrize("change", [
    {"status": GrantStatus.REVOKED, "revoked_at": timezone.now()},
    {"channels": ["storefront"]},
    {"territories": ["DE"]},
    {"excluded_article_types": ["Bra"]},
    {"view_cap": 10},
])
def test_a_change_to_a_grant_term_changes_the_token(grant, change):  # type: ignore[no-untyped-def]
    assert _changes_token(lambda: ConsentGrant.objects.filter(pk=grant.pk).update(**change))


def test_a_view_below_the_cap_leaves_the_token_and_the_view_that_reaches_it_changes_it(grant):  # type: ignore[no-untyped-def]
    bump = lambda: ConsentGrant.objects.filter(pk=grant.pk).update(billable_views=F("billable_views") + 1)  # noqa: E731
    assert not _changes_token(bump)  # 1 of 3
    assert not _changes_token(bump)  # 2 of 3
    assert _changes_token(bump)  # 3 of 3: the grant no longer covers anything


def test_an_uncapped_grant_never_changes_the_token_on_views():  # type: ignore[no-untyped-def]
    grant = ConsentGrantFactory(view_cap=None)
    assert not _changes_token(
        lambda: ConsentGrant.objects.filter(pk=grant.pk).update(billable_views=F("billable_views") + 1000))


def test_twins_talents_and_poses_change_the_token(grant):  # type: ignore[no-untyped-def]
    twin = grant.twin
    assert _changes_token(lambda: DigitalTwin.objects.filter(pk=twin.pk).update(is_active=False))
    assert _changes_token(lambda: Talent.objects.filter(pk=twin.talent_id).update(display_name="Renamed"))
    assert _changes_token(lambda: TwinPoseFactory(twin=twin, key="walk", label="Walk"))
    assert _changes_token(lambda: TwinPose.objects.filter(twin=twin).delete())
    assert _changes_token(lambda: ConsentGrantFactory(twin=twin))


def test_a_rolled_back_change_leaves_a_token_the_cache_has_never_seen(grant):  # type: ignore[no-untyped-def]
    before = coverage_token()
    with transaction.atomic():
        ConsentGrant.objects.filter(pk=grant.pk).update(status=GrantStatus.REVOKED, revoked_at=timezone.now())
        inside = coverage_token()
        transaction.set_rollback(True)
    assert coverage_token() == before and inside != before


def test_the_cache_reads_one_row_when_nothing_changed_and_sees_a_revocation_at_once():  # type: ignore[no-untyped-def]
    brand = BrandFactory()
    grants = [ConsentGrantFactory(brand=brand) for _ in range(2)]
    by_brand, twins = signed_grants_by_brand({brand.pk})
    assert [g.twin_id for g in by_brand[brand.pk]] == sorted(g.twin_id for g in grants)
    assert twins[grants[0].twin_id].talent.display_name == grants[0].twin.talent.display_name

    with CaptureQueriesContext(connection) as warm:
        signed_grants_by_brand({brand.pk})
    assert len(warm.captured_queries) == 1  # only the token

    ConsentGrant.objects.filter(pk=grants[0].pk).update(status=GrantStatus.REVOKED, revoked_at=timezone.now())
    by_brand, _ = signed_grants_by_brand({brand.pk})
    assert [g.twin_id for g in by_brand[brand.pk]] == [grants[1].twin_id]


def test_the_cache_reloads_when_the_token_row_is_gone():  # type: ignore[no-untyped-def]
    # `flush` truncates the token table; a missing row is a token of its own (None), never a cache hit.
    brand = BrandFactory()
    grant = ConsentGrantFactory(brand=brand)
    signed_grants_by_brand({brand.pk})
    CoverageToken.objects.all().delete()
    ConsentGrant.objects.filter(pk=grant.pk).update(billable_views=5)  # not a coverage change: no new row
    assert coverage_token() is None
    by_brand, _ = signed_grants_by_brand({brand.pk})
    assert [g.twin_id for g in by_brand[brand.pk]] == [grant.twin_id]
