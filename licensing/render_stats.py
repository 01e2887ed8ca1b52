"""Render statistics for merchandisers (admin): licensed views, billable views and refusals per twin,
brand and day. A read over the append-only ledger and denial log; its own page, apart from the
concentration page (per-twin share, Gini)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from licensing.models import DeniedView, RoyaltyEvent

PERIODS = (7, 30, 90)
MAX_DETAIL_ROWS = 500


@dataclass
class StatRow:
    label: Any
    views: int = 0
    billable: int = 0
    denied: int = 0


@dataclass
class RenderStatistics:
    since: date
    days: int
    total: StatRow
    by_day: list[StatRow]
    by_twin: list[StatRow]
    by_brand: list[StatRow]
    detail: list[tuple[date, str, str, StatRow]]
    detail_truncated: bool


def render_statistics(*, days: int, today: date | None = None) -> RenderStatistics:
    """Counts over the last `days` days (today included). Two grouped queries, whatever the traffic."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(since, time.min))
    views = (
        RoyaltyEvent.objects.filter(at__gte=start).annotate(day=TruncDate("at")).order_by()
        .values_list("day", "twin__name", "brand__name")
        .annotate(n=Count("pk"), billable=Count("pk", filter=Q(billable=True)))
    )
    denied = (
        DeniedView.objects.filter(at__gte=start).annotate(day=TruncDate("at")).order_by()
        .values_list("day", "twin__name", "product__brand__name").annotate(n=Count("pk"))
    )
    cells: dict[tuple[date, str, str], StatRow] = {}
    for day, twin, brand, n, billable in views:
        row = cells.setdefault((day, twin, brand), StatRow((day, twin, brand)))
        row.views, row.billable = n, billable
    for day, twin, brand, n in denied:
        cells.setdefault((day, twin, brand), StatRow((day, twin, brand))).denied = n

    def rollup(index: int | None) -> list[StatRow]:
        out: dict[Any, StatRow] = defaultdict(lambda: StatRow(None))
        for key, c in cells.items():
            label = key[index] if index is not None else "all"
            r = out[label]
            r.label = label
            r.views, r.billable, r.denied = r.views + c.views, r.billable + c.billable, r.denied + c.denied
        return list(out.values())

    by_day = sorted(rollup(0), key=lambda r: r.label, reverse=True)
    by_twin = sorted(rollup(1), key=lambda r: (-r.views, r.label))
    by_brand = sorted(rollup(2), key=lambda r: (-r.views, r.label))
    total = (rollup(None) or [StatRow("all")])[0]
    detail = sorted(cells.items(), key=lambda kv: (-kv[0][0].toordinal(), -kv[1].views, kv[0][1], kv[0][2]))
    return RenderStatistics(
        since=since, days=days, total=total, by_day=by_day, by_twin=by_twin, by_brand=by_brand,
        detail=[(d, t, b, r) for (d, t, b), r in detail[:MAX_DETAIL_ROWS]],
        detail_truncated=len(detail) > MAX_DETAIL_ROWS,
    )


@staff_member_required
def render_statistics_view(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "30")[:3])
    except ValueError:
        days = 30
    if days not in PERIODS:
        days = 30
    return TemplateResponse(request, "admin/licensing/render_statistics.html", {
        **admin.site.each_context(request),
        "title": "Render statistics",
        "stats": render_statistics(days=days),
        "periods": PERIODS,
    })
