from decimal import Decimal

import pytest

from licensing.models import RoyaltyEvent
from licensing.services import license_view


@pytest.mark.django_db
def test_a_covered_view_is_licensed_and_billed(grant, product, shopper):
    lic = license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")
    event = RoyaltyEvent.objects.get()
    assert lic.billable is True and lic.royalty_event_id == event.pk
    assert event.amount == Decimal("0.0500")
