"""config.compiled.CompiledQuery: SQL compiled once, then the same results as the QuerySet for any values."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assistant.models import Conversation, Turn
from config.compiled import CompiledInsert, CompiledQuery
from licensing.models import ConsentGrant, DigitalTwin, RoyaltyEvent
from shop.models import Product
from tests.factories import ConsentGrantFactory, DigitalTwinFactory, ProductFactory

pytestmark = pytest.mark.django_db

GRANTS = CompiledQuery(
    lambda twin_id, status: ConsentGrant.objects.select_related("twin__talent").only(
        "status", "valid_from", "twin", "twin__slug", "twin__talent", "twin__talent__display_name",
    ).filter(twin_id=twin_id, status=status).order_by("pk"),
    twin_id=int, status=str,
)
WINDOW = CompiledQuery(
    lambda after, until: ConsentGrant.objects.filter(valid_from__gt=after, valid_until__lte=until).values_list("pk"),
    after=datetime, until=datetime,
)


def test_objects_match_the_queryset_for_every_value():
    twins = [DigitalTwinFactory(), DigitalTwinFactory()]
    for twin in twins:
        ConsentGrantFactory(twin=twin)
        ConsentGrantFactory(twin=twin)
    for twin in twins:  # compiled with the first values, then rebound
        got = GRANTS.objects(twin_id=twin.pk, status="signed")
        want = list(ConsentGrant.objects.filter(twin_id=twin.pk, status="signed").order_by("pk"))
        assert got == want
        assert [g.twin.talent.display_name for g in got] == [twin.talent.display_name] * 2  # select_related kept
        assert all(g.valid_from.tzinfo is not None for g in got)  # converters applied (SQLite: str -> datetime)
    assert GRANTS.objects(twin_id=twins[0].pk, status="revoked") == []


def test_rows_and_exists_bind_datetimes():
    grant = ConsentGrantFactory()
    before = grant.valid_from - timedelta(seconds=1)
    assert WINDOW.rows(after=before, until=grant.valid_until) == [(grant.pk,)]
    assert WINDOW.rows(after=grant.valid_from, until=grant.valid_until) == []
    assert WINDOW.exists(after=before, until=grant.valid_until + timedelta(days=1))


def test_a_value_that_cannot_be_bound_fails_loudly():
    with pytest.raises(TypeError):
        GRANTS.objects(twin_id=1)
    unused = CompiledQuery(lambda pk, day: DigitalTwin.objects.filter(pk=pk), pk=int, day=date)
    with pytest.raises(ValueError):  # a value that lands nowhere in the SQL is refused, never guessed
        unused.exists(pk=1, day=timezone.now().date())


def test_product_lookup_keeps_model_ordering_and_limits():
    product = ProductFactory()
    compiled = CompiledQuery(lambda catalog_id: Product.objects.filter(catalog_id=catalog_id)[:1], catalog_id=int)
    assert compiled.objects(catalog_id=product.catalog_id) == [product]
    assert compiled.objects(catalog_id=product.catalog_id + 1) == []


@pytest.mark.django_db(transaction=True)
def test_select_for_update_needs_a_transaction():
    locking = CompiledQuery(lambda pk: ConsentGrant.objects.select_for_update().filter(pk=pk), pk=int)
    grant = ConsentGrantFactory()
    with transaction.atomic():
        assert locking.objects(pk=grant.pk) == [grant]
    with pytest.raises(transaction.TransactionManagementError):
        locking.objects(pk=grant.pk)


TURNS = CompiledInsert(Turn, ("conversation", "position", "role", "text", "product_ids", "filters", "created_at"))
ROW = ("conversation_id", "position", "role", "text", "product_ids", "filters")


def _turns(convo: Conversation, start: int, n: int) -> list[Turn]:
    return [Turn(conversation=convo, position=start + i, role="shopper" if (start + i) % 2 else "assistant",
                 text=f"turn {start + i} \N{SNOWMAN} 'quoted' \"and\" %s", product_ids=[start + i, 7],
                 filters={"colours": ["Navy Blue"], "max_price": "40.00", "n": start + i}) for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_insert_writes_what_bulk_create_writes(n: int):
    # given two conversations, one filled by bulk_create and one by the compiled insert
    by_orm, compiled = Conversation.objects.create(session_key="a"), Conversation.objects.create(session_key="b")
    before = timezone.now()
    Turn.objects.bulk_create(_turns(by_orm, 0, 2 * n))

    # when the same rows go through the compiled insert twice (compiled once, then only rebound)
    with CaptureQueriesContext(connection) as queries:
        TURNS.execute(_turns(compiled, 0, n))
        TURNS.execute(_turns(compiled, n, n))

    # then one statement each, and the rows read back equal the ORM's, auto_now_add included
    assert len(queries.captured_queries) == 2
    want = list(Turn.objects.filter(conversation=by_orm).order_by("position").values_list(*ROW[1:]))
    got = list(Turn.objects.filter(conversation=compiled).order_by("position").values_list(*ROW[1:]))
    assert got == want and len(got) == 2 * n
    assert all(before <= t <= timezone.now() for t in Turn.objects.filter(conversation=compiled)
               .values_list("created_at", flat=True))


def test_insert_that_breaks_a_constraint_writes_nothing():
    # given a conversation with a turn at position 1
    convo = Conversation.objects.create(session_key="c")
    TURNS.execute(_turns(convo, 1, 1))

    # when a two-row insert repeats position 1, or names an unknown role
    clash = _turns(convo, 0, 2)
    bad_role = _turns(convo, 5, 2)
    bad_role[1].role = "admin"
    for rows in (clash, bad_role):
        with pytest.raises(IntegrityError), transaction.atomic():
            TURNS.execute(rows)

    # then neither statement wrote a row
    assert list(Turn.objects.filter(conversation=convo).values_list("position", flat=True)) == [1]


def _fields(obj) -> dict:  # type: ignore[no-untyped-def]
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


def test_instances_equal_the_querysets_field_for_field():
    # given grants whose twins and talents come along (select_related), with deferred fields (only())
    twin = DigitalTwinFactory()
    ConsentGrantFactory(twin=twin)
    ConsentGrantFactory(twin=twin)

    # when the compiled query and the QuerySet load them
    got = GRANTS.objects(twin_id=twin.pk, status="signed")
    want = list(ConsentGrant.objects.select_related("twin__talent").only(
        "status", "valid_from", "twin", "twin__slug", "twin__talent", "twin__talent__display_name",
    ).filter(twin_id=twin.pk, status="signed").order_by("pk"))

    # then every loaded value, the deferred set and the state are the same, down the related chain
    for g, w in zip(got, want, strict=True):
        assert _fields(g) == _fields(w)
        assert g.get_deferred_fields() == w.get_deferred_fields() and "terms_text" in g.get_deferred_fields()
        assert (g._state.adding, g._state.db) == (w._state.adding, w._state.db) == (False, "default")
        assert _fields(g.twin) == _fields(w.twin) and _fields(g.twin.talent) == _fields(w.twin.talent)
        assert g.twin.get_deferred_fields() == w.twin.get_deferred_fields()
        g.refresh_from_db(fields=["terms_text"])  # a deferred field still loads on demand
        assert g.terms_text == ConsentGrant.objects.get(pk=g.pk).terms_text != ""


def test_a_post_init_receiver_still_runs():
    # given a receiver of post_init for grants
    from django.db.models.signals import post_init

    seen: list[int] = []

    def receiver(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(instance.pk)

    twin = DigitalTwinFactory()
    grant = ConsentGrantFactory(twin=twin)
    post_init.connect(receiver, sender=ConsentGrant)
    try:
        # when the compiled query builds a grant
        GRANTS.objects(twin_id=twin.pk, status="signed")
    finally:
        post_init.disconnect(receiver, sender=ConsentGrant)

    # then it was built through Django's own path, which sent the signal
    assert seen == [grant.pk]


@pytest.mark.postgres
def test_a_compiled_statement_run_often_is_prepared_on_postgresql():
    # given PostgreSQL with the default settings (server-side binding, prepare after 5 runs)
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    twin = DigitalTwinFactory()
    grant = ConsentGrantFactory(twin=twin)
    # when the same compiled statement runs more often than that on one connection
    for _ in range(7):
        assert [g.pk for g in GRANTS.objects(twin_id=twin.pk, status="signed")] == [grant.pk]
    # then PostgreSQL holds it prepared (parsed and planned once), and it still answers with the new values
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "licensing_consentgrant"' in statement for statement in prepared)
    assert GRANTS.objects(twin_id=twin.pk + 1000, status="signed") == []


EVENTS = CompiledInsert(RoyaltyEvent, (
    "idempotency_key", "grant_id", "twin_id", "talent_id", "product_id", "brand_id", "channel", "territory",
    "viewer_key", "billable", "non_billable_reason", "amount", "currency", "agency_id", "agency_rate",
    "agency_commission", "talent_net", "at",
))


EVENT_AT = datetime(2026, 11, 28, 12, 30, 5, 123456, tzinfo=UTC)


def _event_values(grant: ConsentGrant, product: Product, key: str, **overrides) -> dict:  # type: ignore[no-untyped-def]
    values = dict(
        idempotency_key=key, grant_id=grant.pk, twin_id=grant.twin_id, talent_id=grant.twin.talent_id,
        product_id=product.pk, brand_id=product.brand_id, channel="storefront", territory="GB",
        viewer_key="s:\N{SNOWMAN}'%s\"", billable=True, non_billable_reason="", amount=Decimal("0.0500"),
        currency="EUR", agency_id=None, agency_rate=Decimal("0"), agency_commission=Decimal("0.0075"),
        talent_net=Decimal("0.0425"), at=EVENT_AT,
    )
    values.update(overrides)
    return values


def test_create_writes_what_the_orm_writes_and_returns_the_saved_row():
    # given a grant and a product
    grant, product = ConsentGrantFactory(), ProductFactory()
    by_orm = RoyaltyEvent.objects.create(**_event_values(grant, product, "orm"))

    # when the same values go through the compiled insert, twice (compiled once, then only rebound)
    with CaptureQueriesContext(connection) as queries:
        first = EVENTS.create(**_event_values(grant, product, "compiled-1"))
        second = EVENTS.create(**_event_values(grant, product, "compiled-2", billable=False,
                                               non_billable_reason="dedup", amount=Decimal("0"),
                                               agency_commission=Decimal("0"), talent_net=Decimal("0")))

    # then one statement each; the instances are saved with their new keys, and read back as the ORM's row
    assert len(queries.captured_queries) == 2
    assert isinstance(first.pk, int) and second.pk == first.pk + 1 and first.pk > by_orm.pk
    assert (first._state.adding, first._state.db) == (False, "default")
    stored = RoyaltyEvent.objects.get(pk=first.pk)
    skip = {"_state", "id", "idempotency_key"}
    assert {k: v for k, v in _fields(stored).items() if k not in skip} == \
        {k: v for k, v in _fields(RoyaltyEvent.objects.get(pk=by_orm.pk)).items() if k not in skip}
    assert stored.amount == Decimal("0.0500") and stored.talent_net == Decimal("0.0425")
    assert RoyaltyEvent.objects.get(pk=second.pk).non_billable_reason == "dedup"


def test_create_that_breaks_a_constraint_writes_nothing():
    # given a grant, a product and one ledger row under the key "taken"
    grant, product = ConsentGrantFactory(), ProductFactory()
    EVENTS.create(**_event_values(grant, product, "taken"))

    # when a row repeats the key, splits the amount wrongly, or is non-billable with an amount
    for bad in (_event_values(grant, product, "taken"),
                _event_values(grant, product, "split", talent_net=Decimal("0.0426")),
                _event_values(grant, product, "free", billable=False, non_billable_reason="bot")):
        with pytest.raises(IntegrityError), transaction.atomic():
            EVENTS.create(**bad)

    # then none of them was written
    assert list(RoyaltyEvent.objects.values_list("idempotency_key", flat=True)) == ["taken"]


def test_create_wants_every_column_by_attname():
    grant, product = ConsentGrantFactory(), ProductFactory()
    values = _event_values(grant, product, "k")
    # a column left out, or one the statement doesn't have
    with pytest.raises(TypeError):
        EVENTS.create(**{k: v for k, v in values.items() if k != "territory"})
    with pytest.raises(TypeError):
        EVENTS.create(**values, surprise=1)
    # and a statement that leaves a column to its default can't build the fast instance at all
    with pytest.raises(TypeError):
        CompiledInsert(RoyaltyEvent, ("idempotency_key", "grant_id")).create(idempotency_key="x", grant_id=grant.pk)
    assert not RoyaltyEvent.objects.exists()


def test_create_with_a_pre_save_receiver_goes_through_the_orm():
    # given a receiver of pre_save for ledger rows
    from django.db.models.signals import pre_save

    seen: list[str] = []

    def receiver(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(instance.idempotency_key)

    grant, product = ConsentGrantFactory(), ProductFactory()
    pre_save.connect(receiver, sender=RoyaltyEvent)
    try:
        # when a row is created through the compiled insert
        event = EVENTS.create(**_event_values(grant, product, "hooked"))
    finally:
        pre_save.disconnect(receiver, sender=RoyaltyEvent)

    # then Django's own path saved it, and the receiver saw it
    assert seen == ["hooked"] and RoyaltyEvent.objects.get(pk=event.pk).idempotency_key == "hooked"
