"""The render gate: every twin view is decided and recorded here, in one transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from shop.models import Product

from ..models import (
    BrandScope,
    Channel,
    ConsentGrant,
    DenialReason,
    DeniedView,
    DigitalTwin,
    GrantStatus,
    NonBillableReason,
    RoyaltyEvent,
)
from ..rules import (
    NEVER_ON_TWIN,
    ProductScope,
    best_denial,
    grant_covers_brand,
    grant_failure,
    scope_slot,
    territory_is_valid,
)
from ..selectors import product_scope, with_listed_brand_ids
from .consent import active_representation
from .traffic import client_budget_take, excess_first_in_bucket

# Commission is rounded half-up to 4 decimal places; the talent gets the exact remainder, so
# amount == commission + net on every row and every sum of rows.
MONEY_QUANTUM = Decimal("0.0001")

_CHANNELS = frozenset(Channel.values)  # Channel.values builds a new list on every access
# Lower-cased substrings of user agents that identify crawlers, link unfurlers and headless tools.
BOT_USER_AGENT_MARKERS: tuple[str, ...] = (
    "bot", "crawler", "spider", "slurp", "bingpreview", "facebookexternalhit", "embedly", "quora link preview",
    "whatsapp", "telegrambot", "discordbot", "slackbot", "linkedinbot", "pinterest", "skypeuripreview",
    "headlesschrome", "phantomjs", "python-requests", "python-urllib", "curl/", "wget/", "go-http-client",
    "httpclient", "okhttp", "scrapy", "lighthouse", "pagespeed", "gtmetrix", "ahrefs", "semrush", "mj12",
    "yandex", "baiduspider", "duckduckbot", "applebot", "petalbot", "bytespider", "gptbot", "ccbot",
    "claudebot", "perplexitybot", "amazonbot", "dataforseo", "uptimerobot", "monitor",
)


@dataclass(frozen=True)
class Viewer:
    key: str  # "u:<user id>" when logged in, else "s:<session key>"
    user_id: int | None = None
    is_staff: bool = False
    user_agent: str = ""
    is_prefetch: bool = False
    ip: str = ""  # the client's address (licensing.transport.client_ip); "" for server-side callers


class ConsentDenied(Exception):
    def __init__(self, reason: str, *, grant_id: int | None = None, recordable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.grant_id = grant_id
        # False when the refusal is no consent's business: the twin doesn't exist, or the product is never shown
        # on a twin (the slot rule): such refusals stay out of the talent's log of denied views.
        self.recordable = recordable


@dataclass(frozen=True)
class RenderLicense:
    grant_id: int
    twin_id: int
    talent_name: str
    label: str
    # The ledger row that records this view: its own, or (a repeat inside the dedup window) the row of the view
    # it repeats; None for an over-budget repeat of invalid traffic (recorded once per client and hour).
    royalty_event_id: int | None
    billable: bool
    # What the view was licensed as; the showcase writes them into the image's provenance (it owns that format).
    twin_slug: str
    channel: str
    licensed_at: datetime
    # The twin (with its talent) as read inside the licensing transaction, so a renderer needn't fetch it again.
    twin: DigitalTwin | None = field(default=None, compare=False, repr=False)


def twin_label(talent_name: str) -> str:
    return f"AI twin of {talent_name} · licensed"


def is_bot_user_agent(user_agent: str) -> bool:
    ua = user_agent.lower()
    return any(marker in ua for marker in BOT_USER_AGENT_MARKERS)


def _split(amount: Decimal, *, agency_id: int | None, rate: Decimal | None) -> tuple[int | None, Decimal, Decimal, Decimal]:
    if agency_id is None or rate is None:
        return None, Decimal("0"), Decimal("0"), amount
    if amount == 0:
        return agency_id, rate, Decimal("0"), amount
    commission = (amount * rate).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
    return agency_id, rate, commission, amount - commission


def _exempt_reason(*, twin: DigitalTwin, viewer: Viewer) -> str:
    """Why this view is never billable whoever saw it before (staff, the talent, bots, prefetches), else NONE."""
    if viewer.is_staff:
        return NonBillableReason.STAFF
    if viewer.user_id is not None and viewer.user_id == twin.talent.user_id:
        return NonBillableReason.SELF
    if is_bot_user_agent(viewer.user_agent):
        return NonBillableReason.BOT
    if viewer.is_prefetch:
        return NonBillableReason.PREFETCH
    return NonBillableReason.NONE


def _recorded_recently(*, twin_id: int, product: Product, viewer: Viewer, reason: str, at: datetime) -> int | None:
    """The row that already records this viewer seeing this twin+product within the dedup window: a billable
    one, or one with the same exemption (a prefetch is not the view it prefetched). A repeat writes no row of its
    own, so reloading an image a thousand times leaves the ledger as one reload left it.

    The window is symmetric: a concurrent request may have taken its timestamp a moment after ours yet
    committed first (we waited for its row lock), and it is the same impression all the same. Evaluated
    only after the grant lock is held, in a statement of its own (READ COMMITTED: its snapshot then
    includes the rows of whoever held the lock before us: do not fold it into the locking SELECT)."""
    window = settings.LICENSING_DEDUP_WINDOW_SECONDS
    if window <= 0:
        return None
    span = timedelta(seconds=window)
    reasons = {NonBillableReason.NONE, reason}
    return (RoyaltyEvent.objects.filter(viewer_key=viewer.key[:128], twin_id=twin_id, product_id=product.pk,
                                        non_billable_reason__in=reasons, at__gt=at - span, at__lt=at + span)
            .values_list("pk", flat=True).first())


def _count_billable(grant: ConsentGrant, *, viewer: Viewer, at: datetime) -> str:
    """Take one view from the client's hourly budgets, then one of the grant's cap; returns the non-billable
    reason (NONE: billable). Raises ConsentDenied(CAP) when the cap refused it."""
    if not client_budget_take(ip=viewer.ip, viewer_key=viewer.key, grant_id=grant.pk, view_cap=grant.view_cap,
                              at=at):
        return NonBillableReason.INVALID
    updates = ConsentGrant.objects.filter(pk=grant.pk)
    if grant.view_cap is not None:
        # Compare-and-swap: the cap holds even if the row lock above were ever dropped.
        updates = updates.filter(billable_views__lt=F("view_cap"))
    if not updates.update(billable_views=F("billable_views") + 1):
        raise ConsentDenied(DenialReason.CAP, grant_id=grant.pk)
    return NonBillableReason.NONE


def _licence(*, grant_id: int, twin_id: int, event_id: int | None, billable: bool, at: datetime, channel: str,
             talent_name: str, twin_slug: str, twin: DigitalTwin | None = None) -> RenderLicense:
    label = twin_label(talent_name)
    return RenderLicense(
        twin=twin,
        grant_id=grant_id,
        twin_id=twin_id,
        talent_name=talent_name,
        label=label,
        royalty_event_id=event_id,
        billable=billable,
        twin_slug=twin_slug,
        channel=channel,
        licensed_at=at,
    )


def _licence_from_event(event: RoyaltyEvent, *, talent_name: str, twin_slug: str,
                        twin: DigitalTwin | None = None) -> RenderLicense:
    return _licence(grant_id=event.grant_id, twin_id=event.twin_id, event_id=event.pk, billable=event.billable,
                    at=event.at, channel=event.channel, talent_name=talent_name, twin_slug=twin_slug, twin=twin)


def _existing_licence(key: str, *, twin_id: int, product: Product, channel: str) -> RenderLicense | None:
    event = RoyaltyEvent.objects.filter(idempotency_key=key).select_related("twin__talent").first()
    if event is None:
        return None
    if (event.twin_id, event.product_id, event.channel) != (twin_id, product.pk, channel):
        raise ValueError("idempotency key already used for a different view")
    return _licence_from_event(event, talent_name=event.twin.talent.display_name, twin_slug=event.twin.slug,
                               twin=event.twin)


def _diagnose(*, twin_id: int, scope: ProductScope, channel: str, territory: str, at: datetime,
              twin: DigitalTwin | None = None) -> ConsentDenied:
    """Why no grant covers this view (the slow path, only taken for a denial). `twin`: as the locking statement
    read it, when it locked any grant (then it needn't be read again)."""
    if twin is None:
        twin = DigitalTwin.objects.filter(pk=twin_id).only("pk", "is_active").first()
    if twin is None:
        return ConsentDenied(DenialReason.NO_GRANT, recordable=False)
    if not twin.is_active:
        return ConsentDenied(DenialReason.TWIN_INACTIVE)
    grants = list(ConsentGrant.objects.filter(twin_id=twin_id).order_by("pk"))
    if not grants:
        return ConsentDenied(DenialReason.NO_GRANT)
    for_brand = [g for g in with_listed_brand_ids(grants) if grant_covers_brand(g, scope.brand_id)]
    if not for_brand:
        return ConsentDenied(DenialReason.BRAND)
    failures = [f for g in for_brand
                if (f := grant_failure(g, scope=scope, channel=channel, territory=territory, at=at)) is not None]
    # Everything may have passed by now (a grant signed a moment ago): report the closest miss anyway,
    # the caller retries on its next view.
    reason = best_denial(failures)
    return ConsentDenied(reason, grant_id=for_brand[-1].pk)


def _grants_to_lock(twin_id: int, brand_id: int):
    # The brand's own grants, the shop's for every brand, and the shop's for a listed set (whether the set lists
    # this brand is read after the lock, _listing): plain conditions on the grant row, which PostgreSQL re-checks
    # when a concurrent revocation commits. The twin and its talent come fresh from the same statement. A
    # subquery here (the listing as EXISTS, the representation) cost more to build in Python than all the
    # gate's other statements together, so each is a statement of its own, taken only when needed.
    return (
        ConsentGrant.objects.select_for_update(of=("self",)).select_related("twin__talent")
        .filter(Q(brand_scope=BrandScope.BRAND, brand_id=brand_id)
                | Q(brand_scope__in=(BrandScope.SHOP_ALL, BrandScope.SHOP_LISTED)),
                twin_id=twin_id, status=GrantStatus.SIGNED)
        .order_by("pk")
    )


def _listing(locked: list[Any], brand_id: int) -> list[Any]:
    """The locked grants that cover this brand (rules.grant_covers_brand). A listed-set grant needs its set, read
    only when such a grant is locked. One that does not list the brand stays locked until this view commits, like
    the others: harmless, locks are taken in pk order."""
    if any(g.brand_scope == BrandScope.SHOP_LISTED for g in locked):
        with_listed_brand_ids(locked)
    return [g for g in locked if grant_covers_brand(g, brand_id)]


def _decide_and_record(*, twin_id: int, product: Product, viewer: Viewer, channel: str, territory: str,
                       at: datetime | None, key: str) -> RenderLicense:
    """The transaction body. Raises ConsentDenied (rolling everything back) or returns the licence."""
    scope = product_scope(product)
    if scope_slot(scope) is None:
        raise ConsentDenied(NEVER_ON_TWIN, recordable=False)
    # The one lock of the gate: the twin's signed grants covering this brand, in pk order. A revocation
    # committing meanwhile makes PostgreSQL re-check the row, which then drops out of the result;
    # a revocation arriving later waits for this view to commit. The twin (and its talent) come
    # fresh from the same query, so a deactivation is seen too.
    locked = _listing(list(_grants_to_lock(twin_id, scope.brand_id)), scope.brand_id)
    # The clock is read under the lock (a revocation reads its own under the same lock): a view is never
    # stamped at or after the revocation that it did not see.
    at = at or timezone.now()
    grant = next((g for g in locked
                  if grant_failure(g, scope=scope, channel=channel, territory=territory, at=at) is None), None)
    if grant is None:
        raise _diagnose(twin_id=twin_id, scope=scope, channel=channel, territory=territory, at=at,
                        twin=locked[0].twin if locked else None)
    twin = grant.twin
    if not twin.is_active:
        raise ConsentDenied(DenialReason.TWIN_INACTIVE, grant_id=grant.pk)

    reason = _exempt_reason(twin=twin, viewer=viewer)
    repeat = _recorded_recently(twin_id=twin.pk, product=product, viewer=viewer, reason=reason, at=at)
    if repeat is None and reason == NonBillableReason.NONE:
        reason = _count_billable(grant, viewer=viewer, at=at)
    if repeat is not None or (
            reason == NonBillableReason.INVALID
            and not excess_first_in_bucket(ip=viewer.ip, viewer_key=viewer.key, at=at)):
        # Not billable, and already recorded (by the row `repeat`, or the client's first over-budget view):
        # served under this grant, with no row of its own.
        return _licence(grant_id=grant.pk, twin_id=twin.pk, event_id=repeat, billable=False, at=at, channel=channel,
                        talent_name=twin.talent.display_name, twin_slug=twin.slug, twin=twin)
    billable = reason == NonBillableReason.NONE

    amount = grant.rate_per_view if billable else Decimal("0")
    # The representation of the view's own day (the split is not race-sensitive: read after the lock, only
    # for a view that writes a row).
    rep = active_representation(talent=twin.talent, on=at.date())
    agency_id, rate, commission, net = _split(amount, agency_id=rep.agency_id if rep else None,
                                              rate=rep.agency.commission_rate if rep else None)
    event = RoyaltyEvent.objects.create(
        idempotency_key=key,
        grant_id=grant.pk,
        twin_id=twin.pk,
        talent_id=twin.talent_id,
        product_id=product.pk,
        brand_id=scope.brand_id,
        channel=channel,
        territory=territory,
        viewer_key=viewer.key[:128],
        billable=billable,
        non_billable_reason=reason,
        amount=amount,
        currency=grant.currency,
        agency_id=agency_id,
        agency_rate=rate,
        agency_commission=commission,
        talent_net=net,
        at=at,
    )
    return _licence_from_event(event, talent_name=twin.talent.display_name, twin_slug=twin.slug, twin=twin)


def _record_denial(*, twin_id: int, product: Product, viewer: Viewer, channel: str, territory: str,
                   at: datetime, denied: ConsentDenied) -> None:
    with transaction.atomic():
        DeniedView.objects.create(
            twin_id=twin_id, grant_id=denied.grant_id, product_id=product.pk, channel=channel[:12],
            territory=territory[:8], reason=denied.reason, viewer_key=viewer.key[:128], at=at,
        )


def license_view(*, twin: DigitalTwin, product: Product, viewer: Viewer, channel: str,
                 territory: str | None = None, at: datetime | None = None,
                 idempotency_key: str | None = None) -> RenderLicense:
    """Decide whether `viewer` may see `twin` wearing `product` and record the view. Raises ConsentDenied.

    Nothing about the twin or its consents is taken from the objects passed in or from any cache:
    everything is read (and the grant locked) inside this call's transaction. Without `at`, the view is
    stamped when the grant lock is held."""
    territory = (territory or settings.LICENSING_DEFAULT_TERRITORY).strip().upper()
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 80):
        raise ValueError("idempotency_key must be 1 to 80 characters")
    twin_id = getattr(twin, "pk", None)
    if twin_id is None:
        raise ConsentDenied(DenialReason.NO_GRANT, recordable=False)
    if idempotency_key:
        existing = _existing_licence(idempotency_key, twin_id=twin_id, product=product, channel=channel)
        if existing is not None:
            return existing
    key = idempotency_key or uuid.uuid4().hex
    try:
        if channel not in _CHANNELS:
            raise ConsentDenied(DenialReason.CHANNEL)
        if not territory_is_valid(territory):
            raise ConsentDenied(DenialReason.TERRITORY)
        # No savepoint inside a caller's transaction (showcase_render's: two statements fewer per view): a
        # refusal leaves the block normally, and nothing is written before a refusal is known (the cap's
        # compare-and-swap writes nothing when it refuses; the royalty row comes last). Only a caller-supplied
        # key needs one, to read the winner's licence after losing a race on it (IntegrityError).
        refused: ConsentDenied | None = None
        with transaction.atomic(savepoint=idempotency_key is not None):
            try:
                return _decide_and_record(twin_id=twin_id, product=product, viewer=viewer, channel=channel,
                                          territory=territory, at=at, key=key)
            except ConsentDenied as exc:
                refused = exc
        raise refused
    except ConsentDenied as denied:
        if denied.recordable:
            _record_denial(twin_id=twin_id, product=product, viewer=viewer, channel=channel, territory=territory,
                           at=at or timezone.now(), denied=denied)
        raise
    except IntegrityError:
        # Two requests raced with the same caller-supplied key: the loser returns the winner's licence.
        if idempotency_key:
            existing = _existing_licence(idempotency_key, twin_id=twin_id, product=product, channel=channel)
            if existing is not None:
                return existing
        raise
