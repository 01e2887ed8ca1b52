"""The consent workflow: propose, sign, amend, revoke, expire; and representation contracts."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shop.models import Brand, Product

from ..models import (
    MAX_AGENCY_COMMISSION,
    MIN_PURPOSE_LENGTH,
    Agency,
    BrandScope,
    Channel,
    ConsentEvent,
    ConsentEventKind,
    ConsentGrant,
    DigitalTwin,
    GrantBrand,
    GrantStatus,
    Representation,
    Talent,
    add_years,
)
from ..rules import territory_is_valid

MAX_RATE_PER_VIEW = Decimal("100.0000")
MAX_LISTED_BRANDS = 1000


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def terms_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean_codes(values: Iterable[str]) -> list[str]:
    return sorted({v.strip() for v in values if v and v.strip()})


def payer_terms(*, brand: Brand | None, brand_scope: str, listed_brands: Sequence[Brand] = ()) -> str:
    """The terms' line saying who pays and for which brands' products, in plain words."""
    if brand_scope == BrandScope.SHOP_ALL:
        return (f"Who pays: {settings.SHOP_NAME}, the shop itself. Brands covered: every brand "
                f"{settings.SHOP_NAME} sells, now or later.")
    if brand_scope == BrandScope.SHOP_LISTED:
        names = ", ".join(sorted(b.name for b in listed_brands))
        return f"Who pays: {settings.SHOP_NAME}, the shop itself. Brands covered: only these brands it sells: {names}."
    assert brand is not None, "a brand grant names its brand (_validated_payer)"
    return f"Brand (who pays): {brand.name}. Brands covered: {brand.name} only."


def render_terms(*, twin: DigitalTwin, brand: Brand | None, version: int, purpose: str, channels: Sequence[str],
                 allowed_master_categories: Sequence[str], allowed_article_types: Sequence[str],
                 excluded_master_categories: Sequence[str], excluded_article_types: Sequence[str],
                 territories: Sequence[str], valid_from: datetime, valid_until: datetime, rate_per_view: Decimal,
                 currency: str, view_cap: int | None, brand_scope: str = BrandScope.BRAND,
                 listed_brands: Sequence[Brand] = ()) -> str:
    """The full, human-readable terms the talent signs. Their SHA-256 is recorded with the signature."""
    channel_labels = {c.value: c.label for c in Channel}

    def listing(values: Sequence[str], empty: str) -> str:
        return ", ".join(values) if values else empty

    # One cap per consent, across its versions (reconcile_ledger checks the counters this way).
    cap_text = "none" if view_cap is None else (
        f"at most {view_cap} billable views, counted across this consent and the earlier versions it amends "
        "(an amendment changes the terms, not the views already counted)")

    lines = [
        f"CONSENT TO USE A DIGITAL REPLICA — version {version}",
        "",
        f"Talent: {twin.talent.display_name}",
        f"Digital replica (AI twin): {twin.name} [{twin.slug}]",
        payer_terms(brand=brand, brand_scope=brand_scope, listed_brands=listed_brands),
        "",
        f"1. Purpose. {purpose.strip()}",
        f"2. Channels. The replica may be shown only in: {listing([channel_labels.get(c, c) for c in channels], 'none')}.",
        f"3. Products. Master categories allowed: {listing(allowed_master_categories, 'any')}; "
        f"article types allowed: {listing(allowed_article_types, 'any')}.",
        f"   Excluded master categories: {listing(excluded_master_categories, 'none')}; "
        f"excluded article types: {listing(excluded_article_types, 'none')}.",
        f"4. Territories: {'worldwide' if '*' in territories else listing(territories, 'none')}.",
        f"5. Duration: from {valid_from.isoformat()} until {valid_until.isoformat()} (UTC).",
        f"6. Pay: {rate_per_view} {currency} for every billable view, counted once per viewer per product "
        f"within the dedup window; views by shop staff, by you, by bots and prefetches are recorded but not billed.",
        f"7. View cap: {cap_text}.",
        "8. Every image carries a visible label \"AI twin of "
        f"{twin.talent.display_name} · licensed\" and machine-readable provenance.",
        "9. You may revoke this consent at any time from your talent page. Revocation takes effect on the next "
        "view; royalties earned before it stay yours.",
        "10. This consent is separate from any representation or other agreement. Changes need your new signature.",
    ]
    return "\n".join(lines) + "\n"


def _event(grant: ConsentGrant, *, kind: str, actor: User | None, at: datetime,
           data: dict | None = None, actor_label: str = "") -> ConsentEvent:
    return ConsentEvent.objects.create(
        grant=grant, kind=kind, actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (actor.get_username() if actor is not None and actor.pk else "system"),
        at=at, data=data or {}, terms_sha256=grant.terms_sha256,
    )


def active_representation(*, talent: Talent, on: date) -> Representation | None:
    """The talent's representation active that day, with its agency, else None. At most one is
    (Representation.clean); should two overlap, the latest start wins. Picked here rather than by ORDER BY ...
    LIMIT 1, which cost more to build than the lookup itself (the gate reads it for every view it records)."""
    reps = Representation.objects.filter(talent=talent, start__lte=on, end__gte=on).select_related("agency").order_by()
    return max(reps, key=lambda rep: (rep.start, rep.pk), default=None)


def can_propose_for(*, user: User, twin: DigitalTwin, agency: Agency | None, on: date) -> bool:
    """Shop staff propose on the brand's behalf; agency staff only for talent the agency represents now."""
    if not user.is_authenticated:
        return False
    if agency is None:
        return bool(user.is_staff)
    if not agency.staff.filter(pk=user.pk).exists():
        return False
    rep = active_representation(talent=twin.talent, on=on)
    return rep is not None and rep.agency_id == agency.pk


class _TermError(ValueError):
    """One field's refusal, gathered by _validated_terms so the proposer sees every problem at once."""


def _clean_purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if len(purpose) < MIN_PURPOSE_LENGTH:
        raise _TermError(f"Describe the intended use specifically (at least {MIN_PURPOSE_LENGTH} characters): "
                         "a vague replica clause is void.")
    return purpose


def _clean_channels(channels: Sequence[str]) -> list[str]:
    channels = sorted(set(channels or []))
    if not channels or any(c not in Channel.values for c in channels):
        raise _TermError("Choose at least one of: storefront, assistant, marketing.")
    return channels


def _clean_territories(territories: Sequence[str]) -> list[str]:
    codes = [t.strip().upper() for t in (territories or []) if t and t.strip()]
    if not codes or any(not (t == "*" or territory_is_valid(t)) for t in codes):
        raise _TermError("Give two-letter ISO country codes, or * for worldwide.")
    return ["*"] if "*" in codes else sorted(set(codes))


def _clean_window(valid_from: datetime, valid_until: datetime) -> datetime:
    if valid_from is None or valid_until is None or valid_until <= valid_from:
        raise _TermError("The consent must end after it starts.")
    return valid_until


def _clean_rate(rate_per_view: Decimal | str) -> Decimal:
    try:
        rate = Decimal(str(rate_per_view))
    except (InvalidOperation, ValueError):
        rate = Decimal("NaN")
    exponent = rate.as_tuple().exponent
    if not rate.is_finite() or rate <= 0 or rate > MAX_RATE_PER_VIEW or (isinstance(exponent, int) and exponent < -4):
        raise _TermError(f"A positive rate with at most 4 decimal places, up to {MAX_RATE_PER_VIEW}.")
    return rate.quantize(Decimal("0.0001"))


def _clean_currency(currency: str) -> str:
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise _TermError("A three-letter ISO currency code.")
    return currency


def _clean_view_cap(view_cap: int | None) -> int | None:
    if view_cap is not None and (not isinstance(view_cap, int) or view_cap < 1):
        raise _TermError("A positive whole number, or empty for no cap.")
    return view_cap


def _validated_terms(*, purpose: str, channels: Sequence[str], territories: Sequence[str], valid_from: datetime,
                     valid_until: datetime, rate_per_view: Decimal | str, currency: str,
                     view_cap: int | None) -> dict:
    """The terms as they will be stored, or a ValidationError naming every field that is wrong."""
    checks = {
        "purpose": lambda: _clean_purpose(purpose),
        "channels": lambda: _clean_channels(channels),
        "territories": lambda: _clean_territories(territories),
        "valid_until": lambda: _clean_window(valid_from, valid_until),
        "rate_per_view": lambda: _clean_rate(rate_per_view),
        "currency": lambda: _clean_currency(currency),
        "view_cap": lambda: _clean_view_cap(view_cap),
    }
    terms: dict = {"valid_from": valid_from}
    errors: dict[str, str] = {}
    for field, check in checks.items():
        try:
            terms[field] = check()
        except _TermError as e:
            errors[field] = str(e)
    if errors:
        raise ValidationError(errors)
    return terms


def _sold_brands(values: Iterable[Brand | int | str]) -> list[Brand]:
    """Brands named by object, id or exact name, each one the shop sells (has products of); else ValidationError."""
    values = list(values or [])
    if len(values) > MAX_LISTED_BRANDS:
        raise ValidationError({"listed_brands": f"List at most {MAX_LISTED_BRANDS} brands."})
    ids = {v.pk if isinstance(v, Brand) else v for v in values if isinstance(v, (Brand, int)) and not isinstance(v, bool)}
    names = {v.strip() for v in values if isinstance(v, str) and v.strip()}
    odd = [v for v in values if not isinstance(v, (Brand, int, str)) or isinstance(v, bool)]
    found = list(Brand.objects.filter(pk__in=ids)) + list(Brand.objects.filter(name__in=names))
    unknown = sorted({str(i) for i in ids - {b.pk for b in found}} | (names - {b.name for b in found})
                     | {repr(v) for v in odd})
    if unknown:
        raise ValidationError({"listed_brands": f"Unknown brands: {', '.join(unknown)}."})
    brands = sorted({b.pk: b for b in found}.values(), key=lambda b: b.name)
    sold = set(Product.objects.filter(brand__in=brands).values_list("brand_id", flat=True).distinct())
    unsold = [b.name for b in brands if b.pk not in sold]
    if unsold:
        raise ValidationError({"listed_brands": f"The shop does not sell these brands: {', '.join(unsold)}."})
    return brands


def _validated_payer(*, brand: Brand | None, brand_scope: str,
                     listed_brands: Iterable[Brand | int | str]) -> tuple[Brand | None, str, list[Brand]]:
    """(brand, scope, listed brands) of exactly one shape: one brand; the shop for every brand it sells; or the
    shop for a non-empty listed set of brands it sells. Refused with a ValidationError, nothing written."""
    listed = list(listed_brands or [])
    if brand_scope == BrandScope.BRAND:
        if brand is None or listed:
            raise ValidationError({"brand": "A brand grant names exactly one brand (and no listed set)."})
        return brand, brand_scope, []
    if brand_scope not in (BrandScope.SHOP_ALL, BrandScope.SHOP_LISTED):
        raise ValidationError({"brand_scope": f"Choose who pays: {', '.join(BrandScope.values)}."})
    if brand is not None:
        raise ValidationError({"brand": "A shop grant names no single brand: the shop pays."})
    if brand_scope == BrandScope.SHOP_ALL:
        if listed:
            raise ValidationError({"listed_brands": "A grant for every brand the shop sells lists no brands."})
        return None, brand_scope, []
    if not listed:
        raise ValidationError({"listed_brands": "List at least one brand the shop sells, or choose every brand."})
    return None, brand_scope, _sold_brands(listed)


def _create_version(*, twin: DigitalTwin, payer: tuple[Brand | None, str, list[Brand]], previous: ConsentGrant | None,
                    proposed_by: User, agency: Agency | None, at: datetime, terms: dict,
                    categories: dict) -> ConsentGrant:
    brand, brand_scope, listed = payer
    version = previous.version + 1 if previous else 1
    text = render_terms(twin=twin, brand=brand, brand_scope=brand_scope, listed_brands=listed, version=version,
                        **terms, **categories)
    grant = ConsentGrant.objects.create(
        twin=twin, brand=brand, brand_scope=brand_scope, version=version, previous=previous, terms_text=text,
        terms_sha256=terms_sha256(text), status=GrantStatus.PROPOSED, proposed_by=proposed_by,
        proposed_by_agency=agency, proposed_at=at, **terms, **categories,
    )
    GrantBrand.objects.bulk_create([GrantBrand(grant=grant, brand=b) for b in listed])
    return grant


def _payer_data(payer: tuple[Brand | None, str, list[Brand]]) -> dict:
    brand, brand_scope, listed = payer
    return {"brand": brand.name if brand else "", "brand_scope": brand_scope, "listed_brands": [b.name for b in listed]}


def grant_propose(*, twin: DigitalTwin, proposed_by: User, purpose: str,
                  channels: Sequence[str], territories: Sequence[str], valid_from: datetime, valid_until: datetime,
                  rate_per_view: Decimal | str, currency: str = "USD", view_cap: int | None = None,
                  allowed_master_categories: Iterable[str] = (), allowed_article_types: Iterable[str] = (),
                  excluded_master_categories: Iterable[str] = (), excluded_article_types: Iterable[str] = (),
                  agency: Agency | None = None, at: datetime | None = None, brand: Brand | None = None,
                  brand_scope: str = BrandScope.BRAND, listed_brands: Iterable[Brand | int | str] = ()) -> ConsentGrant:
    """A brand or the shop (shop staff) or the talent's agency proposes terms. Nothing is usable until the
    talent signs. Who pays is `brand` (brand_scope "brand"), or the shop for every brand it sells
    ("shop_all") or for `listed_brands` ("shop_listed")."""
    at = at or timezone.now()
    if not can_propose_for(user=proposed_by, twin=twin, agency=agency, on=at.date()):
        raise PermissionError("You may not propose consents for this talent.")
    payer = _validated_payer(brand=brand, brand_scope=brand_scope, listed_brands=listed_brands)
    terms = _validated_terms(purpose=purpose, channels=channels, territories=territories, valid_from=valid_from,
                             valid_until=valid_until, rate_per_view=rate_per_view, currency=currency,
                             view_cap=view_cap)
    categories = {
        "allowed_master_categories": _clean_codes(allowed_master_categories),
        "allowed_article_types": _clean_codes(allowed_article_types),
        "excluded_master_categories": _clean_codes(excluded_master_categories),
        "excluded_article_types": _clean_codes(excluded_article_types),
    }
    with transaction.atomic():
        grant = _create_version(twin=twin, payer=payer, previous=None, proposed_by=proposed_by, agency=agency,
                                at=at, terms=terms, categories=categories)
        _event(grant, kind=ConsentEventKind.PROPOSED, actor=proposed_by, at=at,
               data={"agency": agency.name if agency else "", **_payer_data(payer)})
    return grant


def grant_amend(*, grant: ConsentGrant, proposed_by: User, agency: Agency | None = None,
                at: datetime | None = None, **changes) -> ConsentGrant:
    """A new version of signed terms. The current version stays in force until the talent signs the new one."""
    at = at or timezone.now()
    allowed = {"purpose", "channels", "territories", "valid_from", "valid_until", "rate_per_view", "currency",
               "view_cap", "allowed_master_categories", "allowed_article_types", "excluded_master_categories",
               "excluded_article_types"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown terms: {sorted(unknown)}")
    if not can_propose_for(user=proposed_by, twin=grant.twin, agency=agency, on=at.date()):
        raise PermissionError("You may not propose consents for this talent.")
    with transaction.atomic():
        current = (ConsentGrant.objects.select_for_update(of=("self",)).select_related("twin__talent", "brand")
                   .get(pk=grant.pk))
        if current.status != GrantStatus.SIGNED:
            raise ValidationError("Only a signed consent can be amended.")
        if current.amendments.filter(status=GrantStatus.PROPOSED).exists():
            raise ValidationError("An amendment of this consent is already waiting for the talent's signature.")
        merged = {k: changes.get(k, getattr(current, k)) for k in allowed}
        terms = _validated_terms(**{k: merged[k] for k in (
            "purpose", "channels", "territories", "valid_from", "valid_until", "rate_per_view", "currency", "view_cap")})
        categories = {k: _clean_codes(merged[k]) for k in (
            "allowed_master_categories", "allowed_article_types", "excluded_master_categories",
            "excluded_article_types")}
        # Who pays and for which brands is the identity of a consent, not an amendable term.
        payer = (current.brand, current.brand_scope, list(current.listed_brands.order_by("name")))
        new = _create_version(twin=current.twin, payer=payer, previous=current, proposed_by=proposed_by,
                              agency=agency, at=at, terms=terms, categories=categories)
        _event(new, kind=ConsentEventKind.AMENDED, actor=proposed_by, at=at,
               data={"amends_grant": current.pk, "amends_version": current.version,
                     "changed": sorted(k for k in changes if changes[k] != getattr(current, k))})
    return new


def grant_sign(*, grant: ConsentGrant, user: User, typed_name: str, shown_terms_sha256: str,
               ip: str | None = None, user_agent: str = "", at: datetime | None = None) -> ConsentGrant:
    """The talent signs exactly the terms they were shown, by typing their name."""
    at = at or timezone.now()
    with transaction.atomic():
        # Lock order: the older version first (lower pk), then the new one, always.
        ids = [grant.pk] + ([grant.previous_id] if grant.previous_id else [])
        locked = {g.pk: g for g in ConsentGrant.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        current = locked.get(grant.pk)
        if current is None:
            raise ValidationError("This consent no longer exists.")
        talent = Talent.objects.get(twins__pk=current.twin_id)
        if talent.user_id != user.pk:
            raise PermissionError("Only the talent can sign their consent.")
        if current.status != GrantStatus.PROPOSED:
            raise ValidationError("This consent is not waiting for a signature.")
        if shown_terms_sha256 != current.terms_sha256:
            raise ValidationError("The terms changed since you opened them. Please read them again.")
        if _normalise_name(typed_name) != _normalise_name(talent.display_name):
            raise ValidationError({"typed_name": f"Type your name exactly as “{talent.display_name}” to sign."})
        if at >= current.valid_until:
            raise ValidationError("These terms have already ended; ask for new ones.")
        previous = locked.get(current.previous_id) if current.previous_id else None
        current.status = GrantStatus.SIGNED
        current.signed_by_name = " ".join(typed_name.split())[:120]
        current.signed_at = at
        current.signed_ip = ip or None
        current.signed_user_agent = (user_agent or "")[:400]
        if previous is not None and previous.status == GrantStatus.SIGNED:
            # The view cap runs over the whole lineage: an amendment doesn't reset what was already used.
            carried = previous.billable_views
            current.billable_views = carried if current.view_cap is None else min(carried, current.view_cap)
        current.save(update_fields=["status", "signed_by_name", "signed_at", "signed_ip", "signed_user_agent",
                                    "billable_views"])
        _event(current, kind=ConsentEventKind.SIGNED, actor=user, at=at, actor_label=current.signed_by_name,
               data={"typed_name": current.signed_by_name, "ip": ip or "", "user_agent": (user_agent or "")[:400],
                     "version": current.version})
        if previous is not None and previous.status == GrantStatus.SIGNED:
            previous.status = GrantStatus.SUPERSEDED
            previous.superseded_at = at
            previous.save(update_fields=["status", "superseded_at"])
            _event(previous, kind=ConsentEventKind.SUPERSEDED, actor=user, at=at,
                   data={"superseded_by": current.pk, "version": current.version})
    return current


def _broadcast_revocation(twin_id: int) -> None:
    try:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(f"twin-{twin_id}", {"type": "twin.revoked", "twin_id": twin_id})
    except Exception:  # noqa: BLE001 — the revocation is committed; a dead channel layer only delays UI updates
        import logging

        logging.getLogger(__name__).exception("could not broadcast revocation of twin %s", twin_id)


def grant_revoke(*, grant: ConsentGrant, user: User, at: datetime | None = None) -> ConsentGrant:
    """The talent withdraws consent (or declines a proposal). Effective on the next view."""
    with transaction.atomic():
        current = ConsentGrant.objects.select_for_update().get(pk=grant.pk)
        # The clock is read under the lock: every view that locked the grant first committed before this
        # instant, so no royalty row can be stamped at or after revoked_at.
        at = at or timezone.now()
        talent_user_id = Talent.objects.filter(twins__pk=current.twin_id).values_list("user_id", flat=True).get()
        if talent_user_id != user.pk:
            raise PermissionError("Only the talent can revoke their consent.")
        if current.status not in (GrantStatus.SIGNED, GrantStatus.PROPOSED):
            raise ValidationError("This consent is not active.")
        was = current.status
        current.status = GrantStatus.REVOKED
        current.revoked_at = at
        current.save(update_fields=["status", "revoked_at"])
        _event(current, kind=ConsentEventKind.REVOKED, actor=user, at=at,
               data={"was": was, "billable_views": current.billable_views})
        if was == GrantStatus.SIGNED:
            # Open chats drop the twin's images. A declined proposal never covered a view: nothing to take back
            # (telling every chat "that model's AI twin is no longer available" would be false).
            twin_id = current.twin_id
            transaction.on_commit(lambda: _broadcast_revocation(twin_id))
    return current


def grant_expire(*, at: datetime | None = None) -> int:
    """Mark grants whose window has ended as expired (the gate already refuses them by date)."""
    at = at or timezone.now()
    count = 0
    with transaction.atomic():
        due = ConsentGrant.objects.select_for_update().filter(
            status__in=[GrantStatus.SIGNED, GrantStatus.PROPOSED], valid_until__lte=at
        ).order_by("pk")
        for grant in due:
            was = grant.status
            grant.status = GrantStatus.EXPIRED
            grant.save(update_fields=["status"])
            _event(grant, kind=ConsentEventKind.EXPIRED, actor=None, at=at, actor_label="system",
                   data={"was": was, "valid_until": grant.valid_until.isoformat()})
            count += 1
    return count


def representation_create(*, talent: Talent, agency: Agency, start: date, end: date) -> Representation:
    """A representation term of at most three years; it never renews by itself."""
    if end <= start:
        raise ValidationError({"end": "The end must be after the start."})
    if end > add_years(start, 3):
        raise ValidationError({"end": "A representation runs at most three years (Fashion Workers Act)."})
    if agency.commission_rate > MAX_AGENCY_COMMISSION:
        raise ValidationError("An agency's commission may not exceed 20%.")
    with transaction.atomic():
        Talent.objects.select_for_update().filter(pk=talent.pk).first()  # serialises overlapping creations
        if Representation.objects.filter(talent=talent, start__lte=end, end__gte=start).exists():
            raise ValidationError("This talent already has a representation in that period.")
        rep = Representation(talent=talent, agency=agency, start=start, end=end)
        rep.full_clean()
        rep.save()
    return rep
