"""reconcile_ledger finds every kind of drift; ledger_backup/ledger_restore round-trip exactly and refuse
anything unsafe (tampered file, non-empty ledger) without writing a row."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.utils import timezone

from licensing.models import ConsentEvent, ConsentGrant, DeniedView, RoyaltyEvent
from licensing.selectors import monthly_statements
from licensing.services import (
    ConsentDenied,
    Viewer,
    grant_amend,
    grant_propose,
    grant_revoke,
    grant_sign,
    license_view,
)
from tests.reliability.conftest import World

pytestmark = pytest.mark.django_db


def run(name: str, *args: Any) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ledger(world: World) -> World:
    """World's two views plus: billable and non-billable views, a capped grant filled to its cap, denials,
    a signed-then-revoked consent (its consent events), and views in the previous month."""
    grant_a, grant_b, product = world.grant_a, world.grant_b, world.product
    for i in range(7):
        license_view(twin=grant_a.twin, product=product, viewer=Viewer(key=f"s:v{i}"), channel="assistant")
    license_view(twin=grant_a.twin, product=product, viewer=Viewer(key="u:1", user_id=1, is_staff=True),
                 channel="storefront")
    ConsentGrant.objects.filter(pk=grant_b.pk).update(view_cap=3)
    for i in range(5):
        try:
            license_view(twin=grant_b.twin, product=product, viewer=Viewer(key=f"s:w{i}"), channel="storefront")
        except ConsentDenied:
            pass
    last_month = timezone.now().replace(day=1) - timedelta(days=2)
    ConsentGrant.objects.filter(pk=grant_a.pk).update(valid_from=last_month - timedelta(days=5))
    for i in range(3):
        license_view(twin=grant_a.twin, product=product, viewer=Viewer(key=f"s:old{i}"), channel="storefront",
                     at=last_month + timedelta(minutes=i))
    with pytest.raises(ConsentDenied):
        license_view(twin=grant_a.twin, product=product, viewer=Viewer(key="s:x"), channel="billboard")
    staff = world.users["merchandiser"]
    proposal = grant_propose(twin=grant_a.twin, brand=world.plain_product.brand, proposed_by=world.users["superuser"],
                             purpose="Show the twin on Twinshop product pages for the spring range.",
                             channels=["storefront"], territories=["US"], valid_from=timezone.now() - timedelta(days=1),
                             valid_until=timezone.now() + timedelta(days=90), rate_per_view="0.0333")
    assert staff.is_staff
    grant_sign(grant=proposal, user=world.users["talent_a"], typed_name="Amara Okafor",
               shown_terms_sha256=proposal.terms_sha256, ip="127.0.0.1", user_agent="test")
    grant_revoke(grant=ConsentGrant.objects.get(pk=proposal.pk), user=world.users["talent_a"])
    return world


def test_a_consistent_ledger_reconciles(ledger: World) -> None:
    out = run("reconcile_ledger")
    assert "ledger reconciled: 0 differences" in out
    assert f"royalty events checked : {RoyaltyEvent.objects.count()}" in out
    assert ConsentGrant.objects.get(pk=ledger.grant_b.pk).billable_views == 3  # the cap, exactly


def test_a_drifted_counter_is_reported(ledger: World) -> None:
    ConsentGrant.objects.filter(pk=ledger.grant_a.pk).update(billable_views=F("billable_views") + 1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("reconcile_ledger", stdout=out)
    assert f"grant #{ledger.grant_a.pk}: counter billable_views=" in out.getvalue()


def _raw_event(world: World, **over: Any) -> RoyaltyEvent:
    g = world.grant_a
    fields = dict(idempotency_key=f"raw-{RoyaltyEvent.objects.count()}", grant=g, twin=g.twin, talent=g.twin.talent,
                  product=world.product, brand=g.brand, channel="storefront", territory="US", viewer_key="s:raw",
                  billable=True, amount=g.rate_per_view, currency="USD", agency=world.agency_x,
                  agency_rate=Decimal("0.15"), agency_commission=(g.rate_per_view * Decimal("0.15")).quantize(Decimal("0.0001")),
                  at=timezone.now())
    fields.update(over)
    fields.setdefault("talent_net", fields["amount"] - fields["agency_commission"])
    if "talent_net" not in over:
        fields["talent_net"] = fields["amount"] - fields["agency_commission"]
    return RoyaltyEvent.objects.create(**fields)


@pytest.mark.parametrize(("over", "needle"), [
    ({"amount": Decimal("0.0500"), "agency_commission": Decimal("0.0075")}, "!= grant #"),
    ({"agency_commission": Decimal("0.0001")}, "commission 0.0001 !="),
    ({"at": timezone.now() + timedelta(days=4000)}, "outside grant"),
    ({"talent": None}, "disagree with grant"),
])
def test_a_row_that_breaks_a_rule_is_reported(ledger: World, over: dict[str, Any], needle: str) -> None:
    if over.get("talent", 1) is None:
        over = {"talent": ledger.talent_b}
    ConsentGrant.objects.filter(pk=ledger.grant_a.pk).update(billable_views=F("billable_views") + 1)
    event = _raw_event(ledger, **over)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile_ledger", stdout=out)
    assert f"royalty event #{event.pk}" in out.getvalue() and needle in out.getvalue()


def test_a_view_after_revocation_is_reported(ledger: World) -> None:
    revoked = ledger.revoked_a
    g = revoked
    event = _raw_event(ledger, grant=g, brand=g.brand, amount=g.rate_per_view,
                       agency_commission=(g.rate_per_view * Decimal("0.15")).quantize(Decimal("0.0001")))
    ConsentGrant.objects.filter(pk=g.pk).update(billable_views=1)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile_ledger", stdout=out)
    assert f"royalty event #{event.pk}: view at" in out.getvalue() and "was revoked" in out.getvalue()


def _amend_and_sign(world: World, grant: ConsentGrant, talent_role: str, name: str, **changes: Any) -> ConsentGrant:
    new = grant_amend(grant=grant, proposed_by=world.users["superuser"], **changes)
    return grant_sign(grant=new, user=world.users[talent_role], typed_name=name, shown_terms_sha256=new.terms_sha256)


def test_the_amendment_workflow_keeps_the_ledger_reconciled(ledger: World) -> None:
    """Issue 20 item 4: the cap runs across a consent's versions, so a signed amendment starts from the count
    its predecessor reached; reconcile counts the same way."""
    b1 = ConsentGrant.objects.get(pk=ledger.grant_b.pk)
    assert (b1.view_cap, b1.billable_views) == (3, 3)
    b2 = _amend_and_sign(ledger, b1, "talent_b", "Bo Berg", view_cap=5, rate_per_view=Decimal("0.0400"))
    for i in range(4):
        try:
            license_view(twin=b2.twin, product=ledger.product, viewer=Viewer(key=f"s:b2-{i}"), channel="storefront")
        except ConsentDenied:
            pass
    a1 = ConsentGrant.objects.get(pk=ledger.grant_a.pk)
    a2 = _amend_and_sign(ledger, a1, "talent_a", "Amara Okafor", rate_per_view=Decimal("0.0200"))
    license_view(twin=a2.twin, product=ledger.product, viewer=Viewer(key="s:a2"), channel="storefront")

    out = run("reconcile_ledger")

    assert "ledger reconciled: 0 differences" in out
    assert ConsentGrant.objects.get(pk=b2.pk).billable_views == 5  # 3 carried + 2 of its own, then the cap
    assert RoyaltyEvent.objects.filter(grant=b2, billable=True).count() == 2
    assert ConsentGrant.objects.get(pk=a2.pk).billable_views == a1.billable_views + 1
    assert "counted across this consent and the earlier versions it amends" in b2.terms_text


def test_an_amendment_lowering_the_cap_below_the_count_reconciles(ledger: World) -> None:
    a1 = ConsentGrant.objects.get(pk=ledger.grant_a.pk)
    assert a1.billable_views > 2
    a2 = _amend_and_sign(ledger, a1, "talent_a", "Amara Okafor", view_cap=2)
    with pytest.raises(ConsentDenied):
        license_view(twin=a2.twin, product=ledger.product, viewer=Viewer(key="s:late"), channel="storefront")

    assert ConsentGrant.objects.get(pk=a2.pk).billable_views == 2
    assert "ledger reconciled: 0 differences" in run("reconcile_ledger")


def test_an_sql_un_revoke_is_reported(ledger: World) -> None:
    ConsentGrant.objects.filter(pk=ledger.revoked_a.pk).update(status="signed", revoked_at=None)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("reconcile_ledger", stdout=out)
    assert (f"grant #{ledger.revoked_a.pk}: status 'signed' but its consent-event log says 'revoked'"
            in out.getvalue())


# --- backup and restore ----------------------------------------------------------------------------


def fingerprint() -> dict[str, Any]:
    rows = {m.__name__: [tuple(getattr(o, f.attname) for f in m._meta.concrete_fields)
                         for o in m.objects.order_by("pk")] for m in (ConsentEvent, RoyaltyEvent, DeniedView)}
    statements = {t: monthly_statements(talent=t) for t in (None,)}  # whole-ledger statements
    return {"rows": rows, "statements": statements}


def wipe_ledger() -> None:
    """What a lost ledger looks like: the three append-only tables empty, everything else intact."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The test's own transaction holds deferred FK checks for these rows: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE licensing_royaltyevent, licensing_consentevent, licensing_deniedview")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        from licensing.db import whole_database_wipe

        with whole_database_wipe():
            for m in (RoyaltyEvent, DeniedView, ConsentEvent):
                m.objects.all().delete()


def test_backup_and_restore_round_trip_exactly(ledger: World, tmp_path: Path) -> None:
    before = fingerprint()
    assert all(before["rows"].values())  # every table has rows to carry
    path = tmp_path / "ledger.jsonl"
    out = run("ledger_backup", str(path))
    assert "sha256" in out
    wipe_ledger()
    assert RoyaltyEvent.objects.count() == 0

    out = run("ledger_restore", str(path))

    assert "counts and totals match the backup" in out
    assert fingerprint() == before
    assert "0 differences" in run("reconcile_ledger")
    license_view(twin=ledger.grant_a.twin, product=ledger.product, viewer=Viewer(key="s:after"), channel="storefront")
    assert RoyaltyEvent.objects.count() == len(before["rows"]["RoyaltyEvent"]) + 1  # sequences moved past the ids


def test_restore_refuses_a_non_empty_ledger(ledger: World, tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    run("ledger_backup", str(path))
    before = fingerprint()
    with pytest.raises(CommandError, match="not empty"):
        run("ledger_restore", str(path))
    assert fingerprint() == before


@pytest.mark.parametrize("tamper", ["amount", "truncate", "garbage"])
def test_restore_refuses_a_tampered_file_and_writes_nothing(ledger: World, tmp_path: Path, tamper: str) -> None:
    path = tmp_path / "ledger.jsonl"
    run("ledger_backup", str(path))
    data = path.read_bytes()
    if tamper == "amount":
        data = data.replace(b'"amount": "0.0125"', b'"amount": "9.0125"', 1)
    elif tamper == "truncate":
        lines = data.splitlines(keepends=True)
        data = b"".join(lines[:3] + lines[-1:])
    else:
        data = b"not a backup\n"
    path.write_bytes(data)
    wipe_ledger()
    with pytest.raises(CommandError, match="restore refused"):
        run("ledger_restore", str(path))
    assert RoyaltyEvent.objects.count() == ConsentEvent.objects.count() == DeniedView.objects.count() == 0


def test_backup_refuses_to_overwrite(ledger: World, tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text("precious")
    with pytest.raises(CommandError, match="exists"):
        run("ledger_backup", str(path))
    assert path.read_text() == "precious"
