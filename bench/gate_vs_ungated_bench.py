"""Licensed twin-image views per second through the full gate, beside the same bytes served without it.

Scale-out mode on PostgreSQL + Redis: a live server with 2 workers (`python -m config.serve`) serves
  gated    GET /showcase/<token>.png: signed token bound to the viewer's session, product + twin lookup,
           license_view (grant lookup, row lock, dedup decision, royalty row appended, in one transaction),
           the cached stamped PNG read from disk;
  ungated  GET /bench/ungated/<n>.png: the very same bytes (fetched once through the gate beforehand) read
           from disk by a bare view on the same Django stack (middleware, session), no token, no gate.
Both run in the same server, in alternating rounds, with the same concurrency; the ratio is the point.

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

from bench._live import cpu_snapshot, live_server, load_average, machine, percentile, server_label, table  # noqa: E402

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


async def load(base: str, targets: list[tuple[str, str]], seconds: float, concurrency: int) -> tuple[list[float], int, float, dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    done_bytes = 0
    stop = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        nonlocal done_bytes
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            i = n
            while time.perf_counter() < stop:
                session_key, url = targets[i % len(targets)]
                t0 = time.perf_counter()
                r = await client.get(url, cookies={"sessionid": session_key})
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                done_bytes += len(r.content)
                i += concurrency

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return latencies, done_bytes, time.perf_counter() - t0, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="per round; two rounds of each")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--products", type=int, default=5000, help="catalogue slice imported into the bench DB")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {load_average()}")
    ensure_database(args.products)
    targets, n_products = mint(sessions=8, per_session=40)
    ungated_dir = Path(tempfile.mkdtemp(prefix="gate-bench-"))
    db = os.environ["DATABASE_URL"].split("@")[-1]
    print(f"database: {db}; channel layer + cache: redis; {server_label(args.workers)}; {len(targets)} image URLs "
          f"({n_products} products of {n_products} brands x 8 viewer sessions); concurrency {args.concurrency}")
    try:
        env = {"DJANGO_SETTINGS_MODULE": "bench._gate_site", "BENCH_UNGATED_DIR": str(ungated_dir), "DATABASE_POOL": "1"}
        with live_server(workers=args.workers, env=env, settings="bench._gate_site",
                         quiet=not os.environ.get("BENCH_KEEP_LOG")) as server:
            # Fetch every image once through the gate: renders cold composites and gives the ungated bytes.
            ungated = []
            with httpx.Client(base_url=server.http, timeout=60) as client:
                for i, (session_key, url) in enumerate(targets):
                    r = client.get(url, cookies={"sessionid": session_key})
                    if r.status_code != 200 or r.headers.get("content-type") != "image/png":
                        sys.exit(f"gated fetch failed: {r.status_code} {r.headers.get('x-showcase-fallback')}")
                    (ungated_dir / f"{i}.png").write_bytes(r.content)
                    ungated.append((session_key, f"/bench/ungated/{i}.png"))
            results: dict[str, list] = {"gated": [[], 0, 0.0, {}], "ungated": [[], 0, 0.0, {}]}
            cpu: dict[str, dict[str, float]] = {"gated": {}, "ungated": {}}
            for _round in range(2):
                for label, tgt in (("gated", targets), ("ungated", ungated)):
                    before = cpu_snapshot(server)
                    lat, nbytes, wall, statuses = asyncio.run(load(server.http, tgt, args.seconds, args.concurrency))
                    after = cpu_snapshot(server)
                    for party in after:
                        cpu[label][party] = cpu[label].get(party, 0.0) + after[party] - before[party]
                    acc = results[label]
                    acc[0] += lat
                    acc[1] += nbytes
                    acc[2] += wall
                    for k, v in statuses.items():
                        acc[3][k] = acc[3].get(k, 0) + v
    finally:
        shutil.rmtree(ungated_dir, ignore_errors=True)
    rows = []
    rate = {}
    for label, (lat, nbytes, wall, statuses) in results.items():
        rate[label] = len(lat) / wall
        rows.append([label, len(lat), f"{rate[label]:.0f}", f"{statistics.median(lat):.1f}", f"{percentile(lat, 0.95):.1f}",
                     f"{nbytes / max(1, len(lat)) / 1024:.1f}", " ".join(f"{k}x{v}" for k, v in sorted(statuses.items()))])
    print()
    print(table(["path", "requests", "views/s", "p50 ms", "p95 ms", "KiB/image", "statuses"], rows))
    ratio = rate["gated"] / rate["ungated"]
    print(f"gated / ungated throughput: {ratio:.2f}  (target >= 0.50: {'MET' if ratio >= 0.5 else 'MISSED'})")
    for label, (lat, _nbytes, wall, _statuses) in results.items():
        # Where a view's CPU goes, machine-wide: when the machine is the limit, the ratio is the ratio of these totals.
        parts = cpu[label]
        print(f"CPU per {label} view (ms): " + ", ".join(f"{k} {v * 1000 / len(lat):.2f}" for k, v in parts.items())
              + f"; machine total {sum(parts.values()) * 1000 / len(lat):.2f} of {os.cpu_count() * wall * 1000 / len(lat):.2f} available")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
