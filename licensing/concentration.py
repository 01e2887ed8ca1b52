"""Concentration reads (selectors): how views and earnings spread among twins, from the royalty ledger.

Merchandisers see it in the admin (views, billable views and earnings per twin over a period, each twin's
share, the top-1 share and the Gini coefficient, per master category and channel); a talent sees their share
of the views in the categories their consents cover; an agency the same for its roster.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from .models import ConsentGrant, GrantStatus, RoyaltyEvent, Talent

QUANTUM = Decimal("0.0001")
SHARE = Decimal("0.0001")


def gini(values: list) -> Decimal:
    """0 when every value is equal, (n-1)/n when one takes everything."""
    xs = sorted(Decimal(v) for v in values)
    n, total = len(xs), sum(xs, Decimal(0))
    if n == 0 or total == 0:
        return Decimal("0.0000")
    weighted = sum(((2 * (i + 1) - n - 1) * x for i, x in enumerate(xs)), Decimal(0))
    return (weighted / (n * total)).quantize(SHARE, rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, rounding=ROUND_HALF_UP) if whole else Decimal("0.0000")


@dataclass(frozen=True)
class TwinRow:
    twin_id: int
    twin: str
    views: int
    billable: int
    earnings: dict[str, Decimal]  # currency -> gross
    share: Decimal  # of the views in this slice


@dataclass(frozen=True)
class Slice:
    """One slice of the ledger (all, one master category, or one channel)."""

    label: str
    views: int
    billable: int
    rows: list[TwinRow]
    top1_share: Decimal
    gini: Decimal


def ledger_events(*, start: datetime, end: datetime) -> QuerySet:
    return RoyaltyEvent.objects.filter(at__gte=start, at__lt=end)


def concentration_slice(events: QuerySet, *, label: str) -> Slice:
    """Per twin: views, billable views, gross earnings per currency, share of views; then top-1 and Gini."""
    per_twin: dict[int, dict] = {}
    rows = (events.values("twin_id", "twin__name", "currency")
            .annotate(views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), gross=Sum("amount"))
            .order_by("twin_id", "currency"))
    for r in rows:
        entry = per_twin.setdefault(r["twin_id"], {"twin": r["twin__name"], "views": 0, "billable": 0, "earnings": {}})
        entry["views"] += r["views"]
        entry["billable"] += r["billable"]
        gross = (r["gross"] or Decimal(0)).quantize(QUANTUM, rounding=ROUND_HALF_UP)
        if r["billable"]:
            entry["earnings"][r["currency"]] = entry["earnings"].get(r["currency"], Decimal("0.0000")) + gross
    total = sum(e["views"] for e in per_twin.values())
    twin_rows = sorted((TwinRow(twin_id=t, twin=e["twin"], views=e["views"], billable=e["billable"],
                                earnings=e["earnings"], share=_share(e["views"], total))
                        for t, e in per_twin.items()), key=lambda r: (-r.views, r.twin_id))
    return Slice(label=label, views=total, billable=sum(r.billable for r in twin_rows), rows=twin_rows,
                 top1_share=twin_rows[0].share if twin_rows else Decimal("0.0000"),
                 gini=gini([r.views for r in twin_rows]))


def concentration_report(*, start: datetime, end: datetime) -> dict[str, list[Slice]]:
    """The whole period, then one slice per master category and per channel (each with its own shares)."""
    events = ledger_events(start=start, end=end)
    categories = sorted(set(events.values_list("product__article_type__sub_category__master__name", flat=True)))
    channels = sorted(set(events.values_list("channel", flat=True)))
    return {
        "all": [concentration_slice(events, label="All views")],
        "category": [concentration_slice(events.filter(product__article_type__sub_category__master__name=c),
                                         label=c) for c in categories],
        "channel": [concentration_slice(events.filter(channel=c), label=c) for c in channels],
    }


@dataclass(frozen=True)
class EligibleShare:
    views: int  # the talent's views in the period, in the categories their consents cover
    eligible_views: int  # every twin's views of products in those categories in the period
    share: Decimal
    categories: list[str]

    @property
    def percent(self) -> str:
        return f"{(self.share * 100).normalize():f}%"


def talent_eligible_share(*, talent: Talent, start: datetime, end: datetime) -> EligibleShare:
    """The talent's share of the views of products they were eligible for, approximated by master category:
    the categories their signed (or since revoked or expired) consents allowed in the period, all twins' views
    of products in those categories as the whole. Exact eligibility (brand, channel, territory, exclusions and
    windows per view) would replay the gate for every view; the category approximation overstates the whole
    a little where exclusions applied."""
    grants = ConsentGrant.objects.filter(
        twin__talent=talent, valid_from__lt=end, valid_until__gt=start,
        status__in=[GrantStatus.SIGNED, GrantStatus.REVOKED, GrantStatus.EXPIRED, GrantStatus.SUPERSEDED],
    ).exclude(signed_at__isnull=True).values_list("allowed_master_categories", flat=True)
    allowed = [list(a or []) for a in grants]
    events = ledger_events(start=start, end=end)
    if not allowed:
        return EligibleShare(views=0, eligible_views=0, share=Decimal("0.0000"), categories=[])
    if any(not a for a in allowed):  # a grant that allows any category
        categories: list[str] = []
        whole = events
    else:
        categories = sorted({c for a in allowed for c in a})
        whole = events.filter(product__article_type__sub_category__master__name__in=categories)
    eligible_views = whole.count()
    own = whole.filter(talent=talent).count()
    return EligibleShare(views=own, eligible_views=eligible_views, share=_share(own, eligible_views),
                         categories=categories)
