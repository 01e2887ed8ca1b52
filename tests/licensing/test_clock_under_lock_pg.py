"""Timestamps are taken under the grant's row lock (issue 20, item 6), shown with racing workers on PostgreSQL.

A worker that reads the clock and is then preempted before it locks the grant stamps its write with a
time that no longer orders it against the others. The tests inject that preemption: a clock that sleeps
right after it is read."""
from __future__ import annotations

import threading
import time

import pytest
from django.utils import timezone

from licensing.models import ConsentGrant, RoyaltyEvent
from licensing.services import ConsentDenied, Viewer, grant_revoke, license_view
from licensing.services import consent as consent_services
from tests.factories import ConsentGrantFactory, ProductFactory
from tests.licensing.test_concurrency_pg import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PREEMPTED_FOR = 0.3  # seconds the revoking worker sleeps right after reading the clock


class _PreemptedClock:
    """timezone as the revoking service sees it: `now()` returns the time, then the thread stalls."""

    def __init__(self, stall_thread: int) -> None:
        self.stall_thread = stall_thread

    def now(self):
        at = timezone.now()
        if threading.get_ident() == self.stall_thread:
            time.sleep(PREEMPTED_FOR)
        return at


def test_no_view_is_stamped_after_the_revocation_when_the_revoking_worker_is_preempted(monkeypatch):
    # Given a signed grant, a revoking worker that stalls right after reading the clock, and 4 viewers
    grant = ConsentGrantFactory()
    product = ProductFactory(brand=grant.brand)
    talent_user = grant.twin.talent.user

    def work(i: int, barrier: threading.Barrier) -> str:
        if i == 0:
            monkeypatch.setattr(consent_services, "timezone", _PreemptedClock(threading.get_ident()))
            barrier.wait()
            grant_revoke(grant=ConsentGrant.objects.get(pk=grant.pk), user=talent_user)
            return "revoked"
        barrier.wait()
        time.sleep(0.05 * i)  # the views arrive while the revoker is stalled
        try:
            license_view(twin=grant.twin, product=product, viewer=Viewer(key=f"s:racer-{i}"), channel="storefront")
            return "served"
        except ConsentDenied as denied:
            return denied.reason

    # When they race
    run_threads(5, work)

    # Then every royalty row is stamped before the revocation: the revocation's time is taken under the lock,
    # after every view that got the lock first had committed
    revoked_at = ConsentGrant.objects.get(pk=grant.pk).revoked_at
    late = list(RoyaltyEvent.objects.filter(grant=grant, at__gte=revoked_at).values_list("at", flat=True))
    assert late == []
    assert revoked_at is not None
