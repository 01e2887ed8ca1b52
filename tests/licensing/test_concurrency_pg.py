"""The cap and the ledger under real concurrency (PostgreSQL, one connection per thread).

First the race: a naive read-check-write cap check, written here in the test, overshoots the cap.
Then the guard: license_view (row lock + compare-and-swap UPDATE) bills exactly the cap."""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from licensing.models import ConsentGrant, DeniedView, RoyaltyEvent
from licensing.services import ConsentDenied, Viewer, license_view
from tests.factories import ConsentGrantFactory, ProductFactory, RepresentationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAP = 5
BARRIER_TIMEOUT = 60  # a thread that can't connect breaks the barrier: the test fails instead of hanging


def run_threads(n: int, work: Callable[[int, threading.Barrier], object]) -> list[object]:
    barrier = threading.Barrier(n, timeout=BARRIER_TIMEOUT)

    def job(i: int) -> object:
        try:
            return work(i, barrier)
        except BaseException:
            barrier.abort()  # release the others at once
            raise
        finally:
            connections.close_all()  # each thread opened its own connection

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(job, range(n)))


def test_without_the_guard_a_naive_cap_check_overshoots():
    grant = ConsentGrantFactory(view_cap=CAP)
    product = ProductFactory(brand=grant.brand)

    def naive_view(i: int, barrier: threading.Barrier) -> bool:
        # read, check, write — without a lock or a conditional update
        used = RoyaltyEvent.objects.filter(grant=grant, billable=True).count()
        barrier.wait()  # everybody has read before anybody writes: the window every real race has
        if used >= CAP:
            return False
        RoyaltyEvent.objects.create(
            idempotency_key=f"naive-{i}", grant=grant, twin=grant.twin, talent=grant.twin.talent, product=product,
            brand=grant.brand, channel="storefront", territory="US", viewer_key=f"s:{i}", billable=True,
            amount=grant.rate_per_view, currency="USD", agency_commission=Decimal("0"),
            talent_net=grant.rate_per_view, at=timezone.now())
        return True

    results = run_threads(3 * CAP, naive_view)

    assert sum(results) > CAP
    assert RoyaltyEvent.objects.filter(grant=grant, billable=True).count() > CAP


def test_with_the_gate_exactly_the_cap_is_billed_and_the_rest_denied_with_cap():
    grant = ConsentGrantFactory(view_cap=CAP, rate_per_view=Decimal("0.0125"))
    RepresentationFactory(talent=grant.twin.talent)
    product = ProductFactory(brand=grant.brand)

    def view(i: int, barrier: threading.Barrier) -> str:
        barrier.wait()
        try:
            license_view(twin=grant.twin, product=product, viewer=Viewer(key=f"s:{i}"), channel="storefront")
            return "ok"
        except ConsentDenied as denied:
            return denied.reason

    outcomes = Counter(run_threads(3 * CAP, view))

    assert outcomes == Counter({"ok": CAP, "cap": 2 * CAP})
    grant.refresh_from_db()
    assert grant.billable_views == CAP
    events = RoyaltyEvent.objects.filter(grant=grant)
    assert events.count() == CAP and events.filter(billable=True).count() == CAP
    assert DeniedView.objects.filter(grant=grant, reason="cap").count() == 2 * CAP
    totals = events.aggregate(a=Sum("amount"), c=Sum("agency_commission"), n=Sum("talent_net"))
    # 5 x 0.0125 = 0.0625; commission 5 x 0.0019 = 0.0095; net 5 x 0.0106 = 0.0530
    assert totals == {"a": Decimal("0.0625"), "c": Decimal("0.0095"), "n": Decimal("0.0530")}


def test_without_a_cap_n_concurrent_views_give_n_events():
    n = 12
    grant = ConsentGrantFactory(view_cap=None, rate_per_view=Decimal("0.0333"))
    product = ProductFactory(brand=grant.brand)

    def view(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        return license_view(twin=grant.twin, product=product, viewer=Viewer(key=f"s:{i}"),
                            channel="storefront").royalty_event_id

    ids = run_threads(n, view)

    assert len(set(ids)) == n
    assert RoyaltyEvent.objects.filter(grant=grant, billable=True).count() == n
    grant.refresh_from_db()
    assert grant.billable_views == n
    assert RoyaltyEvent.objects.aggregate(s=Sum("amount"))["s"] == Decimal("0.0333") * n


def test_the_same_idempotency_key_from_many_threads_records_one_view():
    grant = ConsentGrantFactory()
    product = ProductFactory(brand=grant.brand)

    def view(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        return license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:same"), channel="storefront",
                            idempotency_key="retry-123").royalty_event_id

    ids = run_threads(8, view)

    assert len(set(ids)) == 1
    assert RoyaltyEvent.objects.count() == 1
    assert ConsentGrant.objects.get(pk=grant.pk).billable_views == 1


def test_the_same_viewer_racing_is_billed_once_inside_the_dedup_window(settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 1800
    grant = ConsentGrantFactory()
    product = ProductFactory(brand=grant.brand)

    def view(i: int, barrier: threading.Barrier) -> bool:
        barrier.wait()
        return license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:reloader"),
                            channel="storefront").billable

    results = run_threads(10, view)

    assert sorted(results) == [False] * 9 + [True]
    assert connection.vendor == "postgresql"
