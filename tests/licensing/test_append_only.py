"""The ledger and consent log are append-only in the database itself, not just in the admin."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from licensing.models import ConsentEvent, ConsentGrant, DeniedView, RoyaltyEvent
from licensing.services import ConsentDenied, grant_propose, license_view
from tests.factories import ConsentGrantFactory, DigitalTwinFactory, ProductFactory, UserFactory


@pytest.fixture
def ledger(grant, product, shopper):
    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")
    with pytest.raises(ConsentDenied):
        license_view(twin=grant.twin, product=product, viewer=shopper, channel="billboard")
    staff = UserFactory(username="merch-a", is_staff=True)
    proposal = grant_propose(
        twin=grant.twin, brand=grant.brand, proposed_by=staff, purpose="Product pages on Twinshop, all of them.",
        channels=["storefront"], territories=["US"], valid_from=grant.valid_from, valid_until=grant.valid_until,
        rate_per_view="0.01")
    return {"royalty": RoyaltyEvent.objects.get(), "denied": DeniedView.objects.get(),
            "consent": ConsentEvent.objects.get(grant=proposal)}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["royalty", "denied", "consent"])
def test_rows_cannot_be_updated_or_deleted(ledger, kind):
    row = ledger[kind]
    model = type(row)
    field = {"royalty": "viewer_key", "denied": "viewer_key", "consent": "actor_label"}[kind]

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "tampered"})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.delete()

    row.refresh_from_db()
    assert getattr(row, field) != "tampered"


@pytest.mark.django_db
def test_changing_the_amount_is_refused(ledger):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoyaltyEvent.objects.update(amount=Decimal("99"), talent_net=Decimal("99"))
    assert RoyaltyEvent.objects.get().amount == Decimal("0.0500")


@pytest.mark.django_db
def test_split_must_add_up_even_on_insert(grant, product):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoyaltyEvent.objects.create(
            idempotency_key="bad", grant=grant, twin=grant.twin, talent=grant.twin.talent, product=product,
            brand=grant.brand, channel="storefront", territory="US", viewer_key="s:x", billable=True,
            amount=Decimal("0.0500"), currency="USD", agency_commission=Decimal("0.0100"),
            talent_net=Decimal("0.0500"), at=grant.valid_from)
    assert RoyaltyEvent.objects.count() == 0


@pytest.mark.django_db
def test_agency_commission_above_20_percent_is_refused_by_the_database():
    from tests.factories import AgencyFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(name="Greedy", commission_rate=Decimal("0.2001"))


@pytest.mark.django_db
def test_view_cap_is_a_database_constraint(grant):
    ConsentGrant.objects.filter(pk=grant.pk).update(view_cap=1, billable_views=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentGrant.objects.filter(pk=grant.pk).update(billable_views=2)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [RoyaltyEvent, ConsentEvent, DeniedView, ConsentGrant])
def test_admin_offers_no_add_change_or_delete_even_to_superusers(model):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}


@pytest.mark.django_db(transaction=True)
def test_a_whole_database_flush_still_works_between_transactional_tests():
    # Teardown of this test flushes the database; on SQLite that must get past the append-only
    # triggers (the overridden flush command), on PostgreSQL TRUNCATE does.
    grant = ConsentGrantFactory()
    from licensing.services import Viewer

    license_view(twin=grant.twin, product=ProductFactory(brand=grant.brand), viewer=Viewer(key="s:f"),
                 channel="storefront")
    assert RoyaltyEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_previous_flush_emptied_the_ledger():
    assert RoyaltyEvent.objects.count() == 0
    assert DigitalTwinFactory().pk


# --- a twin's talent and a talent's user never change (issue 20) ---------------------------------------


@pytest.mark.django_db
def test_a_twin_cannot_be_moved_to_another_talent():
    from licensing.models import DigitalTwin
    from tests.factories import TalentFactory

    twin = DigitalTwinFactory()
    other = TalentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        DigitalTwin.objects.filter(pk=twin.pk).update(talent=other)
    twin.talent = other
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE licensing_digitaltwin SET talent_id = %s WHERE id = %s", [other.pk, twin.pk])

    assert DigitalTwin.objects.get(pk=twin.pk).talent_id != other.pk
    DigitalTwin.objects.filter(pk=twin.pk).update(name="Renamed")  # every other column stays editable
    assert DigitalTwin.objects.get(pk=twin.pk).name == "Renamed"


@pytest.mark.django_db
def test_a_talent_cannot_be_given_another_login():
    from licensing.models import Talent
    from tests.factories import TalentFactory

    talent = TalentFactory()
    intruder = UserFactory(username="intruder")

    with pytest.raises(IntegrityError), transaction.atomic():
        Talent.objects.filter(pk=talent.pk).update(user=intruder)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE licensing_talent SET user_id = %s WHERE id = %s", [intruder.pk, talent.pk])

    assert Talent.objects.get(pk=talent.pk).user_id == talent.user_id
    Talent.objects.filter(pk=talent.pk).update(pronouns="they/them")
    assert Talent.objects.get(pk=talent.pk).pronouns == "they/them"
