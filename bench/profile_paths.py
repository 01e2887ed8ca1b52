"""cProfile tables of the two hot paths, in process: one chat turn and one gated twin image view.

- turn: the chat turn's stages as bench/turn_stages_bench.py runs them (understand .. persist) over its
  31 conversations, on the demo catalogue (TWINSHOP_DATA_DIR with a prepared demo, SQLite or PostgreSQL);
- gate: licensing.services.license_view for a new viewer per view (billable, the bench fixtures of
  bench/license_view_bench.py), inside one rolled-back transaction per batch.

Prints the host line, then the top entries by own time and by cumulative time.

    python bench/profile_paths.py turn [--passes 2] [--top 25]
    python bench/profile_paths.py gate [--views 2000]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench._live import load_average, machine  # noqa: E402


def _print(profile: cProfile.Profile, top: int, seconds: float, n: int, unit: str) -> None:
    print(f"{n} {unit} in {seconds:.2f} s under the profiler ({1000 * seconds / n:.2f} ms each)")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(f"\n--- top {top} by {order} ---")
        print(text[text.find("   ncalls"):].rstrip())


def profile_turn(passes: int, top: int) -> None:
    from assistant.retrieval.index import get_snapshot
    from bench.turn_stages_bench import run_pass

    snap = get_snapshot()
    run_pass(defaultdict(list), defaultdict(list), [], seed=0)  # warm-up
    print(f"catalogue: {snap.size} products; database: {connection.vendor}")
    totals: list[float] = []
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    for n in range(passes):
        run_pass(defaultdict(list), defaultdict(list), totals, seed=n + 1)
    profile.disable()
    _print(profile, top, time.perf_counter() - t0, len(totals), "turns")


def profile_gate(views: int, top: int) -> None:
    import uuid

    from bench.license_view_bench import ensure_fixtures
    from licensing.models import DigitalTwin
    from licensing.services import Viewer, license_view
    from shop.models import Product

    ids = ensure_fixtures()
    twins = list(DigitalTwin.objects.filter(pk__in=ids["spread"]))
    products = list(Product.objects.filter(pk__in=ids["products"]))

    def batch(n: int) -> None:
        with transaction.atomic():
            for i in range(n):
                license_view(twin=twins[i % len(twins)], product=products[i % len(products)],
                             viewer=Viewer(key=f"s:{uuid.uuid4().hex}", user_agent="Mozilla/5.0 bench"),
                             channel="storefront")
            transaction.set_rollback(True)

    batch(50)  # warm-up
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    for _ in range(views // 100):
        batch(100)
    profile.disable()
    _print(profile, top, time.perf_counter() - t0, views // 100 * 100, "views")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", choices=("turn", "gate"))
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--views", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average: {load_average()}")
    if args.path == "turn":
        profile_turn(args.passes, args.top)
    else:
        profile_gate(args.views, args.top)


if __name__ == "__main__":
    main()
