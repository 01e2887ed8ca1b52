"""Consent grants (versioned, signed by the talent) and their append-only event log."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual

from shop.models import Brand

from .people import Agency, DigitalTwin

# GOL §5-302: a replica clause needs a reasonably specific description of the intended use.
MIN_PURPOSE_LENGTH = 30

INNERWEAR_ARTICLE_TYPES: tuple[str, ...] = (
    "Bra", "Briefs", "Innerwear Vests", "Boxers", "Trunk", "Camisoles", "Shapewear", "Swimwear",
)


class Channel(models.TextChoices):
    STOREFRONT = "storefront", "Storefront"
    ASSISTANT = "assistant", "Shopping assistant"
    MARKETING = "marketing", "Marketing"


class GrantStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (awaiting signature)"
    SIGNED = "signed", "Signed"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded by a newer version"
    EXPIRED = "expired", "Expired"


class BrandScope(models.TextChoices):
    """Who pays, and so which products' brands a grant covers."""

    BRAND = "brand", "One brand (the brand pays)"
    SHOP_ALL = "shop_all", "The shop, for every brand it sells"
    SHOP_LISTED = "shop_listed", "The shop, for a listed set of the brands it sells"


SHOP_SCOPES: tuple[str, ...] = (BrandScope.SHOP_ALL, BrandScope.SHOP_LISTED)


class ConsentGrant(models.Model):
    """One version of the terms under which a brand, or the shop for the brands it sells, may show a twin.
    Amendments are new rows."""

    twin = models.ForeignKey(DigitalTwin, on_delete=models.PROTECT, related_name="grants")
    brand_scope = models.CharField(max_length=12, choices=BrandScope.choices, default=BrandScope.BRAND,
                                   help_text="Who pays: one brand, or the shop (all its brands or a listed set).")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="consent_grants", null=True, blank=True,
                              help_text="The brand that pays; empty for a shop-wide grant.")
    listed_brands = models.ManyToManyField(
        Brand, through="GrantBrand", related_name="listed_in_grants", blank=True,
        help_text="The brands a shop grant for a listed set covers (fixed when proposed, like every term).")
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments",
        help_text="The version this one amends; it stays valid until this one is signed.",
    )
    purpose = models.TextField(help_text="A reasonably specific description of the intended use (GOL §5-302).")
    channels = models.JSONField(default=list, help_text="Subset of storefront / assistant / marketing.")
    allowed_master_categories = models.JSONField(default=list, blank=True, help_text="Empty = any.")
    allowed_article_types = models.JSONField(default=list, blank=True, help_text="Empty = any.")
    excluded_master_categories = models.JSONField(default=list, blank=True)
    excluded_article_types = models.JSONField(default=list, blank=True)
    territories = models.JSONField(default=list, help_text='ISO 3166-1 alpha-2 codes, or ["*"] for worldwide.')
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    rate_per_view = models.DecimalField(max_digits=10, decimal_places=4)
    currency = models.CharField(max_length=3, default="USD")
    view_cap = models.PositiveIntegerField(null=True, blank=True, help_text="Most billable views; empty = no cap.")
    billable_views = models.PositiveIntegerField(default=0)
    terms_text = models.TextField()
    terms_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=GrantStatus.choices, default=GrantStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="proposed_grants"
    )
    proposed_at = models.DateTimeField()
    signed_by_name = models.CharField(max_length=120, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=400, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Not a column: a listed-set grant's brands, set on the rows that need them by
    # licensing.selectors.with_listed_brand_ids (what licensing.rules.grant_covers_brand reads).
    listed_brand_ids: frozenset[int]

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["twin", "brand", "status"], name="grant_twin_brand_status_idx")]
        constraints = [
            # At most one amendment of a version may await signature at a time.
            models.UniqueConstraint(
                fields=["previous"], condition=Q(status="proposed"), name="grant_one_pending_amendment"
            ),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="grant_window_positive"),
            models.CheckConstraint(condition=Q(rate_per_view__gt=Decimal("0")), name="grant_rate_positive"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="grant_currency_iso"),
            models.CheckConstraint(
                condition=Q(view_cap__isnull=True) | Q(billable_views__lte=F("view_cap")),
                name="grant_billable_views_within_cap",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("purpose"), MIN_PURPOSE_LENGTH), name="grant_purpose_specific"
            ),
            models.CheckConstraint(condition=Q(terms_sha256__regex=r"^[0-9a-f]{64}$"), name="grant_terms_hash_hex"),
            models.CheckConstraint(condition=Q(status__in=GrantStatus.values), name="grant_status_valid"),
            # Exactly one shape: a brand grant names its brand; a shop grant names none (all brands, or the
            # listed set in GrantBrand, which the consent service requires to be non-empty).
            models.CheckConstraint(
                condition=Q(brand_scope=BrandScope.BRAND, brand__isnull=False)
                | Q(brand_scope__in=SHOP_SCOPES, brand__isnull=True),
                name="grant_brand_scope_shape",
            ),
            # A grant that was ever signed carries its signature evidence.
            models.CheckConstraint(
                condition=~Q(status__in=[GrantStatus.SIGNED, GrantStatus.SUPERSEDED])
                | (Q(signed_at__isnull=False) & ~Q(signed_by_name="")),
                name="grant_signed_has_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(status=GrantStatus.REVOKED) | Q(revoked_at__isnull=False),
                name="grant_revoked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Grant #{self.pk} v{self.version}: {self.twin} for {self.payer_label} ({self.status})"

    @property
    def payer_label(self) -> str:
        """Who pays, in words: the brand's name, or the shop and which of its brands (one query for a listed set)."""
        if self.brand_scope == BrandScope.SHOP_ALL:
            return f"{settings.SHOP_NAME} (every brand it sells)"
        if self.brand_scope == BrandScope.SHOP_LISTED:
            names = sorted(b.name for b in self.listed_brands.all())
            return f"{settings.SHOP_NAME} (for {', '.join(names)})"
        return self.brand.name if self.brand is not None else ""


class GrantBrand(models.Model):
    """One brand of a shop grant's listed set. Written with the grant when it is proposed, never changed."""

    grant = models.ForeignKey(ConsentGrant, on_delete=models.PROTECT, related_name="brand_links")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grant", "brand"], name="grantbrand_unique")]
        indexes = [models.Index(fields=["brand", "grant"], name="grantbrand_brand_grant_idx")]

    def __str__(self) -> str:
        return f"grant #{self.grant_id} · {self.brand_id}"


class ConsentEventKind(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SIGNED = "signed", "Signed"
    AMENDED = "amended", "Amendment proposed"
    SUPERSEDED = "superseded", "Superseded"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class ConsentEvent(models.Model):
    """Append-only proof of who did what to a consent, when, and over which exact terms.

    The database refuses UPDATE and DELETE on this table (trigger migration 0002)."""

    grant = models.ForeignKey(ConsentGrant, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=ConsentEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=160, blank=True, help_text="Who acted, as shown at the time.")
    at = models.DateTimeField(db_index=True)
    data = models.JSONField(default=dict, blank=True)
    terms_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ConsentEventKind.values), name="consentevent_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} grant #{self.grant_id}"
