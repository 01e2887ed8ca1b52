"""`manage.py reconcile_ledger`: recompute every statement and counter from the royalty events, row by row.

What it checks (exit status 1 and one line per difference when anything disagrees, 0 otherwise):
- every row: amount == agency commission + talent net; a billable row is charged its grant's rate in the
  grant's currency, a non-billable row is zero; the commission is amount x the row's agency rate rounded
  half-up to 4 places and the rate is at most 20%; twin, talent and brand agree with the grant; the view
  falls inside the grant's window and before its revocation;
- every grant: the running counter `billable_views` equals the number of its billable events, within the cap;
- every monthly statement (per talent and per agency, per currency), as the talent and agency pages show
  it (licensing.selectors.monthly_statements, summed by the database), equals the same statement
  recomputed here in Python Decimal from the individual rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from licensing.models import MAX_AGENCY_COMMISSION, Agency, ConsentGrant, RoyaltyEvent, Talent
from licensing.selectors import with_listed_brand_ids
from licensing.services import grant_covers_brand
from licensing.selectors import monthly_statements

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
    at = e.at.astimezone(dt_timezone.utc)
    return date(at.year, at.month, 1)


def ledger_reconcile() -> Reconciliation:
    """Recompute everything from the events; never writes."""
    out = Reconciliation()
    grants = {g.pk: g for g in with_listed_brand_ids(list(ConsentGrant.objects.select_related("twin")))}
    by_talent: dict[tuple[int, date, str], Tally] = defaultdict(Tally)
    by_agency: dict[tuple[int, date, str], Tally] = defaultdict(Tally)
    billable_by_grant: dict[int, int] = defaultdict(int)
    totals: dict[str, Tally] = defaultdict(Tally)
    diff = out.differences.append

    for e in RoyaltyEvent.objects.order_by("pk").iterator(chunk_size=5000):
        out.rows += 1
        g = grants.get(e.grant_id)
        where = f"royalty event #{e.pk}"
        if e.amount != e.agency_commission + e.talent_net:
            diff(f"{where}: amount {e.amount} != commission {e.agency_commission} + net {e.talent_net}")
        if e.billable:
            billable_by_grant[e.grant_id] += 1
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
        if g is None:
            diff(f"{where}: grant #{e.grant_id} does not exist")
        else:
            if ((e.twin_id, e.talent_id) != (g.twin_id, g.twin.talent_id)
                    or not grant_covers_brand(g, e.brand_id)):
                diff(f"{where}: twin/talent/brand {(e.twin_id, e.talent_id, e.brand_id)} disagree with grant "
                     f"#{g.pk} {(g.twin_id, g.twin.talent_id, g.brand_id or g.brand_scope)}")
            if not (g.valid_from <= e.at < g.valid_until):
                diff(f"{where}: view at {e.at.isoformat()} outside grant #{g.pk}'s window")
            if g.revoked_at is not None and e.at >= g.revoked_at:
                diff(f"{where}: view at {e.at.isoformat()} after grant #{g.pk} was revoked at {g.revoked_at.isoformat()}")
        month = _month(e)
        by_talent[(e.talent_id, month, e.currency)].add(e)
        if e.agency_id is not None:
            by_agency[(e.agency_id, month, e.currency)].add(e)
        totals[e.currency].add(e)

    for g in grants.values():
        out.grants += 1
        counted = billable_by_grant.get(g.pk, 0)
        if g.billable_views != counted:
            diff(f"grant #{g.pk}: counter billable_views={g.billable_views} but {counted} billable events")
        if g.view_cap is not None and counted > g.view_cap:
            diff(f"grant #{g.pk}: {counted} billable events exceed the cap of {g.view_cap}")

    for kind, model, mine in (("talent", Talent, by_talent), ("agency", Agency, by_agency)):
        owners = {k[0] for k in mine}
        # Owners the pages would show statements for, even if this pass saw no rows for them.
        owner_field = "talent_id" if kind == "talent" else "agency_id"
        owners |= set(RoyaltyEvent.objects.exclude(**{f"{owner_field}__isnull": True}).values_list(owner_field, flat=True).distinct())
        for owner in model.objects.filter(pk__in=owners):
            shown = {(s.month, s.currency): s for s in monthly_statements(**{kind: owner})}
            recomputed = {(m, c): t for (o, m, c), t in mine.items() if o == owner.pk}
            for key in sorted(set(shown) | set(recomputed)):
                out.statements += 1
                s = shown.get(key)
                page = (s.views, s.billable, s.gross, s.commission, s.net) if s else None
                ours = recomputed[key].as_tuple() if key in recomputed else None
                if page != ours:
                    diff(f"{kind} {owner} {key[0]:%Y-%m} {key[1]}: statement {page} != recomputed {ours}")

    out.totals = {c: t.as_tuple()[2] for c, t in totals.items()}
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
