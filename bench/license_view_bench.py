"""Render-gate throughput: license_view on PostgreSQL with 4 concurrent worker processes.

Each worker process has its own database connection and calls license_view in a loop (every call is
one transaction: read grants, lock the covering grant row, decide billability, append the royalty row).
Scenarios:

- spread:   8 twins x 40 products, a new viewer per view (every view billable; locks spread over 8 grants)
- hot:      one twin, one product, one capped grant, a new viewer per view (every view waits for the
            same grant row lock: the worst case)
- repeat:   a small set of returning viewers (most views are dedup, non-billable)
- denied:   a twin whose only consent excludes the product's category (ConsentDenied + denial row)

Prints views/s and latency percentiles per scenario.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinshop_bench python bench/license_view_bench.py [--seconds 8] [--workers 4]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/twinshop_bench")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

BENCH_BRAND = "Gate Bench Brand"


def ensure_database() -> None:
    """Create the bench database if it's missing, and migrate it."""
    from django.core.management import call_command

    if connection.vendor != "postgresql":
        sys.exit("license_view_bench measures PostgreSQL: set DATABASE_URL=postgres://...")
    import psycopg

    cfg = connection.settings_dict
    try:
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 — the database itself may not exist yet
        with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                             password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    call_command("migrate", verbosity=0, interactive=False)


def ensure_fixtures() -> dict[str, list[int]]:
    """Bench talent, twins, products and signed consents (idempotent; created through the services)."""
    from licensing.models import ConsentGrant, DigitalTwin, GrantStatus, Talent
    from licensing.services import grant_propose, grant_sign
    from shop.models import ArticleType, Brand, Colour, MasterCategory, Product, SubCategory

    User = get_user_model()
    brand, _ = Brand.objects.get_or_create(name=BENCH_BRAND, defaults={"slug": "gate-bench-brand"})
    master, _ = MasterCategory.objects.get_or_create(name="Apparel", defaults={"slug": "apparel"})
    sub, _ = SubCategory.objects.get_or_create(master=master, name="Topwear", defaults={"slug": "topwear"})
    tees = ArticleType.objects.filter(name="Tshirts").first() or ArticleType.objects.create(
        sub_category=sub, name="Tshirts", slug="tshirts")
    colour = Colour.objects.filter(name="Black").first() or Colour.objects.create(name="Black", slug="black", hex="#111111")
    products = []
    for i in range(40):
        p, _ = Product.objects.get_or_create(catalog_id=990_000 + i, defaults={
            "name": f"Gate bench tee {i}", "brand": brand, "gender": "Women", "article_type": tees,
            "colour": colour, "price": Decimal("19.99")})
        products.append(p.pk)
    merch, created = User.objects.get_or_create(username="gate-bench-merch", defaults={"is_staff": True})
    now = timezone.now()
    twins = []
    for i in range(10):
        user, _ = User.objects.get_or_create(username=f"gate-bench-talent-{i}")
        talent, _ = Talent.objects.get_or_create(user=user, defaults={
            "display_name": f"Bench Talent {i}", "gender_presentation": "feminine", "monk_skin_tone": 1 + i % 10,
            "height_cm": 160 + i * 3, "body_shape": "straight", "clothing_size": "M", "shoe_size": 39,
            "chest_cm": 88, "waist_cm": 70, "hips_cm": 95})
        twin, _ = DigitalTwin.objects.get_or_create(slug=f"gate-bench-{i}", defaults={"talent": talent, "name": f"Bench twin {i}"})
        twins.append(twin)
        if not ConsentGrant.objects.filter(twin=twin, status=GrantStatus.SIGNED, valid_until__gt=now + timedelta(days=1)).exists():
            excluded = ["Tshirts"] if i == 9 else []
            g = grant_propose(twin=twin, brand=brand, proposed_by=merch, purpose="Benchmark: twin on bench product pages only.",
                              channels=["storefront"], territories=["*"], valid_from=now - timedelta(days=1),
                              valid_until=now + timedelta(days=3650), rate_per_view=Decimal("0.0125"),
                              view_cap=2_000_000_000 if i == 8 else None, excluded_article_types=excluded)
            grant_sign(grant=g, user=user, typed_name=talent.display_name, shown_terms_sha256=g.terms_sha256)
    return {"spread": [t.pk for t in twins[:8]], "hot": [twins[8].pk], "denied": [twins[9].pk], "products": products}


def worker(scenario: str, ids: dict[str, list[int]], seconds: float, barrier, out) -> None:
    import random

    from django.db import connections

    from licensing.models import DigitalTwin
    from licensing.services import ConsentDenied, Viewer, license_view
    from shop.models import Product

    rng = random.Random(os.getpid())
    twins = {t.pk: t for t in DigitalTwin.objects.select_related("talent").filter(pk__in=sum(ids.values(), []))}
    products = {p.pk: p for p in Product.objects.select_related("article_type__sub_category__master").filter(pk__in=ids["products"])}
    latencies: list[float] = []
    denied = billable = 0
    tag = uuid.uuid4().hex[:8]
    barrier.wait()
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
        if scenario == "spread":
            twin, product, key = twins[rng.choice(ids["spread"])], products[rng.choice(ids["products"])], f"s:{tag}-{n}"
        elif scenario == "hot":
            twin, product, key = twins[ids["hot"][0]], products[ids["products"][0]], f"s:{tag}-{n}"
        elif scenario == "repeat":
            twin, product, key = twins[ids["spread"][0]], products[ids["products"][1]], f"s:returning-{rng.randrange(20)}"
        else:
            twin, product, key = twins[ids["denied"][0]], products[ids["products"][2]], f"s:{tag}-{n}"
        t0 = time.perf_counter()
        try:
            lic = license_view(twin=twin, product=product, viewer=Viewer(key=key, user_agent="Mozilla/5.0 bench"),
                               channel="storefront")
            billable += lic.billable
        except ConsentDenied:
            denied += 1
        latencies.append(time.perf_counter() - t0)
    connections.close_all()
    out.put({"latencies": latencies, "denied": denied, "billable": billable})


def run(scenario: str, ids: dict[str, list[int]], workers: int, seconds: float) -> dict:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(scenario, ids, seconds, barrier, out)) for _ in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    lat = sorted(x for r in results for x in r["latencies"])
    return {
        "scenario": scenario, "views": len(lat), "rate": len(lat) / wall,
        "billable": sum(r["billable"] for r in results), "denied": sum(r["denied"] for r in results),
        "p50": 1000 * statistics.median(lat), "p95": 1000 * lat[int(0.95 * (len(lat) - 1))],
        "p99": 1000 * lat[int(0.99 * (len(lat) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scenarios", default="spread,hot,repeat,denied")
    args = parser.parse_args()
    ensure_database()
    ids = ensure_fixtures()
    connection.close()
    cfg = connection.settings_dict
    print(f"license_view on PostgreSQL {cfg['HOST']}:{cfg['PORT'] or 5432}/{cfg['NAME']}, "
          f"{args.workers} worker processes x {args.seconds:g} s per scenario, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"{'scenario':<10} {'views':>7} {'views/s':>9} {'billable':>9} {'denied':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for scenario in args.scenarios.split(","):
        r = run(scenario, ids, args.workers, args.seconds)
        print(f"{r['scenario']:<10} {r['views']:>7} {r['rate']:>9.0f} {r['billable']:>9} {r['denied']:>7} "
              f"{r['p50']:>8.2f} {r['p95']:>8.2f} {r['p99']:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
