"""The consent workflow: propose, sign (typed name, exact terms), amend, revoke (broadcast), expire;
representation terms."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.utils import timezone

from licensing.models import ConsentEvent, ConsentGrant, GrantStatus, Representation, RoyaltyEvent
from licensing.services import (
    ConsentDenied,
    Viewer,
    grant_amend,
    grant_expire,
    grant_propose,
    grant_revoke,
    grant_sign,
    license_view,
    representation_create,
    terms_sha256,
)
from tests.factories import (
    AgencyFactory,
    BrandFactory,
    DigitalTwinFactory,
    ProductFactory,
    RepresentationFactory,
    TalentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PURPOSE = "Show the twin on Twinshop product pages and in the shopping assistant's cards."


@pytest.fixture
def twin():
    return DigitalTwinFactory(talent=TalentFactory(display_name="Amara Okafor"))


@pytest.fixture
def merch():
    return UserFactory(username="merch", is_staff=True)


def propose(twin, by, **overrides):
    now = timezone.now()
    kwargs = {
        "twin": twin, "brand": BrandFactory(), "proposed_by": by, "purpose": PURPOSE,
        "channels": ["storefront", "assistant"], "territories": ["us", "gb"],
        "valid_from": now - timedelta(days=1), "valid_until": now + timedelta(days=30),
        "rate_per_view": "0.0200", "excluded_article_types": ["Briefs", "Bra"],
    }
    kwargs.update(overrides)
    return grant_propose(**kwargs)


def sign(grant, name="Amara Okafor", **kw):
    return grant_sign(grant=grant, user=grant.twin.talent.user, typed_name=name,
                      shown_terms_sha256=grant.terms_sha256, ip="203.0.113.9", user_agent="Firefox", **kw)


def test_proposal_renders_and_hashes_the_full_terms(twin, merch):
    grant = propose(twin, merch)

    assert grant.status == GrantStatus.PROPOSED and grant.version == 1
    assert grant.territories == ["GB", "US"] and grant.rate_per_view == Decimal("0.0200")
    assert grant.terms_sha256 == terms_sha256(grant.terms_text)
    for needle in (PURPOSE, "0.0200 USD", "Bra, Briefs", "GB, US", "Amara Okafor", "revoke"):
        assert needle in grant.terms_text
    assert list(grant.events.values_list("kind", flat=True)) == ["proposed"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purpose": "ads"}, "purpose"),
        ({"channels": ["billboard"]}, "channels"),
        ({"channels": []}, "channels"),
        ({"territories": ["USA"]}, "territories"),
        ({"rate_per_view": "-1"}, "rate_per_view"),
        ({"rate_per_view": "0.00001"}, "rate_per_view"),
        ({"rate_per_view": "NaN"}, "rate_per_view"),
        ({"currency": "dollars"}, "currency"),
        ({"view_cap": 0}, "view_cap"),
        ({"valid_until": timezone.now() - timedelta(days=5)}, "valid_until"),
    ],
)
def test_bad_terms_are_rejected_and_nothing_is_written(twin, merch, overrides, field):
    with pytest.raises(ValidationError) as info:
        propose(twin, merch, **overrides)
    assert field in info.value.message_dict
    assert ConsentGrant.objects.count() == 0 and ConsentEvent.objects.count() == 0


def test_only_shop_staff_or_the_representing_agency_may_propose(twin):
    agency = AgencyFactory()
    agent = UserFactory(username="agent")
    agency.staff.add(agent)
    with pytest.raises(PermissionError):
        propose(twin, UserFactory(username="random"))
    with pytest.raises(PermissionError):  # agency staff, but the agency doesn't represent this talent
        propose(twin, agent, agency=agency)
    RepresentationFactory(talent=twin.talent, agency=agency)
    assert propose(twin, agent, agency=agency).proposed_by_agency == agency
    assert ConsentGrant.objects.count() == 1


def test_signing_records_the_typed_name_evidence_and_the_terms_hash(twin, merch):
    grant = sign(propose(twin, merch), name="  amara   OKAFOR ")

    assert grant.status == GrantStatus.SIGNED
    assert (grant.signed_by_name, grant.signed_ip, grant.signed_user_agent) == ("amara OKAFOR", "203.0.113.9", "Firefox")
    event = grant.events.get(kind="signed")
    assert event.terms_sha256 == grant.terms_sha256 and event.actor == twin.talent.user


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"typed_name": "Someone Else"}, ValidationError),
        ({"shown_terms_sha256": "0" * 64}, ValidationError),
    ],
)
def test_signing_fails_on_a_wrong_name_or_terms_other_than_those_shown(twin, merch, kwargs, error):
    grant = propose(twin, merch)
    params = {"grant": grant, "user": twin.talent.user, "typed_name": "Amara Okafor",
              "shown_terms_sha256": grant.terms_sha256, **kwargs}
    with pytest.raises(error):
        grant_sign(**params)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PROPOSED and grant.signed_at is None
    assert not grant.events.filter(kind="signed").exists()


def test_nobody_but_the_talent_can_sign_or_revoke(twin, merch):
    grant = propose(twin, merch)
    for user in (merch, UserFactory(username="root", is_superuser=True, is_staff=True)):
        with pytest.raises(PermissionError):
            grant_sign(grant=grant, user=user, typed_name="Amara Okafor", shown_terms_sha256=grant.terms_sha256)
        with pytest.raises(PermissionError):
            grant_revoke(grant=grant, user=user)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PROPOSED


def test_an_amendment_needs_a_new_signature_and_the_old_version_holds_until_then(twin, merch):
    v1 = sign(propose(twin, merch, view_cap=100))
    product = ProductFactory(brand=v1.brand)
    license_view(twin=twin, product=product, viewer=Viewer(key="s:1"), channel="storefront")

    v2 = grant_amend(grant=v1, proposed_by=merch, rate_per_view=Decimal("0.0300"), channels=["storefront"])
    assert (v2.version, v2.previous_id, v2.status) == (2, v1.pk, GrantStatus.PROPOSED)
    lic = license_view(twin=twin, product=product, viewer=Viewer(key="s:2"), channel="storefront")
    assert lic.grant_id == v1.pk
    with pytest.raises(ValidationError):  # one pending amendment at a time
        grant_amend(grant=v1, proposed_by=merch, rate_per_view=Decimal("0.0400"))

    sign(v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status, v2.billable_views) == (GrantStatus.SUPERSEDED, GrantStatus.SIGNED, 2)
    lic = license_view(twin=twin, product=product, viewer=Viewer(key="s:3"), channel="storefront")
    assert lic.grant_id == v2.pk
    assert RoyaltyEvent.objects.get(pk=lic.royalty_event_id).amount == Decimal("0.0300")
    assert list(v1.events.values_list("kind", flat=True)) == ["proposed", "signed", "superseded"]


def test_revocation_is_immediate_broadcast_after_commit_and_earnings_stay(
        twin, merch, django_capture_on_commit_callbacks, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"twin-{twin.pk}", channel)
    grant = sign(propose(twin, merch))
    product = ProductFactory(brand=grant.brand)
    license_view(twin=twin, product=product, viewer=Viewer(key="s:1"), channel="storefront")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        grant_revoke(grant=grant, user=twin.talent.user)

    assert len(callbacks) == 1
    assert async_to_sync(layer.receive)(channel) == {"type": "twin.revoked", "twin_id": twin.pk}
    with pytest.raises(ConsentDenied) as info:
        license_view(twin=twin, product=product, viewer=Viewer(key="s:2"), channel="storefront")
    assert info.value.reason == "revoked"
    assert RoyaltyEvent.objects.filter(billable=True).count() == 1
    with pytest.raises(ValidationError):  # no un-revoking, not even by revoking twice
        grant_revoke(grant=grant, user=twin.talent.user)


def test_declining_a_proposal_tells_no_open_chat(twin, merch, django_capture_on_commit_callbacks):
    # given a twin shown on a signed grant, and a second proposal awaiting the talent's signature
    sign(propose(twin, merch))
    proposal = propose(twin, merch)

    # when the talent declines the proposal
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        declined = grant_revoke(grant=proposal, user=twin.talent.user)

    # then it is revoked, and no broadcast is queued: the twin's signed consent still covers what the chat shows
    assert declined.status == GrantStatus.REVOKED
    assert callbacks == []


def test_expiry_sweep_marks_ended_grants_and_logs_it(twin, merch):
    now = timezone.now()
    ended = sign(propose(twin, merch, valid_until=now + timedelta(hours=1)))
    running = sign(propose(twin, merch, valid_until=now + timedelta(days=3)))

    assert grant_expire(at=now + timedelta(hours=2)) == 1
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, running.status) == (GrantStatus.EXPIRED, GrantStatus.SIGNED)
    assert ended.events.filter(kind="expired").count() == 1
    assert grant_expire(at=now + timedelta(hours=2)) == 0


def test_representation_runs_at_most_three_years_and_never_overlaps():
    talent, agency = TalentFactory(), AgencyFactory()
    start = date(2026, 1, 1)
    with pytest.raises(ValidationError):
        representation_create(talent=talent, agency=agency, start=start, end=date(2029, 1, 2))
    with pytest.raises(ValidationError):
        representation_create(talent=talent, agency=agency, start=start, end=start)
    rep = representation_create(talent=talent, agency=agency, start=start, end=date(2029, 1, 1))
    with pytest.raises(ValidationError):
        representation_create(talent=talent, agency=AgencyFactory(name="Other"), start=date(2028, 6, 1),
                              end=date(2029, 6, 1))
    assert list(Representation.objects.all()) == [rep]
