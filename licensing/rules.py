"""The two rules every twin image obeys, in one place: pure functions, no queries, no settings.

**The consent rule** (`grant_failure`: None when the grant covers the view): a consent grant of twin T (callers
read a twin's own grants) covers a view of T wearing product P on channel C in territory X at time t when

- it is the grant of twin T, paid by P's brand or by the shop for every brand or a listed set including P's
  (`grant_covers_brand`);
- it is signed (not proposed, revoked, expired or superseded) and t lies in [valid_from, valid_until);
- C is one of its channels;
- P's master category and article type are allowed (empty allow-lists allow all) and not excluded;
- X is one of its territories ("*": all);
- its view cap, if any, is not reached.

**The slot rule** (`twin_slot`, `may_appear_on_twin`): a product appears on a twin only when it is for
adults (every twin is an adult: Boys and Girls ranges never) and its garment family has a place on a body
(top, bottom, full-length, outerwear, footwear, bag held in the hand, eyewear, wrist, jewellery, headwear,
neck, waist, hands) or is held in the hand (personal care, bottles, umbrellas, key chains). Intimate apparel
and swimwear (never drawn on a real person's likeness), gift sets, free items, home and sports equipment have
no slot (`drawing.FAMILIES`): those show the plain product illustration.

Callers: the render gate (`licensing.services.gate`, which decides and records every view), the eligibility
reads (`licensing.selectors.twin_images_for_products`), the renderer (`licensing.showcase.renderer`) and the
showcase view. Nobody else re-states either rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drawing import family_for

from .models import BrandScope, DenialReason, GrantStatus

ADULT_GENDERS = frozenset({"Men", "Women", "Unisex"})
# Why the gate refuses a product that has no slot on a twin. Not a consent reason: no grant can allow it,
# so it is not written to the talent's log of refusals (DeniedView) either.
NEVER_ON_TWIN = "never_on_twin"


@dataclass(frozen=True)
class ProductScope:
    """What the rules read of a product: its brand and the category names consent terms are written in."""

    brand_id: int
    article_type: str
    master_category: str
    sub_category: str = ""
    gender: str = ""


def scope_of_loaded(product: Any) -> ProductScope:
    """The scope of a shop Product whose category chain (article type -> sub category -> master) is loaded."""
    at = product.article_type
    return ProductScope(brand_id=product.brand_id, article_type=at.name, master_category=at.sub_category.master.name,
                        sub_category=at.sub_category.name, gender=product.gender)


# --- the slot rule ------------------------------------------------------------------------------------


def twin_slot(*, gender: str, article_type: str, sub_category: str = "", master_category: str = "") -> str | None:
    """Where a product goes on a twin (drawing.Slot), or None when it never appears on one."""
    if gender not in ADULT_GENDERS:
        return None
    return family_for(article_type, sub_category, master_category).slot


def scope_slot(scope: ProductScope) -> str | None:
    return twin_slot(gender=scope.gender, article_type=scope.article_type, sub_category=scope.sub_category,
                     master_category=scope.master_category)


def may_appear_on_twin(product: Any) -> bool:
    """Whether a product may ever be shown on a twin: a ProductScope, or a shop Product with its category chain
    loaded (the chain is read, so an unloaded one costs queries)."""
    scope = product if isinstance(product, ProductScope) else scope_of_loaded(product)
    return scope_slot(scope) is not None


# --- the consent rule ---------------------------------------------------------------------------------


def grant_covers_brand(grant: Any, brand_id: int) -> bool:
    """Whether the grant pays for views of this brand's products: the one brand a brand grant names; any brand
    for the shop's grant over every brand it sells; the listed set for the shop's grant over a listed set.

    A listed-set grant carries `listed_brand_ids` (licensing.selectors.with_listed_brand_ids, GrantTerms; the
    gate reads which locked listed-set grants list the brand and says so)."""
    if grant.brand_scope == BrandScope.SHOP_ALL:
        return True
    if grant.brand_scope == BrandScope.SHOP_LISTED:
        return brand_id in grant.listed_brand_ids
    return grant.brand_id == brand_id


def territory_is_valid(territory: str) -> bool:
    """An ISO 3166-1 alpha-2 code, upper case (the caller normalises)."""
    return len(territory) == 2 and territory.isascii() and territory.isalpha()


# The order in which terms are checked. A denial reports the reason of the grant that got furthest,
# so a talent sees "territory" rather than "no_grant" when only the territory was wrong.
STAGES = ("brand", "status", "window", "channel", "category", "territory", "cap")
_STATUS_DENIAL = {
    GrantStatus.PROPOSED: DenialReason.UNSIGNED,
    GrantStatus.REVOKED: DenialReason.REVOKED,
    GrantStatus.EXPIRED: DenialReason.EXPIRED,
    GrantStatus.SUPERSEDED: DenialReason.NO_GRANT,
}


def _category_allowed(grant: Any, scope: ProductScope) -> bool:
    return not (
        (grant.allowed_master_categories and scope.master_category not in grant.allowed_master_categories)
        or (grant.allowed_article_types and scope.article_type not in grant.allowed_article_types)
        or scope.master_category in (grant.excluded_master_categories or [])
        or scope.article_type in (grant.excluded_article_types or [])
    )


def grant_failure(grant: Any, *, scope: ProductScope, channel: str, territory: str,
                  at: datetime) -> tuple[int, str] | None:
    """None when the grant covers this view, else (stage index in STAGES, denial reason).

    `grant` is a ConsentGrant or anything with its term fields (licensing.selectors.GrantTerms)."""
    if not grant_covers_brand(grant, scope.brand_id):
        return 0, DenialReason.BRAND
    if grant.status != GrantStatus.SIGNED:
        return 1, _STATUS_DENIAL.get(grant.status, DenialReason.NO_GRANT)
    if at < grant.valid_from:
        return 2, DenialReason.NOT_YET_VALID
    if at >= grant.valid_until:
        return 2, DenialReason.EXPIRED
    if channel not in (grant.channels or []):
        return 3, DenialReason.CHANNEL
    if not _category_allowed(grant, scope):
        return 4, DenialReason.CATEGORY
    territories = grant.territories or []
    if "*" not in territories and territory not in territories:
        return 5, DenialReason.TERRITORY
    if grant.view_cap is not None and grant.billable_views >= grant.view_cap:
        return 6, DenialReason.CAP
    return None


def best_denial(failures: list[tuple[int, str]]) -> str:
    """The reason of the grant that got furthest. Ties at the status stage prefer the most telling status:
    revoked > expired > unsigned > superseded."""
    if not failures:
        return DenialReason.NO_GRANT
    order: dict[str, int] = {DenialReason.REVOKED: 0, DenialReason.EXPIRED: 1, DenialReason.UNSIGNED: 2, DenialReason.NO_GRANT: 3}
    return max(failures, key=lambda f: (f[0], -order.get(f[1], 0)))[1]
