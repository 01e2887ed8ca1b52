"""Licensed twin-image views per second through the full gate, beside the same bytes served without it.

Scale-out mode on PostgreSQL + Redis: a live server with 2 workers (`python -m config.serve`) serves
  gated, first views  GET /showcase/<token>.png, each URL fetched once: signed token bound to the viewer's
           session, product lookup, license_view (grant lock, dedup decision, the client's hourly budgets,
           the cap's compare-and-swap, royalty row appended, in one transaction), the cached stamped PNG;
  gated, repeats      the same for URLs already fetched: a repeat inside the dedup window, recorded by the
           row of the first view (grant lock and dedup decision, nothing written);
  ungated  GET /bench/ungated/<n>.png: the very same bytes (fetched once through the gate beforehand) read
           from disk by a bare view on the same Django stack (middleware, session), no token, no gate.
Each simulated shopper (a session) comes from an address of its own through the server's trusted proxy, as
storefront traffic does: from one address, every view past the address's hourly budget is invalid traffic.
All run in the same server, in alternating rounds, with the same concurrency, after the workers' start-up
warm-up; the ratios are the point.

The database (default postgres://postgres@127.0.0.1:5432/twinshop_bench) is created, migrated and seeded on
first use with a slice of the demo catalogue (--products) and the demo talents, twins and consents.

    DATABASE_URL=postgres://... REDIS_URL=redis://.../14 python bench/gate_vs_ungated_bench.py [--seconds 8] [--concurrency 16]
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/twinshop_bench"
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = DEFAULT_DB
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ.setdefault("DEBUG", "0")

import logging  # noqa: E402

import httpx  # noqa: E402

from bench._live import (  # noqa: E402
    cpu_snapshot,
    live_server,
    load_average,
    machine,
    percentile,
    server_label,
    table,
    wait_until_idle,
)

logging.getLogger("httpx").setLevel(logging.WARNING)


def ensure_database(products: int) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                         password=parts.password or None, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    slice_path = Path(tempfile.gettempdir()) / f"twinshop-gate-bench-{products}.csv"
    if not slice_path.exists():
        with gzip.open(ROOT / "data/demo/fashion-catalog.csv.gz", "rt", newline="") as src, \
                slice_path.open("w", newline="") as dst:
            reader, writer = csv.reader(src), csv.writer(dst)
            writer.writerow(next(reader))
            for n, row in enumerate(reader):
                if n >= products:
                    break
                writer.writerow(row)
    code = ("import django\ndjango.setup()\nfrom django.core.management import call_command\n"
            "call_command('migrate', verbosity=0)\n"
            f"call_command('import_catalog', {str(slice_path)!r}, '--if-changed', '--no-progress', verbosity=0)\n"
            "call_command('seed_licensing_demo', '--views', '0', verbosity=0)\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={**os.environ})


def mint(sessions: int, per_session: int) -> tuple[list[tuple[str, str]], int]:
    """[(session key, image URL)] for products that a twin can wear under a signed consent."""
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore

    from licensing.selectors import twin_images_for_products
    from licensing.showcase.selectors import image_url
    from shop.models import Product

    # Storefront traffic spreads over brands and twins: one product per brand first (each view locks its
    # twin's grant for that brand), then more products of the same brands.
    picked, brands = [], set()
    for product in (Product.objects.filter(is_published=True)
                    .select_related("brand", "article_type__sub_category__master", "colour").order_by("catalog_id")):
        if product.brand_id in brands:
            continue
        twins = twin_images_for_products(products=[product], channel="storefront")[product.catalog_id]
        if twins:
            picked.append((product, twins))
            brands.add(product.brand_id)
        if len(picked) >= per_session:
            break
    if not picked:
        sys.exit("no product is covered by a consent: seed_licensing_demo did not run?")
    urls = []
    for s in range(sessions):
        store = SessionStore()
        store["bench"] = s
        store.create()
        for i, (product, twins) in enumerate(picked):
            twin = twins[(s + i) % len(twins)]
            # Anonymous shoppers, as the storefront's pages and chat mint for them (nobody logged in to the session).
            urls.append((store.session_key, image_url(twin=twin, product=product, session_key=store.session_key,
                                                      channel="storefront", pose="front", size="card",
                                                      anonymous=True)))
    from django.db import connection

    connection.close()
    return urls, len(picked)


def shopper_address(session: int) -> str:
    """The shopper's own address, sent as X-Forwarded-For through the trusted proxy (127.0.0.1)."""
    return f"10.{30 + session // 62500}.{session // 250 % 250}.{session % 250 + 1}"


async def load(base: str, targets: list[tuple[str, str, str]], seconds: float, concurrency: int,
               once: bool = False) -> tuple[list[float], int, float, dict[int, int]]:
    """Fetch `targets` (session key, URL, address) with `concurrency` clients for `seconds`: cycling through them,
    or (once) each at most once, stopping early when all are used."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    done_bytes = 0
    stop = time.perf_counter() + seconds
    pending = iter(targets) if once else None

    async def worker(n: int) -> None:
        nonlocal done_bytes
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            i = n
            while time.perf_counter() < stop:
                if pending is not None:
                    target = next(pending, None)
                    if target is None:
                        return
                else:
                    target = targets[i % len(targets)]
                    i += concurrency
                session_key, url, address = target
                t0 = time.perf_counter()
                r = await client.get(url, cookies={"sessionid": session_key}, headers={"X-Forwarded-For": address})
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                done_bytes += len(r.content)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return latencies, done_bytes, time.perf_counter() - t0, statuses


WARM_SESSIONS = 10  # the demo has 10 twins: sessions 0-9 put every eligible twin on every picked product once


def _record(acc: list, cpu: dict[str, float], before: dict[str, float], after: dict[str, float], run: tuple) -> None:
    lat, nbytes, wall, statuses = run
    for party in after:
        cpu[party] = cpu.get(party, 0.0) + after[party] - before[party]
    acc[0] += lat
    acc[1] += nbytes
    acc[2] += wall
    for k, v in statuses.items():
        acc[3][k] = acc[3].get(k, 0) + v


def _report(results: dict[str, list], cpu: dict[str, dict[str, float]]) -> None:
    rows = []
    rate = {}
    for label, (lat, nbytes, wall, statuses) in results.items():
        rate[label] = len(lat) / wall
        rows.append([label, len(lat), f"{rate[label]:.0f}", f"{statistics.median(lat):.1f}", f"{percentile(lat, 0.95):.1f}",
                     f"{nbytes / max(1, len(lat)) / 1024:.1f}", " ".join(f"{k}x{v}" for k, v in sorted(statuses.items()))])
    print()
    print(table(["path", "requests", "views/s", "p50 ms", "p95 ms", "KiB/image", "statuses"], rows))
    for label in ("gated, first views", "gated, repeats"):
        ratio = rate[label] / rate["ungated"]
        print(f"{label} / ungated throughput: {ratio:.2f}  (target >= 0.50: {'MET' if ratio >= 0.5 else 'MISSED'})")
    for label, (lat, _nbytes, wall, _statuses) in results.items():
        # Where a view's CPU goes, machine-wide: when the machine is the limit, the ratio is the ratio of these totals.
        parts = cpu[label]
        print(f"CPU per view, {label} (ms): " + ", ".join(f"{k} {v * 1000 / len(lat):.2f}" for k, v in parts.items())
              + f"; machine total {sum(parts.values()) * 1000 / len(lat):.2f} of {os.cpu_count() * wall * 1000 / len(lat):.2f} available")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="per round; two rounds of each")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--products", type=int, default=5000, help="catalogue slice imported into the bench DB")
    parser.add_argument("--shoppers", type=int, default=150, help="fresh sessions whose URLs are each fetched once")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {load_average()}")
    ensure_database(args.products)
    minted, n_products = mint(sessions=WARM_SESSIONS + args.shoppers, per_session=40)
    addressed = [(key, url, shopper_address(n // n_products)) for n, (key, url) in enumerate(minted)]
    targets, fresh = addressed[:WARM_SESSIONS * n_products], addressed[WARM_SESSIONS * n_products:]
    ungated_dir = Path(tempfile.mkdtemp(prefix="gate-bench-"))
    db = os.environ["DATABASE_URL"].split("@")[-1]
    print(f"database: {db}; channel layer + cache: redis; {server_label(args.workers)}; {n_products} products of "
          f"{n_products} brands; repeats: {len(targets)} URLs ({WARM_SESSIONS} sessions), first views: {len(fresh)} "
          f"URLs ({args.shoppers} sessions), a client address per session; concurrency {args.concurrency}")
    labels = ("gated, first views", "gated, repeats", "ungated")
    results: dict[str, list] = {label: [[], 0, 0.0, {}] for label in labels}
    cpu: dict[str, dict[str, float]] = {label: {} for label in labels}
    try:
        env = {"DJANGO_SETTINGS_MODULE": "bench._gate_site", "BENCH_UNGATED_DIR": str(ungated_dir), "DATABASE_POOL": "1",
               "TRUSTED_PROXIES": "127.0.0.1"}
        with live_server(workers=args.workers, env=env, settings="bench._gate_site",
                         quiet=not os.environ.get("BENCH_KEEP_LOG")) as server:
            # Fetch every repeat URL once through the gate: renders cold composites and gives the ungated bytes.
            ungated = []
            with httpx.Client(base_url=server.http, timeout=60) as client:
                for i, (session_key, url, address) in enumerate(targets):
                    r = client.get(url, cookies={"sessionid": session_key}, headers={"X-Forwarded-For": address})
                    if r.status_code != 200 or r.headers.get("content-type") != "image/png":
                        sys.exit(f"gated fetch failed: {r.status_code} {r.headers.get('x-showcase-fallback')}")
                    (ungated_dir / f"{i}.png").write_bytes(r.content)
                    ungated.append((session_key, f"/bench/ungated/{i}.png", address))
            # Steady state only: each worker warms the assistant in the background after it starts.
            print(f"workers idle after {wait_until_idle(server):.1f} s (start-up warm-up finished)")
            halves = (fresh[:len(fresh) // 2], fresh[len(fresh) // 2:])
            for round_no in range(2):
                for label, tgt in zip(labels, (halves[round_no], targets, ungated), strict=True):
                    before = cpu_snapshot(server)
                    run = asyncio.run(load(server.http, tgt, args.seconds, args.concurrency, once=label == labels[0]))
                    _record(results[label], cpu[label], before, cpu_snapshot(server), run)
                    if label == labels[0] and run[2] < args.seconds * 0.95:
                        print(f"note: round {round_no + 1} ran out of first-view URLs after {run[2]:.1f} s "
                              f"(raise --shoppers)")
    finally:
        shutil.rmtree(ungated_dir, ignore_errors=True)
    _report(results, cpu)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
