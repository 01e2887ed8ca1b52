"""Licensing reads: which twins may be shown, earnings, statements, render statistics."""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from shop.models import ArticleType, Product

from .models import BrandScope, ConsentGrant, CoverageToken, DigitalTwin, GrantBrand, GrantStatus
from .rules import ProductScope, grant_covers_brand, grant_failure, scope_slot


def listed_brand_ids(grant_ids) -> dict[int, frozenset[int]]:
    """grant id -> the brand ids of its listed set (shop grants for a listed set; others have none)."""
    out: dict[int, set[int]] = {}
    for grant_id, brand_id in GrantBrand.objects.filter(grant_id__in=list(grant_ids)).values_list("grant_id", "brand_id"):
        out.setdefault(grant_id, set()).add(brand_id)
    return {g: frozenset(b) for g, b in out.items()}


def with_listed_brand_ids(grants: list[ConsentGrant]) -> list[ConsentGrant]:
    """The grants, each with `listed_brand_ids` set (what grant_covers_brand reads), in one query."""
    listed = listed_brand_ids([g.pk for g in grants if g.brand_scope == BrandScope.SHOP_LISTED])
    for grant in grants:
        grant.listed_brand_ids = listed.get(grant.pk, frozenset())
    return grants


def product_scope(product: Product) -> ProductScope:
    """What the rules read of a product (licensing.rules.ProductScope): one query unless its category chain is
    loaded."""
    cache = product._state.fields_cache
    at = cache.get("article_type")
    if at is not None and "sub_category" in at._state.fields_cache and "master" in at.sub_category._state.fields_cache:
        sub = at.sub_category
        return ProductScope(brand_id=product.brand_id, article_type=at.name, master_category=sub.master.name,
                            sub_category=sub.name, gender=product.gender)
    name, sub_name, master = (
        ArticleType.objects.filter(pk=product.article_type_id)
        .values_list("name", "sub_category__name", "sub_category__master__name").get()
    )
    return ProductScope(brand_id=product.brand_id, article_type=name, master_category=master, sub_category=sub_name,
                        gender=product.gender)


def twin_images_for_products(*, products: Iterable[Product], channel: str, territory: str | None = None,
                             at: datetime | None = None, session_key: str | None = None,
                             ) -> dict[int, list[DigitalTwin]]:
    """Which twins may these products be shown on: catalog_id -> the eligible twins, in twin id order (an empty
    list for a product that has none). The one answer the storefront and the chat use.

    Eligible: the product may appear on a twin (licensing.rules.may_appear_on_twin), and a signed consent of an
    active twin covers it on this channel, in this territory, now (licensing.rules.grant_failure). Products need
    their category chain loaded (else one query each). The grants come from the coverage cache
    (`signed_grants_by_brand`), whose token is read on every call, so a revocation shows on the next call. This
    only picks candidates: the gate decides and records each view. `session_key` says whose page this is; the
    eligibility does not depend on it (which of the eligible twins a shopper sees is the caller's choice)."""
    del session_key  # part of the contract for choosers (fair exposure); eligibility is the same for everyone
    at = at or timezone.now()
    territory = (territory or settings.LICENSING_DEFAULT_TERRITORY).strip().upper()
    products = list(products)
    out: dict[int, list[DigitalTwin]] = {p.catalog_id: [] for p in products}
    scopes = {p.catalog_id: product_scope(p) for p in products}
    wearable = {cid: scope for cid, scope in scopes.items() if scope_slot(scope) is not None}
    if not wearable:
        return out
    grants_by_brand, twin_by_id = signed_grants_by_brand({scope.brand_id for scope in wearable.values()})
    for cid, scope in wearable.items():
        out[cid] = _covering_twins(grants_by_brand[scope.brand_id], twin_by_id, scope=scope, channel=channel,
                                   territory=territory, at=at)
    return out


def _covering_twins(grants: Iterable[Any], twin_by_id: dict[int, DigitalTwin], *, scope: ProductScope,
                    channel: str, territory: str, at: datetime) -> list[DigitalTwin]:
    """The active twins of `grants` (in their order, each twin once) whose terms cover this view."""
    twins: dict[int, DigitalTwin] = {}
    for grant in grants:
        if grant.twin_id in twins:
            continue
        twin = twin_by_id.get(grant.twin_id)
        if (twin is not None and twin.is_active
                and grant_failure(grant, scope=scope, channel=channel, territory=territory, at=at) is None):
            twins[grant.twin_id] = twin
    return list(twins.values())


# --- coverage, cached under the database's coverage token ----------------------------------------

# What grant_failure reads of a grant, and which twin and brand it is for.
GrantTerms = namedtuple("GrantTerms", [
    "pk", "twin_id", "brand_id", "brand_scope", "status", "valid_from", "valid_until", "channels", "allowed_master_categories",
    "allowed_article_types", "excluded_master_categories", "excluded_article_types", "territories", "view_cap",
    "billable_views", "listed_brand_ids",
])
_GRANT_COLUMNS = GrantTerms._fields[:-1]


@dataclass
class _Coverage:
    token: int | None
    grants_by_brand: dict[int, list[GrantTerms]] = field(default_factory=dict)
    twins: dict[int, DigitalTwin] = field(default_factory=dict)
    signed: list[GrantTerms] = field(default_factory=list)  # every signed grant, in (twin, pk) order


_coverage: _Coverage | None = None


def coverage_token() -> int | None:
    """The database's coverage token (read on every chat turn; None when the row is gone)."""
    # A primary-key filter finds at most one row: no ORDER BY/LIMIT (first()) to build on every turn.
    return next(iter(CoverageToken.objects.filter(pk=1).values_list("token", flat=True)), None)


def _coverage_load(token: int | None) -> _Coverage:
    """Every signed grant and the twins they name (with talent and poses): two reads per coverage change."""
    rows = list(ConsentGrant.objects.filter(status=GrantStatus.SIGNED).order_by("twin_id", "pk")
                .values_list(*_GRANT_COLUMNS))
    listed = listed_brand_ids([r[0] for r in rows if r[3] == BrandScope.SHOP_LISTED])
    signed = [GrantTerms._make((*row, listed.get(row[0], frozenset()))) for row in rows]
    twins = (DigitalTwin.objects.filter(pk__in={t.twin_id for t in signed}).select_related("talent")
             .prefetch_related("poses").in_bulk()) if signed else {}
    return _Coverage(token=token, twins=twins, signed=signed)


def signed_grants_by_brand(brand_ids: set[int]) -> tuple[dict[int, list[GrantTerms]], dict[int, DigitalTwin]]:
    """Signed grants covering each of these brands (the brand's own and the shop's, in (twin, pk) order) and
    the twins they name, with talent and poses.

    A page of product cards meets dozens of grants (one per twin and brand), and reading them with their
    twins on every chat turn was its largest cost. Every signed grant (a shop has a few per twin) is read
    once per process and coverage change, under the coverage token, which the database changes in the same
    transaction as any change that matters (licensing.db); each brand's list is then sorted out in memory, on
    first use. The token is read first on every call: a revocation still shows on the very next call.
    Windows are not cached decisions: grant_failure checks them at the caller's time. The gate still decides
    each view."""
    global _coverage
    token = coverage_token()
    cov = _coverage
    # No token row (a test database flushed by a transactional test; never in a migrated shop): nothing can say
    # when coverage changes, so nothing is reused.
    if cov is None or token is None or cov.token != token:
        cov = _coverage = _coverage_load(token)
    for brand_id in set(brand_ids) - cov.grants_by_brand.keys():
        cov.grants_by_brand[brand_id] = [t for t in cov.signed if grant_covers_brand(t, brand_id)]
    return {b: cov.grants_by_brand[b] for b in brand_ids}, cov.twins


# --- earnings (talent and agency pages) ---------------------------------------------------------

from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, date, timedelta  # noqa: E402
from decimal import ROUND_HALF_UP, Decimal  # noqa: E402

from django.db.models import Count, Q, QuerySet, Sum  # noqa: E402
from django.db.models.functions import TruncDate, TruncMonth  # noqa: E402

from .models import (  # noqa: E402
    Agency,
    ConsentEvent,
    DenialReason,
    DeniedView,
    NonBillableReason,
    Representation,
    RoyaltyEvent,
    Talent,
)

ZERO = Decimal("0.0000")
CENT = Decimal("0.01")
QUANTUM = Decimal("0.0001")


def _q(value: Decimal | None) -> Decimal:
    """Ledger sums at the ledger's 4 decimal places. PostgreSQL sums NUMERIC exactly; SQLite sums in
    float64, whose error stays far below 0.0001 at any realistic volume, so quantizing restores the exact sum."""
    return (value or ZERO).quantize(QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    gross: Decimal
    commission: Decimal
    net: Decimal
    views: int
    billable: int
    currency: str


def _money(qs: QuerySet) -> list[Money]:
    """Totals per currency: grants may pay in different currencies, and those never add up."""
    rows = (qs.values("currency")
            .annotate(gross=Sum("amount"), commission=Sum("agency_commission"), net=Sum("talent_net"),
                      views=Count("pk"), billable=Count("pk", filter=Q(billable=True)))
            .order_by("currency"))
    totals = [Money(gross=_q(r["gross"]), commission=_q(r["commission"]), net=_q(r["net"]), views=r["views"],
                    billable=r["billable"], currency=r["currency"]) for r in rows]
    zero = Decimal("0.0000")
    return totals or [Money(gross=zero, commission=zero, net=zero, views=0, billable=0,
                            currency=settings.SHOP_CURRENCY)]


def talent_for_user(*, user) -> Talent | None:
    if not user.is_authenticated:
        return None
    return Talent.objects.filter(user=user).first()


def agencies_for_user(*, user) -> list[Agency]:
    if not user.is_authenticated:
        return []
    return list(Agency.objects.filter(staff=user).order_by("name"))


def talent_events(*, talent: Talent) -> QuerySet:
    return RoyaltyEvent.objects.filter(talent=talent)


def earnings_summary(*, talent: Talent, now: datetime | None = None) -> dict[str, list[Money]]:
    now = now or timezone.now()
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    month = today.replace(day=1)
    events = talent_events(talent=talent)
    return {
        "today": _money(events.filter(at__gte=today, at__lte=now)),
        "month": _money(events.filter(at__gte=month, at__lte=now)),
        "all_time": _money(events.filter(at__lte=now)),
    }


def earnings_by(*, talent: Talent, dimension: str, limit: int = 10) -> list[dict]:
    """Top earners by brand (the product's), payer (who pays: a brand, or the shop under a shop-wide consent),
    product or twin: name, views, billable, gross, net."""
    fields = {"brand": ("brand__name", "currency"), "product": ("product__catalog_id", "product__name", "currency"),
              "twin": ("twin__name", "currency"),
              "payer": ("grant__brand_scope", "grant__brand__name", "currency")}[dimension]
    rows = (
        talent_events(talent=talent).values(*fields)
        .annotate(views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), gross=Sum("amount"),
                  net=Sum("talent_net"))
        .order_by("-gross", "-views", *fields)[:limit]
    )
    return [{**r, "gross": _q(r["gross"]), "net": _q(r["net"]),
             **({"payer": r["grant__brand__name"] or f"{settings.SHOP_NAME} (shop-wide consents)"}
                if dimension == "payer" else {})} for r in rows]


def daily_earnings(*, talent: Talent, currency: str, days: int = 30, now: datetime | None = None) -> list[dict]:
    """One row per UTC day (oldest first, zero-filled): date, views, billable, net, in one currency
    (amounts in different currencies never share a bar)."""
    now = now or timezone.now()
    end = now.astimezone(UTC).date()
    start = end - timedelta(days=days - 1)
    rows = (
        talent_events(talent=talent)
        .filter(at__date__gte=start, at__lte=now, currency=currency)
        .annotate(day=TruncDate("at", tzinfo=UTC))
        .values("day")
        .annotate(views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), net=Sum("talent_net"))
    )
    by_day = {r["day"]: r for r in rows}
    out = []
    for i in range(days):
        d = start + timedelta(days=i)
        r = by_day.get(d, {})
        out.append({"date": d, "views": r.get("views", 0), "billable": r.get("billable", 0),
                    "net": _q(r.get("net"))})
    return out


def chart_bars(series: list[dict], *, width: int = 600, height: int = 160, key: str = "net") -> list[dict]:
    """Geometry for the server-drawn SVG bar chart (no JavaScript needed)."""
    top = max((row[key] for row in series), default=0) or 1
    slot = width / max(len(series), 1)
    bars = []
    for i, row in enumerate(series):
        h = float(row[key]) / float(top) * (height - 20)
        bars.append({"x": round(i * slot + 1, 2), "w": round(max(slot - 2, 1), 2), "y": round(height - h, 2),
                     "h": round(h, 2), **row})
    return bars


def view_breakdown(*, talent: Talent) -> dict[str, object]:
    counts = dict(
        talent_events(talent=talent).values_list("non_billable_reason").annotate(n=Count("pk")).order_by()
    )
    non_billable = [
        {"reason": r.value, "label": r.label, "count": counts.get(r.value, 0)}
        for r in NonBillableReason if r.value
    ]
    denied = dict(
        DeniedView.objects.filter(twin__talent=talent).values_list("reason").annotate(n=Count("pk")).order_by()
    )
    denied_rows = [{"reason": r.value, "label": r.label, "count": denied[r.value]} for r in DenialReason
                   if denied.get(r.value)]
    return {
        "billable": counts.get("", 0),
        "non_billable_total": sum(v for k, v in counts.items() if k),
        "non_billable": non_billable,
        "denied_total": sum(denied.values()),
        "denied": denied_rows,
    }


def recent_views(*, talent: Talent, limit: int = 50) -> list[RoyaltyEvent]:
    return list(
        talent_events(talent=talent).select_related("twin", "product", "brand").order_by("-at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Statement:
    month: date
    currency: str
    views: int
    billable: int
    gross: Decimal
    commission: Decimal
    net: Decimal

    @property
    def net_payable(self) -> Decimal:
        """The payout in cents. Documented rounding: half-up on the exact 4-decimal net."""
        return self.net.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def key(self) -> str:
        return self.month.strftime("%Y-%m")


def monthly_statements(*, talent: Talent | None = None, agency: Agency | None = None,
                       month: date | None = None) -> list[Statement]:
    """Monthly totals straight from the ledger, newest first. Sums are exact (4 decimal places)."""
    events = RoyaltyEvent.objects.all()
    if talent is not None:
        events = events.filter(talent=talent)
    if agency is not None:
        events = events.filter(agency=agency)
    if month is not None:
        first = datetime(month.year, month.month, 1, tzinfo=UTC)
        nxt = datetime(month.year + (month.month // 12), month.month % 12 + 1, 1, tzinfo=UTC)
        events = events.filter(at__gte=first, at__lt=nxt)
    rows = (
        events.annotate(m=TruncMonth("at", tzinfo=UTC)).values("m", "currency")
        .annotate(views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), gross=Sum("amount"),
                  commission=Sum("agency_commission"), net=Sum("talent_net"))
        .order_by("-m", "currency")
    )
    out = []
    for r in rows:
        m = r["m"].date() if isinstance(r["m"], datetime) else r["m"]
        out.append(Statement(month=m, currency=r["currency"], views=r["views"], billable=r["billable"],
                             gross=_q(r["gross"]), commission=_q(r["commission"]), net=_q(r["net"])))
    return out


def talent_grants(*, talent: Talent) -> QuerySet:
    return (ConsentGrant.objects.filter(twin__talent=talent).select_related("twin", "brand", "previous")
            .prefetch_related("listed_brands"))


def talent_grant_or_none(*, talent: Talent, grant_id: int) -> ConsentGrant | None:
    return talent_grants(talent=talent).filter(pk=grant_id).first()


def consent_history(*, talent: Talent, limit: int = 100) -> list[ConsentEvent]:
    return list(
        ConsentEvent.objects.filter(grant__twin__talent=talent).select_related("grant__brand", "grant__twin")
        .prefetch_related("grant__listed_brands").order_by("-at", "-pk")[:limit]
    )


def csv_rows(*, talent: Talent, month: date | None = None) -> Iterator[list[str]]:
    events = (talent_events(talent=talent).select_related("twin", "product", "brand", "agency", "grant__brand")
              .order_by("at", "pk"))
    if month is not None:
        first = datetime(month.year, month.month, 1, tzinfo=UTC)
        nxt = datetime(month.year + (month.month // 12), month.month % 12 + 1, 1, tzinfo=UTC)
        events = events.filter(at__gte=first, at__lt=nxt)
    yield ["at_utc", "event_id", "twin", "brand", "product_id", "product", "channel", "territory", "billable",
           "non_billable_reason", "amount", "agency", "agency_commission", "talent_net", "currency", "grant_id", "paid_by"]
    for e in events.iterator(chunk_size=2000):
        yield [e.at.astimezone(UTC).isoformat(), str(e.pk), e.twin.name, e.brand.name,
               str(e.product.catalog_id), e.product.name, e.channel, e.territory, "yes" if e.billable else "no",
               e.non_billable_reason, str(e.amount), e.agency.name if e.agency else "", str(e.agency_commission),
               str(e.talent_net), e.currency, str(e.grant_id), _paid_by(e.grant)]


def _paid_by(grant: ConsentGrant) -> str:
    """Who pays a ledger row, plainly: the brand, or the shop (a shop-wide grant, whatever the product's brand)."""
    if grant.brand_scope == BrandScope.BRAND and grant.brand is not None:  # always (grant_brand_scope_shape)
        return grant.brand.name
    return f"{settings.SHOP_NAME} (shop-wide consent #{grant.pk})"


# --- agency -------------------------------------------------------------------------------------


def agency_roster(*, agency: Agency, on: date | None = None) -> list[dict]:
    """Talent the agency represents today, with what their views earned under this agency."""
    on = on or timezone.now().date()
    reps = (
        Representation.objects.filter(agency=agency, start__lte=on, end__gte=on)
        .select_related("talent").order_by("talent__display_name")
    )
    money: dict[int, list[Money]] = {}
    rows = (RoyaltyEvent.objects.filter(agency=agency).values("talent_id", "currency")
            .annotate(views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), gross=Sum("amount"),
                      commission=Sum("agency_commission"), net=Sum("talent_net"))
            .order_by("talent_id", "currency"))
    for r in rows:  # one line per currency: amounts in different currencies never add up
        money.setdefault(r["talent_id"], []).append(Money(
            gross=_q(r["gross"]), commission=_q(r["commission"]), net=_q(r["net"]), views=r["views"],
            billable=r["billable"], currency=r["currency"]))
    out = []
    for rep in reps:
        totals = money.get(rep.talent_id, [])
        out.append({"talent": rep.talent, "representation": rep, "views": sum(t.views for t in totals),
                    "billable": sum(t.billable for t in totals), "totals": totals})
    return out


def agency_roster_talent(*, agency: Agency, talent_id: int, on: date | None = None) -> Talent | None:
    on = on or timezone.now().date()
    rep = Representation.objects.filter(agency=agency, talent_id=talent_id, start__lte=on, end__gte=on).first()
    return rep.talent if rep else None
