"""Licensing reads: which twins may be shown, earnings, statements, render statistics."""
from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from shop.models import Product

from .models import ConsentGrant, DigitalTwin, GrantStatus
from .services.gate import grant_failure, product_scope


def twins_covering(*, product: Product, channel: str, territory: str | None = None,
                   at: datetime | None = None) -> list[DigitalTwin]:
    """Active twins whose signed consent covers this product, channel and territory right now.

    Read straight from the database on every call (no cache): a revocation shows on the next call.
    The gate still decides each view; this only picks candidates."""
    at = at or timezone.now()
    territory = (territory or settings.LICENSING_DEFAULT_TERRITORY).upper()
    scope = product_scope(product)
    grants = (
        ConsentGrant.objects.filter(
            brand_id=scope.brand_id, status=GrantStatus.SIGNED, valid_from__lte=at, valid_until__gt=at,
            twin__is_active=True,
        )
        .select_related("twin__talent")
        .order_by("twin_id", "pk")
    )
    twins: dict[int, DigitalTwin] = {}
    for grant in grants:
        if grant.twin_id in twins:
            continue
        if grant_failure(grant, scope=scope, channel=channel, territory=territory, at=at) is None:
            twins[grant.twin_id] = grant.twin
    return list(twins.values())
