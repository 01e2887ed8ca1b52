"""Load: licensed views from concurrent clients in 4 worker processes on PostgreSQL lose nothing.

Each scenario makes a fresh twin + signed grant, then WORKERS processes x THREADS threads (every thread a
client with its own database connection) call the render gate (licensing.services.license_view) with a
new viewer per view and deduplication off (LICENSING_DEDUP_WINDOW_SECONDS=0), so every view is billable:

- no cap:   VIEWS views -> exactly VIEWS royalty rows, sum exactly VIEWS x rate, counter == VIEWS
- cap:      VIEWS attempts on a grant capped at CAP -> exactly CAP rows, sum exactly CAP x rate, the rest
            refused as "cap" denials (one DeniedView row each)

Prints one row per scenario: views, rows, sum, expected sum, views/s, p50/p95 latency; exits 1 on any
mismatch. Ends with `reconcile_ledger` over the whole database.

    python bench/load_views_bench.py [--views 10000] [--cap 2500] [--workers 4] [--threads 4]
    # LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/twinshop_load; created and migrated).
    # DATABASE_URL is ignored on purpose: load rows never land in a real, append-only ledger.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RATE = Decimal("0.0137")  # not a round number: a lost or doubled row shows in the cents


@dataclass
class Outcome:
    scenario: str
    attempts: int
    rows: int
    billable: int
    denied: int
    total: Decimal
    expected_rows: int
    expected_total: Decimal
    counter: int
    seconds: float
    latencies_ms: list[float]

    @property
    def ok(self) -> bool:
        return (self.rows, self.billable, self.total, self.counter) == (
            self.expected_rows, self.expected_rows, self.expected_total, self.expected_rows)

    def p(self, q: float) -> float:
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0


def world_create(*, cap: int | None, label: str) -> tuple[int, int, int]:
    """A fresh twin with one signed grant (and a product of the grant's brand); returns ids."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from licensing.models import ConsentEvent, ConsentGrant, DigitalTwin, GrantStatus, Talent
    from licensing.services import render_terms, terms_sha256
    from shop.models import ArticleType, Brand, MasterCategory, Product, SubCategory

    tag = uuid.uuid4().hex[:10]
    master, _ = MasterCategory.objects.get_or_create(name="Apparel", defaults={"slug": "apparel"})
    sub, _ = SubCategory.objects.get_or_create(master=master, name="Dress", defaults={"slug": "dress"})
    atype, _ = ArticleType.objects.get_or_create(name="Dresses", defaults={"sub_category": sub, "slug": "dresses"})
    brand, _ = Brand.objects.get_or_create(name="Load Bench Brand", defaults={"slug": "load-bench-brand"})
    product = Product.objects.create(catalog_id=int(time.time() * 1000) % 2_000_000_000 + int(tag[:4], 16) % 1000,
                                     name=f"Load Dress {tag}", brand=brand, gender="Women", article_type=atype,
                                     price=Decimal("10.00"), currency="USD")
    user = get_user_model().objects.create_user(username=f"load-{tag}", password=None)
    talent = Talent.objects.create(user=user, display_name=f"Load Talent {label} {tag}", gender_presentation="feminine",
                                   monk_skin_tone=5, height_cm=175, body_shape="straight", clothing_size="M",
                                   shoe_size=39, chest_cm=88, waist_cm=70, hips_cm=95)
    twin = DigitalTwin.objects.create(talent=talent, name=f"Load twin {tag}", slug=f"load-{tag}")
    now = timezone.now()
    terms = dict(purpose="Show the twin on Twinshop product pages during the load benchmark.",
                 channels=["storefront"], territories=["*"], valid_from=now - timedelta(days=1),
                 valid_until=now + timedelta(days=30), rate_per_view=RATE, currency="USD", view_cap=cap)
    text = render_terms(twin=twin, brand=brand, version=1, allowed_master_categories=[], allowed_article_types=[],
                        excluded_master_categories=[], excluded_article_types=[], **terms)
    grant = ConsentGrant.objects.create(twin=twin, brand=brand, version=1, terms_text=text,
                                        terms_sha256=terms_sha256(text), status=GrantStatus.SIGNED,
                                        proposed_at=now, signed_at=now, signed_by_name=talent.display_name, **terms)
    for kind in ("proposed", "signed"):  # the log the consent services write (reconcile_ledger compares)
        ConsentEvent.objects.create(grant=grant, kind=kind, actor_label="load benchmark", at=now,
                                    terms_sha256=grant.terms_sha256)
    return twin.pk, product.pk, grant.pk


def _client(twin_id: int, product_id: int, n: int, tag: str, latencies: list[float], denied: list[int]) -> None:
    from django.db import connection

    from licensing.models import DigitalTwin
    from licensing.services import ConsentDenied, Viewer, license_view
    from shop.models import Product

    try:
        twin = DigitalTwin.objects.get(pk=twin_id)
        product = Product.objects.get(pk=product_id)
        for i in range(n):
            t0 = time.perf_counter()
            try:
                license_view(twin=twin, product=product, viewer=Viewer(key=f"s:{tag}-{i}"), channel="storefront")
            except ConsentDenied as exc:
                assert exc.reason == "cap", exc.reason
                denied[0] += 1
            latencies.append((time.perf_counter() - t0) * 1000)
    finally:
        connection.close()


def _worker(twin_id: int, product_id: int, n: int, threads: int, index: int, out: Any, env: dict[str, str]) -> None:
    # A spawned process (a fork could inherit a lock held by one of the parent's threads): set Django up
    # against exactly the parent's database (under pytest, the test database) with dedup off.
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = env["TWINSHOP_LOAD_DB_NAME"]
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    per = [n // threads + (1 if t < n % threads else 0) for t in range(threads)]
    started = time.time()
    results: list[tuple[list[float], list[int]]] = [([], [0]) for _ in range(threads)]
    pool = [threading.Thread(target=_client, args=(twin_id, product_id, per[t], f"w{index}t{t}-{uuid.uuid4().hex[:6]}",
                                                   *results[t])) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((sum((r[0] for r in results), []), sum(r[1][0] for r in results), started, time.time()))


def scenario_run(name: str, *, attempts: int, cap: int | None, workers: int = 4, threads: int = 4) -> Outcome:
    """Run one scenario across `workers` forked processes; the caller's database must be PostgreSQL."""
    from django.conf import settings
    from django.db import connections
    from django.db.models import Count, Q, Sum

    from licensing.models import ConsentGrant, DeniedView, RoyaltyEvent

    assert settings.LICENSING_DEDUP_WINDOW_SECONDS == 0, "set LICENSING_DEDUP_WINDOW_SECONDS=0"
    twin_id, product_id, grant_id = world_create(cap=cap, label=name)
    connections.close_all()
    module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE or "config.settings.test"
    env = {"DJANGO_SETTINGS_MODULE": module, "LICENSING_DEDUP_WINDOW_SECONDS": "0",
           "TWINSHOP_LOAD_DB_NAME": connections["default"].settings_dict["NAME"]}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    per = [attempts // workers + (1 if w < attempts % workers else 0) for w in range(workers)]
    t0 = time.perf_counter()
    procs = [ctx.Process(target=_worker, args=(twin_id, product_id, per[w], threads, w, out, env)) for w in range(workers)]
    for p in procs:
        p.start()
    gathered: list[Any] = []
    deadline = time.monotonic() + 1800
    while len(gathered) < len(procs):
        try:
            gathered.append(out.get(timeout=2))
        except queue.Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                for p in procs:
                    p.kill()
                raise RuntimeError(f"a load worker failed (exit codes {[p.exitcode for p in procs]})") from None
    for p in procs:
        p.join()
    # Throughput over the time views were being made (process start-up excluded).
    seconds = max(g[3] for g in gathered) - min(g[2] for g in gathered) if gathered else time.perf_counter() - t0
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    agg = RoyaltyEvent.objects.filter(grant_id=grant_id).aggregate(
        rows=Count("pk"), billable=Count("pk", filter=Q(billable=True)), total=Sum("amount"))
    expected_rows = attempts if cap is None else min(cap, attempts)
    return Outcome(
        scenario=name, attempts=attempts, rows=agg["rows"], billable=agg["billable"],
        denied=DeniedView.objects.filter(twin_id=twin_id, reason="cap").count(),
        total=(agg["total"] or Decimal("0")).quantize(Decimal("0.0001")), expected_rows=expected_rows,
        expected_total=(RATE * expected_rows).quantize(Decimal("0.0001")),
        counter=ConsentGrant.objects.get(pk=grant_id).billable_views, seconds=seconds,
        latencies_ms=sum((g[0] for g in gathered), []),
    )


def table(outcomes: list[Outcome]) -> str:
    head = (f"{'scenario':<26}{'views':>8}{'rows':>8}{'denied':>8}{'sum':>12}{'expected':>12}{'counter':>9}"
            f"{'views/s':>9}{'p50 ms':>8}{'p95 ms':>8}  result")
    lines = [head, "-" * len(head)]
    for o in outcomes:
        lines.append(f"{o.scenario:<26}{o.attempts:>8}{o.rows:>8}{o.denied:>8}{o.total:>12}{o.expected_total:>12}"
                     f"{o.counter:>9}{o.attempts / o.seconds:>9.0f}{statistics.median(o.latencies_ms):>8.1f}"
                     f"{o.p(0.95):>8.1f}  {'OK' if o.ok else 'MISMATCH'}")
    return "\n".join(lines)


def _ensure_database() -> None:
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    cfg = connection.settings_dict
    try:
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 - the database may not exist yet
        with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                             password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=10_000)
    parser.add_argument("--cap", type=int, default=2_500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    # Always a dedicated database: the ledger is append-only, so load rows must never land in a real one.
    os.environ["DATABASE_URL"] = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twinshop_load")
    os.environ["LICENSING_DEDUP_WINDOW_SECONDS"] = "0"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("load_views_bench measures PostgreSQL: set DATABASE_URL=postgres://...")
    _ensure_database()
    print(f"database {connection.settings_dict['NAME']}: {args.workers} processes x {args.threads} clients, "
          f"dedup off, rate {RATE}/view")
    outcomes = [
        scenario_run("no cap", attempts=args.views, cap=None, workers=args.workers, threads=args.threads),
        scenario_run(f"cap {args.cap}", attempts=args.views, cap=args.cap, workers=args.workers, threads=args.threads),
    ]
    print(table(outcomes))
    lost = sum(abs(o.expected_rows - o.rows) for o in outcomes)
    print(f"rows lost or duplicated: {lost}")
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    buf = StringIO()
    try:
        call_command("reconcile_ledger", stdout=buf)
        reconciled = True
    except CommandError:
        reconciled = False
    print(buf.getvalue().strip())
    return 0 if all(o.ok for o in outcomes) and reconciled and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
