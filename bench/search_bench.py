"""The listing with a search (`/products/?q=`) on the demo catalogue: the shop's literal search (no provider)
against the assistant's (shop.search), interleaved in one run on one host.

Each query renders through Django's test client (middleware, templates, session). Per mode and query: the
result count, queries per render, and median / p95 wall time over N renders, "cold" with the facet cache
emptied before each render (every facet count runs) and "warm". Before the table: what the first search of a
worker costs (snapshot, vocabulary, speller and query encoder loaded once per process).

    python bench/search_bench.py [N]      # needs a prepared data dir (manage.py prepare_demo)
"""
from __future__ import annotations

import os
import re
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

from bench.admin_bench import host  # noqa: E402
from shop.search import search_provider, search_provider_swap  # noqa: E402

QUERIES = ["nike running shoes", "snekers", "sneakers", "red dress", "white shirt for men", "floral dress",
           "tshirts under 20", "qwzxv"]
_COUNT = re.compile(r'id="result-count">([\d,]+)')


def render(client: Client, q: str, *, cold: bool) -> tuple[float, int, str]:
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        r = client.get("/products/", {"q": q})
        ms = (time.perf_counter() - t0) * 1000
    m = _COUNT.search(r.content.decode())
    return ms, len(ctx.captured_queries), m.group(1) if m else "?"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    client = Client()
    assistant = search_provider()
    t0 = time.perf_counter()
    client.get("/products/", {"q": "warm up"})
    print(f"host: {host()}\n{connection.vendor}; first search of this process "
          f"(snapshot, vocabulary, speller, encoder): {(time.perf_counter() - t0) * 1000:.0f} ms; {n} renders each\n")
    modes = (("literal", None), ("assistant", assistant))
    for _label, provider in modes:  # one warm-up render per mode and query
        search_provider_swap(provider)
        for q in QUERIES:
            render(client, q, cold=False)
    times: dict[tuple[str, str, bool], list[float]] = {}
    facts: dict[tuple[str, str, bool], tuple[int, str]] = {}
    for _ in range(n):
        for q in QUERIES:
            for cold in (True, False):
                for label, provider in modes:  # interleaved: the two modes see the same load
                    search_provider_swap(provider)
                    ms, queries, count = render(client, q, cold=cold)
                    times.setdefault((label, q, cold), []).append(ms)
                    facts[(label, q, cold)] = (queries, count)
    search_provider_swap(assistant)
    print(f"{'query':22} {'mode':10} {'results':>8} | {'cold: queries':>13} {'median ms':>9} {'p95':>6} | "
          f"{'warm: queries':>13} {'median ms':>9} {'p95':>6}")
    for q in QUERIES:
        for label, _p in modes:
            cols = []
            for cold in (True, False):
                t = sorted(times[(label, q, cold)])
                queries, count = facts[(label, q, cold)]
                cols.append(f"{queries:>13} {statistics.median(t):>9.1f} {t[min(len(t) - 1, round(0.95 * len(t)) - 1)]:>6.1f}")
            print(f"{q:22} {label:10} {count:>8} | {cols[0]} | {cols[1]}")
    print(f"\nhost after: {host()}")


if __name__ == "__main__":
    main()
