"""`manage.py reconcile_ledger`: recompute every statement and counter from the royalty events, row by row.

What it checks (exit status 1 and one line per difference when anything disagrees, 0 otherwise):
- every row: amount == agency commission + talent net; a billable row is charged its grant's rate in the
  grant's currency, a non-billable row is zero; the commission is amount x the row's agency rate rounded
  half-up to 4 places and the rate is at most 20%; twin, talent and brand agree with the grant; the view
  falls inside the grant's window and before its revocation;
- every grant: the running counter `billable_views` equals its billable events plus what the version it amends
  carried over when it was signed (the cap runs across a consent's versions: consent terms point 7), within
  the cap; its status is the one its last consent event left it in (an SQL "un-revoke" has no event);
- every monthly statement (per talent and per agency, per currency), as the talent and agency pages show
  it (licensing.selectors.monthly_statements, summed by the database), equals the same statement
  recomputed here in Python Decimal from the individual rows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from licensing.models import (
    MAX_AGENCY_COMMISSION,
    Agency,
    ConsentEvent,
    ConsentEventKind,
    ConsentGrant,
    GrantStatus,
    RoyaltyEvent,
    Talent,
)
from licensing.rules import grant_covers_brand
from licensing.selectors import monthly_statements, with_listed_brand_ids

QUANTUM = Decimal("0.0001")


@dataclass
class Tally:
    views: int = 0
    billable: int = 0
    gross: Decimal = Decimal("0")
    commission: Decimal = Decimal("0")
    net: Decimal = Decimal("0")

    def add(self, e: RoyaltyEvent) -> None:
        self.views += 1
        self.billable += 1 if e.billable else 0
        self.gross += e.amount
        self.commission += e.agency_commission
        self.net += e.talent_net

    def as_tuple(self) -> tuple[int, int, Decimal, Decimal, Decimal]:
        q = lambda d: Decimal(d).quantize(QUANTUM, rounding=ROUND_HALF_UP)  # noqa: E731
        return self.views, self.billable, q(self.gross), q(self.commission), q(self.net)


@dataclass
class Reconciliation:
    differences: list[str] = field(default_factory=list)
    rows: int = 0
    grants: int = 0
    statements: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences


def _month(e: RoyaltyEvent) -> date:
    at = e.at.astimezone(UTC)
    return date(at.year, at.month, 1)


# The status each consent event leaves its grant in (the event log is the proof; the column is a cache of it).
STATUS_AFTER_EVENT: dict[str, str] = {
    ConsentEventKind.PROPOSED.value: GrantStatus.PROPOSED.value,
    ConsentEventKind.AMENDED.value: GrantStatus.PROPOSED.value,
    ConsentEventKind.SIGNED.value: GrantStatus.SIGNED.value,
    ConsentEventKind.SUPERSEDED.value: GrantStatus.SUPERSEDED.value,
    ConsentEventKind.REVOKED.value: GrantStatus.REVOKED.value,
    ConsentEventKind.EXPIRED.value: GrantStatus.EXPIRED.value,
}


@dataclass
class _Pass:
    """What one pass over the royalty rows accumulates for the later checks."""

    by_talent: dict[tuple[int, date, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_agency: dict[tuple[int, date, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    billable_by_grant: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


def _check_amounts(e: RoyaltyEvent, g: ConsentGrant | None, diff: Callable[[str], None]) -> None:
    where = f"royalty event #{e.pk}"
    if e.amount != e.agency_commission + e.talent_net:
        diff(f"{where}: amount {e.amount} != commission {e.agency_commission} + net {e.talent_net}")
    if e.billable:
        if g is not None and (e.amount != g.rate_per_view or e.currency != g.currency):
            diff(f"{where}: billable amount {e.amount} {e.currency} != grant #{g.pk} rate "
                 f"{g.rate_per_view} {g.currency}")
    elif e.amount != 0 or not e.non_billable_reason:
        diff(f"{where}: non-billable row with amount {e.amount} / reason {e.non_billable_reason!r}")
    expected_commission = (e.amount * e.agency_rate).quantize(QUANTUM, rounding=ROUND_HALF_UP)
    if e.agency_commission != expected_commission:
        diff(f"{where}: commission {e.agency_commission} != {e.amount} x {e.agency_rate} = {expected_commission}")
    if e.agency_rate > MAX_AGENCY_COMMISSION or (e.agency_id is None and e.agency_commission != 0):
        diff(f"{where}: agency rate {e.agency_rate} / commission {e.agency_commission} without a valid agency")


def _check_against_grant(e: RoyaltyEvent, g: ConsentGrant | None, diff: Callable[[str], None]) -> None:
    where = f"royalty event #{e.pk}"
    if g is None:
        diff(f"{where}: grant #{e.grant_id} does not exist")
        return
    if (e.twin_id, e.talent_id) != (g.twin_id, g.twin.talent_id) or not grant_covers_brand(g, e.brand_id):
        diff(f"{where}: twin/talent/brand {(e.twin_id, e.talent_id, e.brand_id)} disagree with grant "
             f"#{g.pk} {(g.twin_id, g.twin.talent_id, g.brand_id or g.brand_scope)}")
    if not (g.valid_from <= e.at < g.valid_until):
        diff(f"{where}: view at {e.at.isoformat()} outside grant #{g.pk}'s window")
    if g.revoked_at is not None and e.at >= g.revoked_at:
        diff(f"{where}: view at {e.at.isoformat()} after grant #{g.pk} was revoked at {g.revoked_at.isoformat()}")


def _check_rows(grants: dict[int, ConsentGrant], out: Reconciliation) -> _Pass:
    acc = _Pass()
    for e in RoyaltyEvent.objects.order_by("pk").iterator(chunk_size=5000):
        out.rows += 1
        g = grants.get(e.grant_id)
        _check_amounts(e, g, out.differences.append)
        _check_against_grant(e, g, out.differences.append)
        if e.billable:
            acc.billable_by_grant[e.grant_id] += 1
        month = _month(e)
        acc.by_talent[(e.talent_id, month, e.currency)].add(e)
        if e.agency_id is not None:
            acc.by_agency[(e.agency_id, month, e.currency)].add(e)
        acc.totals[e.currency].add(e)
    return acc


def _carries_count(g: ConsentGrant, previous: ConsentGrant | None) -> bool:
    """Whether signing `g` carried its previous version's counter over: grant_sign does so exactly when the
    previous version was in force, and supersedes it at the very moment of the signature."""
    return (previous is not None and previous.status == GrantStatus.SUPERSEDED and g.signed_at is not None
            and previous.superseded_at == g.signed_at)


def expected_counters(grants: dict[int, ConsentGrant], billable_by_grant: dict[int, int]) -> dict[int, int]:
    """Each grant's `billable_views` as the consent terms define it: the cap runs over a consent's chain of
    versions, so a version signed as an amendment starts from its predecessor's count (no higher than its
    own cap) and adds its own billable rows."""
    expected: dict[int, int] = {}
    for g in sorted(grants.values(), key=lambda g: (g.version, g.pk)):  # a predecessor has a lower version
        previous = grants.get(g.previous_id) if g.previous_id else None
        carried = expected.get(previous.pk, 0) if previous is not None and _carries_count(g, previous) else 0
        if g.view_cap is not None:
            carried = min(carried, g.view_cap)
        expected[g.pk] = carried + billable_by_grant.get(g.pk, 0)
    return expected


def _check_counters(grants: dict[int, ConsentGrant], acc: _Pass, out: Reconciliation) -> None:
    expected = expected_counters(grants, acc.billable_by_grant)
    for g in grants.values():
        out.grants += 1
        counted = expected[g.pk]
        if g.billable_views != counted:
            out.differences.append(f"grant #{g.pk}: counter billable_views={g.billable_views} but {counted} expected "
                                   f"({acc.billable_by_grant.get(g.pk, 0)} billable events of its own, plus what "
                                   f"the version it amends carried over)")
        if g.view_cap is not None and counted > g.view_cap:
            out.differences.append(f"grant #{g.pk}: {counted} billable views across its versions exceed the cap "
                                   f"of {g.view_cap}")


def _check_status_log(grants: dict[int, ConsentGrant], out: Reconciliation) -> None:
    """A grant's status must be the one its last consent event left it in: a status changed by SQL (an
    "un-revoke") has no event behind it."""
    last_kind: dict[int, str] = {}
    for grant_id, kind in ConsentEvent.objects.order_by("pk").values_list("grant_id", "kind").iterator():
        last_kind[grant_id] = kind
    for g in grants.values():
        last = last_kind.get(g.pk)
        logged = STATUS_AFTER_EVENT.get(last) if last else None
        if logged != g.status:
            out.differences.append(f"grant #{g.pk}: status {g.status!r} but its consent-event log says "
                                   f"{logged!r} (last event: {last or 'none'})")


def _check_statements(acc: _Pass, out: Reconciliation) -> None:
    for kind, model, mine in (("talent", Talent, acc.by_talent), ("agency", Agency, acc.by_agency)):
        owners = {k[0] for k in mine}
        # Owners the pages would show statements for, even if this pass saw no rows for them.
        owner_field = "talent_id" if kind == "talent" else "agency_id"
        owners |= set(RoyaltyEvent.objects.exclude(**{f"{owner_field}__isnull": True})
                      .values_list(owner_field, flat=True).distinct())
        for owner in model.objects.filter(pk__in=owners):
            statements = (monthly_statements(talent=owner) if isinstance(owner, Talent)
                          else monthly_statements(agency=owner))
            shown = {(s.month, s.currency): s for s in statements}
            recomputed = {(m, c): t for (o, m, c), t in mine.items() if o == owner.pk}
            for key in sorted(set(shown) | set(recomputed)):
                out.statements += 1
                s = shown.get(key)
                page = (s.views, s.billable, s.gross, s.commission, s.net) if s else None
                ours = recomputed[key].as_tuple() if key in recomputed else None
                if page != ours:
                    out.differences.append(f"{kind} {owner} {key[0]:%Y-%m} {key[1]}: statement {page} != "
                                           f"recomputed {ours}")


def ledger_reconcile() -> Reconciliation:
    """Recompute everything from the events; never writes."""
    out = Reconciliation()
    grants = {g.pk: g for g in with_listed_brand_ids(list(ConsentGrant.objects.select_related("twin")))}
    acc = _check_rows(grants, out)
    _check_counters(grants, acc, out)
    _check_status_log(grants, out)
    _check_statements(acc, out)
    out.totals = {c: t.as_tuple()[2] for c, t in acc.totals.items()}
    return out


class Command(BaseCommand):
    help = "Recompute every statement and counter from the royalty events; exit 1 on any difference."

    def handle(self, *args: Any, **options: Any) -> None:
        result = ledger_reconcile()
        grant_counts = ConsentGrant.objects.aggregate(n=Count("pk"), capped=Count("pk", filter=Q(view_cap__isnull=False)))
        self.stdout.write(f"royalty events checked : {result.rows}")
        self.stdout.write(f"grants checked         : {result.grants} ({grant_counts['capped']} with a cap)")
        self.stdout.write(f"statements checked     : {result.statements}")
        for currency, gross in sorted(result.totals.items()):
            self.stdout.write(f"ledger total           : {gross} {currency}")
        for line in result.differences:
            self.stdout.write(f"DIFFERENCE {line}")
        if not result.ok:
            raise CommandError(f"{len(result.differences)} difference(s) between the ledger and its statements")
        self.stdout.write(self.style.SUCCESS("ledger reconciled: 0 differences"))
