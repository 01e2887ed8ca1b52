"""Demo talents, agency, twins and consents for `manage.py seed_licensing_demo`. Passwords are demo-only."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from shop.models import Brand, Product

from .models import (
    INNERWEAR_ARTICLE_TYPES,
    Agency,
    BrandScope,
    ConsentGrant,
    DigitalTwin,
    GrantStatus,
    Representation,
    RoyaltyEvent,
    Talent,
    TwinPose,
)
from .services.consent import grant_amend, grant_expire, grant_propose, grant_revoke, grant_sign
from .services.gate import ConsentDenied, Viewer, license_view

DEMO_PASSWORD = "twinshop-demo"
# The brands whose own consents show the brand-grant states (capped, expired, revoked, amended).
TOP_BRANDS = 6
DEMO_MASTER_CATEGORIES = ["Accessories", "Apparel", "Footwear", "Personal Care"]


@dataclass(frozen=True)
class DemoTalent:
    username: str
    display_name: str
    pronouns: str
    gender_presentation: str
    monk_skin_tone: int
    height_cm: int
    body_shape: str
    clothing_size: str
    shoe_size: int
    chest_cm: int
    waist_cm: int
    hips_cm: int
    hair_style: str
    hair_colour: str
    represented: bool = True
    rate: str = "0.0400"
    extra: dict = field(default_factory=dict)


TALENTS: tuple[DemoTalent, ...] = (
    DemoTalent("amara", "Amara Okafor", "she/her", "feminine", 9, 178, "hourglass", "M", 40, 92, 70, 100,
               "braids", "#1b1412", rate="0.0500", extra={"excluded_article_types": list(INNERWEAR_ARTICLE_TYPES)}),
    DemoTalent("kenji", "Kenji Watanabe", "he/him", "masculine", 3, 182, "athletic", "L", 44, 102, 80, 96,
               "short crop", "#0f0f0f", rate="0.0450"),
    DemoTalent("sofia", "Sofía Restrepo", "she/her", "feminine", 5, 160, "pear", "S", 37, 84, 66, 98,
               "long waves", "#4a2c1a", rate="0.0350"),
    DemoTalent("lars", "Lars Eriksen", "he/him", "masculine", 1, 195, "straight", "XL", 46, 108, 88, 102,
               "undercut", "#d9c27a", rate="0.0400"),
    DemoTalent("priya", "Priya Raman", "she/her", "feminine", 6, 165, "curvy", "XL", 39, 104, 86, 112,
               "long straight", "#1e1410", rate="0.0400"),
    DemoTalent("river", "River Haines", "they/them", "androgynous", 4, 172, "straight", "XS", 41, 82, 66, 88,
               "pixie", "#7a4a2a", represented=False, rate="0.0300",
               extra={"channels": ["storefront", "assistant"], "territories": ["US", "GB", "DE"]}),
    DemoTalent("malik", "Malik Johnson", "he/him", "masculine", 10, 188, "inverted_triangle", "XXL", 47, 116, 92, 104,
               "fade", "#0b0b0b", rate="0.0800"),
    DemoTalent("mei", "Mei Lin", "she/her", "feminine", 2, 155, "straight", "XS", 36, 78, 60, 84,
               "bob", "#141010", rate="0.0250"),
    DemoTalent("noa", "Noa Cohen", "they/them", "androgynous", 7, 170, "apple", "L", 42, 100, 90, 102,
               "curly top", "#3a2418", rate="0.0350"),
    DemoTalent("tavita", "Tavita Faleolo", "he/him", "masculine", 8, 185, "apple", "XXL", 46, 118, 104, 112,
               "man bun", "#1a1008", represented=False, rate="0.0600"),
)

POSES = (("front", "Front"), ("three_quarter", "Three-quarter"), ("walk", "Walking"))


def _user(username: str, *, staff: bool = False, superuser: bool = False, log: list[str]) -> tuple:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.twinshop.test", "is_staff": staff or superuser,
                                     "is_superuser": superuser})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        log.append(f"created user {username!r}")
    return user, created


def _merch_permissions(user) -> None:
    wanted = Permission.objects.filter(content_type__app_label="licensing", codename__startswith="view_")
    twins = Permission.objects.filter(content_type__app_label="licensing", codename__in=[
        "add_digitaltwin", "change_digitaltwin", "add_twinpose", "change_twinpose", "delete_twinpose",
        "add_twincapture", "change_twincapture", "delete_twincapture"])
    shop = Permission.objects.filter(content_type__app_label="shop").exclude(codename__startswith="delete_order")
    user.user_permissions.add(*wanted, *twins, *shop)


def demo_brands() -> list[Brand]:
    """The brands with the most products (most of the catalogue) plus the shop's default brand."""
    top: list[Brand] = list(Brand.objects.annotate(n=Count("products")).filter(n__gt=0).order_by("-n", "name")[:TOP_BRANDS])
    default = Brand.objects.filter(name=settings.SHOP_DEFAULT_BRAND).first()
    if default is None and not top:
        default = Brand.objects.create(name=settings.SHOP_DEFAULT_BRAND, slug=slugify(settings.SHOP_DEFAULT_BRAND))
    if default is not None and default not in top:
        top.append(default)
    return top


def _propose_and_sign(*, twin: DigitalTwin, brand: Brand | None, proposer, agency: Agency | None, spec: DemoTalent,
                      start: datetime, until: datetime, sign_at: datetime, view_cap: int | None = None,
                      **payer) -> ConsentGrant:
    """A brand's consent (`brand`), or the shop's (`brand_scope=...`, `listed_brands=...`), proposed and signed."""
    whose = f"{brand.name} products" if brand is not None else "any product Twinshop sells"
    terms = {
        "purpose": (f"Show {spec.display_name}'s AI twin wearing {whose} on Twinshop product "
                    f"pages, in search results and in the shopping assistant's product cards."),
        "channels": ["storefront", "assistant", "marketing"],
        "territories": ["*"],
        "allowed_master_categories": DEMO_MASTER_CATEGORIES,
        **spec.extra,
        **payer.pop("terms", {}),
    }
    grant = grant_propose(twin=twin, brand=brand, proposed_by=proposer, agency=agency, valid_from=start,
                          valid_until=until, rate_per_view=Decimal(spec.rate), currency="USD", view_cap=view_cap,
                          at=start - timedelta(days=1), **payer, **terms)
    return grant_sign(grant=grant, user=twin.talent.user, typed_name=spec.display_name,
                      shown_terms_sha256=grant.terms_sha256, ip="127.0.0.1", user_agent="seed_licensing_demo",
                      at=sign_at)


def _ensure_shop_wide(*, merch, agency_user, agency: Agency, start: datetime, until: datetime) -> list[str]:
    """Every demo twin without a shop-wide consent gets one, signed (also on a database seeded before them)."""
    log = []
    for spec in TALENTS:
        twin = DigitalTwin.objects.filter(slug=f"{spec.username}-twin").select_related("talent__user").first()
        if twin is None or twin.grants.filter(brand_scope=BrandScope.SHOP_ALL).exists():
            continue
        proposer, prop_agency = (agency_user, agency) if spec.represented else (merch, None)
        _propose_and_sign(twin=twin, brand=None, proposer=proposer, agency=prop_agency, spec=spec, start=start,
                          until=until, sign_at=start, brand_scope=BrandScope.SHOP_ALL)
        log.append(f"{twin.name}: shop-wide consent signed (every brand {settings.SHOP_NAME} sells)")
    return log


def seed(*, views: int = 600, rng_seed: int = 7) -> list[str]:
    log: list[str] = []
    now = timezone.now().replace(microsecond=0)
    start, until = now - timedelta(days=90), now + timedelta(days=365)

    with transaction.atomic():
        _user("admin", superuser=True, log=log)
        merch, _ = _user("merch", staff=True, log=log)
        _merch_permissions(merch)
        agency_user, agency = _demo_agency(log=log)
        brands = demo_brands()
        new_twins = [(spec, twin) for spec, twin, fresh in
                     (_demo_talent(spec, agency=agency, now=now, log=log) for spec in TALENTS) if fresh]
        for spec, twin in new_twins:
            proposer, prop_agency = (agency_user, agency) if spec.represented else (merch, None)
            _brand_consents(spec=spec, twin=twin, brands=brands, proposer=proposer, agency=prop_agency,
                            start=start, until=until, now=now, log=log)
        log.extend(_ensure_shop_wide(merch=merch, agency_user=agency_user, agency=agency, start=start, until=until))

    # History first (while every demo consent was still in force), then the state changes.
    if new_twins and views and not RoyaltyEvent.objects.exists():
        log.append(_demo_traffic(twins=[t for _, t in new_twins], brands=brands, views=views, now=now, rng_seed=rng_seed))

    with transaction.atomic():
        expired = grant_expire(at=now)
        if expired:
            log.append(f"expired: {expired} consent(s) past their end date")
        by_user = {spec.username: twin for spec, twin in new_twins}
        _demo_state_changes(by_user=by_user, brands=brands, agency_user=agency_user, agency=agency, now=now, log=log)
    return log


def _demo_agency(*, log: list[str]) -> tuple[Any, Agency]:
    agency_user, _ = _user("northstar", log=log)
    agency, created = Agency.objects.get_or_create(
        name="Northstar Models", defaults={"slug": "northstar-models", "commission_rate": Decimal("0.15")})
    if created:
        log.append("created agency Northstar Models (15% commission)")
    agency.staff.add(agency_user)
    return agency_user, agency


def _demo_talent(spec: DemoTalent, *, agency: Agency, now: datetime, log: list[str]) -> tuple[DemoTalent, DigitalTwin, bool]:
    """The talent, their representation, twin and poses; `True` when the twin has no consents yet."""
    user, _ = _user(spec.username, log=log)
    talent, _ = Talent.objects.get_or_create(user=user, defaults={
        "display_name": spec.display_name, "pronouns": spec.pronouns,
        "gender_presentation": spec.gender_presentation, "monk_skin_tone": spec.monk_skin_tone,
        "height_cm": spec.height_cm, "body_shape": spec.body_shape, "clothing_size": spec.clothing_size,
        "shoe_size": spec.shoe_size, "chest_cm": spec.chest_cm, "waist_cm": spec.waist_cm,
        "hips_cm": spec.hips_cm, "hair_style": spec.hair_style, "hair_colour": spec.hair_colour})
    if spec.represented and not talent.representations.exists():
        Representation.objects.create(talent=talent, agency=agency, start=(now - timedelta(days=365)).date(),
                                      end=(now + timedelta(days=2 * 365)).date())
    twin, _ = DigitalTwin.objects.get_or_create(
        slug=f"{spec.username}-twin", defaults={"talent": talent, "name": f"{spec.display_name} (AI twin)"})
    for position, (key, label) in enumerate(POSES):
        TwinPose.objects.get_or_create(twin=twin, key=key, defaults={"label": label, "position": position})
    return spec, twin, not twin.grants.exists()


def _brand_consents(*, spec: DemoTalent, twin: DigitalTwin, brands: list[Brand], proposer: Any, agency: Agency | None,
                    start: datetime, until: datetime, now: datetime, log: list[str]) -> None:
    # The brands' own consents first (lower ids: the gate uses the first covering grant), one per state the
    # demo shows; the shop's consent for every brand it sells (_ensure_shop_wide) then puts the twin on the
    # whole catalogue within its categories.
    for i, brand in enumerate(brands[:4]):
        cap = 150 if spec.username == "kenji" and i == 0 else None
        g_until = now - timedelta(days=10) if spec.username == "sofia" and i == 1 else until  # ended
        _propose_and_sign(twin=twin, brand=brand, proposer=proposer, agency=agency, spec=spec,
                          start=start, until=g_until, sign_at=start, view_cap=cap)
    if spec.username == "noa":
        _propose_and_sign(twin=twin, brand=None, proposer=proposer, agency=agency, spec=spec,
                          start=start, until=until, sign_at=start, brand_scope=BrandScope.SHOP_LISTED,
                          listed_brands=brands[:TOP_BRANDS], terms={"channels": ["marketing"]})
    log.append(f"{twin.name}: {min(len(brands), 4)} brand consents signed")


def _demo_state_changes(*, by_user: dict[str, DigitalTwin], brands: list[Brand], agency_user: Any, agency: Agency,
                        now: datetime, log: list[str]) -> None:
    """A revocation, a shop proposal, an amendment and a fresh proposal awaiting signatures."""
    if "lars" in by_user and len(brands) > 2:
        g = ConsentGrant.objects.get(twin=by_user["lars"], brand=brands[2], status=GrantStatus.SIGNED)
        log.append(f"revoked: {grant_revoke(grant=g, user=g.twin.talent.user, at=now - timedelta(hours=6))}")
    if "malik" in by_user:
        fresh = grant_propose(
            twin=by_user["malik"], brand_scope=BrandScope.SHOP_ALL, proposed_by=agency_user, agency=agency,
            purpose="Marketing emails and social posts of Malik Johnson's AI twin wearing any brand Twinshop sells.",
            channels=["marketing"], territories=["US", "GB"], valid_from=now, valid_until=now + timedelta(days=180),
            rate_per_view=Decimal("0.0900"), currency="USD", at=now - timedelta(hours=3))
        log.append(f"proposed, awaiting signature: {fresh}")
    if "priya" in by_user and len(brands) > 3:
        _priya_proposals(twin=by_user["priya"], brands=brands, agency_user=agency_user, agency=agency, now=now, log=log)


def _priya_proposals(*, twin: DigitalTwin, brands: list[Brand], agency_user: Any, agency: Agency, now: datetime,
                     log: list[str]) -> None:
    g = ConsentGrant.objects.get(twin=twin, brand=brands[3], status=GrantStatus.SIGNED)
    amendment = grant_amend(grant=g, proposed_by=agency_user, agency=agency, at=now - timedelta(hours=5),
                            rate_per_view=Decimal("0.0550"), view_cap=5000)
    log.append(f"proposed, awaiting signature: {amendment}")
    spare = Brand.objects.exclude(pk__in=[b.pk for b in brands]).order_by("name").first()
    if spare is not None:
        fresh = grant_propose(
            twin=twin, brand=spare, proposed_by=agency_user, agency=agency,
            purpose=f"Campaign imagery of Priya Raman's AI twin for {spare.name} in the Twinshop assistant only.",
            channels=["assistant"], territories=["US", "IN"], valid_from=now, valid_until=now + timedelta(days=90),
            rate_per_view=Decimal("0.0600"), currency="USD", at=now - timedelta(hours=4))
        log.append(f"proposed, awaiting signature: {fresh}")


def _demo_traffic(*, twins: list[DigitalTwin], brands: list[Brand], views: int, now: datetime, rng_seed: int) -> str:
    """Past views through the real gate (same rules, same ledger), so the earnings pages have history."""
    rng = random.Random(rng_seed)
    products = list(Product.objects.filter(brand__in=brands[:12], is_published=True)
                    .select_related("article_type__sub_category__master").order_by("catalog_id")[:400])
    if not products:
        return "no products yet: no demo views"
    licensed = denied = 0
    agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/142.0"] * 8 + ["Googlebot/2.1", "curl/8.5"]
    for _ in range(views):
        twin = rng.choice(twins)
        at = now - timedelta(days=rng.uniform(0, 29), minutes=rng.uniform(0, 600))
        viewer = Viewer(key=f"s:demo-{rng.randrange(views // 3 + 1)}", user_agent=rng.choice(agents),
                        is_prefetch=rng.random() < 0.03)
        try:
            license_view(twin=twin, product=rng.choice(products), viewer=viewer,
                         channel=rng.choice(["storefront", "storefront", "assistant"]), at=at,
                         territory=rng.choice(["US", "US", "GB", "FR"]))
            licensed += 1
        except ConsentDenied:
            denied += 1
    return f"demo traffic: {licensed} licensed views, {denied} denied"


@dataclass(frozen=True)
class Coverage:
    wearable: int  # published products the renderer puts on a body (the slot rule)
    covered: int  # of which on at least `min_twins` twins of a matching presentation, today, on the storefront
    min_twins: int

    @property
    def share(self) -> float:
        return self.covered / self.wearable if self.wearable else 0.0

    def __str__(self) -> str:
        return (f"coverage: {self.covered} of {self.wearable} wearable products ({self.share:.1%}) are on at least "
                f"{self.min_twins} twins of a matching presentation (storefront, {settings.LICENSING_DEFAULT_TERRITORY})")


def demo_coverage(*, min_twins: int = 2, channel: str = "storefront", at: datetime | None = None) -> Coverage:
    """How much of the catalogue the signed consents put on twins, by the readers' own rules (the slot rule,
    grant_covers_brand, grant_failure, presentation matching), one row per (gender, brand, article type)."""
    from .rules import ProductScope, scope_slot
    from .selectors import _covering_twins, signed_grants_by_brand
    from .showcase.rotation import matching

    at = at or timezone.now()
    fields = ("gender", "brand_id", "article_type__name", "article_type__sub_category__name",
              "article_type__sub_category__master__name")
    groups = list(Product.objects.filter(is_published=True).values(*fields).annotate(n=Count("pk")).order_by()
                  .values_list(*fields, "n"))
    scopes = [(ProductScope(brand_id=brand_id, article_type=at_name, master_category=master, sub_category=sub,
                            gender=gender), n) for gender, brand_id, at_name, sub, master, n in groups]
    wearable = [(scope, n) for scope, n in scopes if scope_slot(scope) is not None]
    grants_by_brand, twin_by_id = signed_grants_by_brand({scope.brand_id for scope, _ in wearable})
    covered = 0
    for scope, n in wearable:
        twins = _covering_twins(grants_by_brand[scope.brand_id], twin_by_id, scope=scope, channel=channel,
                                territory=settings.LICENSING_DEFAULT_TERRITORY, at=at)
        if len(matching(twins, gender=scope.gender)) >= min_twins:
            covered += n
    return Coverage(wearable=sum(n for _, n in wearable), covered=covered, min_twins=min_twins)


DEMO_ACCOUNTS = (
    "Demo logins (password for all: twinshop-demo — demo only):\n"
    "  talents: amara, kenji, sofia, lars, priya, river, malik, mei, noa, tavita  -> /talent/\n"
    "  agency:  northstar (Northstar Models, 15%)                                -> /agency/\n"
    "  merch:   staff merchandiser (render statistics, catalogue)                -> /admin/\n"
    "  admin:   superuser                                                        -> /admin/"
)
