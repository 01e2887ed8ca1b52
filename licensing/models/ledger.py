"""The royalty ledger and the denied-view log. Both are append-only in the database."""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Abs
from django.db.models.lookups import LessThan

from shop.models import Brand, Product

from .consent import Channel, ConsentGrant
from .people import Agency, DigitalTwin, Talent


class NonBillableReason(models.TextChoices):
    NONE = "", "Billable"
    DEDUP = "dedup", "Repeat view inside the dedup window"
    STAFF = "staff", "Shop staff"
    SELF = "self", "The talent themself"
    BOT = "bot", "Known bot or crawler"
    PREFETCH = "prefetch", "Browser prefetch"
    # Over the client's hourly budget of billable views (MRC/IAB invalid traffic; licensing.services.traffic).
    INVALID = "invalid", "Invalid traffic: over the client's hourly budget"


class DenialReason(models.TextChoices):
    NO_GRANT = "no_grant", "No consent for this twin"
    REVOKED = "revoked", "Consent revoked"
    EXPIRED = "expired", "Consent expired"
    NOT_YET_VALID = "not_yet_valid", "Consent not yet valid"
    UNSIGNED = "unsigned", "Consent not signed"
    CAP = "cap", "View cap reached"
    CHANNEL = "channel", "Channel not covered"
    CATEGORY = "category", "Product category not covered"
    TERRITORY = "territory", "Territory not covered"
    BRAND = "brand", "Brand not covered"
    TWIN_INACTIVE = "twin_inactive", "Twin deactivated"


class RoyaltyEvent(models.Model):
    """One licensed view. amount = agency_commission + talent_net, exactly; non-billable rows are zero."""

    idempotency_key = models.CharField(max_length=80, unique=True)
    grant = models.ForeignKey(ConsentGrant, on_delete=models.PROTECT, related_name="royalty_events")
    twin = models.ForeignKey(DigitalTwin, on_delete=models.PROTECT, related_name="royalty_events")
    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="royalty_events")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="royalty_events")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="royalty_events")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    territory = models.CharField(max_length=8)
    viewer_key = models.CharField(max_length=128)
    billable = models.BooleanField()
    non_billable_reason = models.CharField(max_length=10, choices=NonBillableReason.choices, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="royalty_events")
    agency_rate = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0"))
    agency_commission = models.DecimalField(max_digits=14, decimal_places=4)
    talent_net = models.DecimalField(max_digits=14, decimal_places=4)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["viewer_key", "twin", "product", "at"], name="royalty_dedup_idx"),
            models.Index(fields=["talent", "at"], name="royalty_talent_at_idx"),
            models.Index(fields=["grant", "at"], name="royalty_grant_at_idx"),
            # The fair-exposure weights and the concentration page count views per twin over a period.
            models.Index(fields=["at", "twin"], name="royalty_at_twin_idx"),
        ]
        constraints = [
            # Exact on PostgreSQL (NUMERIC(14,4): any mismatch is at least 0.0001). SQLite stores decimals as
            # float64, where 0.0075 + 0.0425 != 0.05, so the test is "closer than half the last digit".
            models.CheckConstraint(
                condition=LessThan(Abs(F("amount") - F("agency_commission") - F("talent_net")), Decimal("0.00005")),
                name="royalty_split_exact_v2",
            ),
            models.CheckConstraint(
                condition=Q(billable=False) | Q(non_billable_reason=""), name="royalty_billable_has_no_reason"
            ),
            models.CheckConstraint(
                condition=Q(billable=True) | (~Q(non_billable_reason="") & Q(amount=Decimal("0"))),
                name="royalty_nonbillable_reason_and_zero",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0"), agency_commission__gte=Decimal("0"), talent_net__gte=Decimal("0")),
                name="royalty_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(agency_rate__gte=Decimal("0"), agency_rate__lte=Decimal("0.20")),
                name="royalty_agency_rate_at_most_20pct",
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="royalty_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.twin_id}/{self.product_id} {self.amount} {self.currency}"


class DeniedView(models.Model):
    """A view the gate refused, by reason. Append-only, one row per refusal (no hot counter row)."""

    twin = models.ForeignKey(DigitalTwin, on_delete=models.PROTECT, related_name="denied_views")
    grant = models.ForeignKey(ConsentGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="denied_views")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12)
    territory = models.CharField(max_length=8)
    reason = models.CharField(max_length=16, choices=DenialReason.choices)
    viewer_key = models.CharField(max_length=128)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["twin", "at"], name="denied_twin_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} twin {self.twin_id} denied: {self.reason}"
