"""Storefront render time and query count on the full demo catalogue (44,446 products).

Renders each page in process through Django's test client (full middleware, templates, session), after
one warm-up, and prints queries per render plus median / p95 wall time over N renders, twice: "cold"
with the facet/aggregate cache emptied before every render (the worst case: every query runs), and
"warm" with it (the usual case within SHOP_FACET_CACHE_SECONDS).

    python bench/shop_listing_bench.py [N]      # needs: migrate, import_catalog (the dev database)
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shop.models import Product  # noqa: E402

PAGES = [
    ("listing, no filters", "/products/"),
    ("listing, page 1,000", "/products/?page=1000"),
    ("listing, search 'blue shirt'", "/products/?q=blue+shirt"),
    ("listing, women+apparel+price sort", "/products/?gender=Women&category=apparel&sort=price_asc"),
    ("listing, size M in stock + colour", "/products/?size=M&colour=black"),
    ("listing, hostile params", "/products/?page=-1&min_price=abc&size=%3Cscript%3E&q=" + "x" * 300),
    ("home", "/"),
    ("product page", None),
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    products = Product.objects.count()
    if not products:
        sys.exit("The catalogue is empty: run manage.py import_catalog data/demo/fashion-catalog.csv.gz first.")
    sample = Product.objects.order_by("catalog_id").values_list("catalog_id", flat=True)[products // 2]
    client = Client()
    client.get("/")  # session + caches warm
    print(f"{products:,} products, {connection.vendor}, {n} renders per page after 1 warm-up\n")
    print(f"{'page':38} {'status':>6} | {'cold: queries':>13} {'median ms':>9} {'p95 ms':>7} | {'warm: queries':>13} {'median ms':>9} {'p95 ms':>7}")
    for label, url in PAGES:
        url = url or f"/products/{sample}/"
        client.get(url)
        cols = []
        for cold in (True, False):
            times = []
            for _ in range(n):
                if cold:
                    cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    r = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            cols.append(f"{len(ctx.captured_queries):>13} {statistics.median(times):>9.1f} {p95:>7.1f}")
        print(f"{label:38} {r.status_code:>6} | {cols[0]} | {cols[1]}")


if __name__ == "__main__":
    main()
