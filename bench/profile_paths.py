"""cProfile tables of the two hot paths, in process: one chat turn and one gated twin image view.

- turn: the chat turn's stages as bench/turn_stages_bench.py runs them (understand .. persist) over its
  31 conversations, on the demo catalogue (TWINSHOP_DATA_DIR with a prepared demo, SQLite or PostgreSQL);
- gate: licensing.services.license_view for a new viewer per view (billable, the bench fixtures of
  bench/license_view_bench.py), each in its own transaction (the royalty rows stay in that bench database);
- view: a twin image fetched through the whole Django stack (the gated path of bench/gate_vs_ungated_bench.py).

Prints the host line, then the top entries by own time and by cumulative time; with --cpu, no profiler: this
process's CPU time per turn or view.

    python bench/profile_paths.py turn [--passes 2] [--top 25]
    python bench/profile_paths.py gate [--views 2000]
    DJANGO_SETTINGS_MODULE=bench._gate_site python bench/profile_paths.py view [--views 2000]
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

from django.db import connection  # noqa: E402

from bench._live import load_average, machine  # noqa: E402


class _Measure:
    """Runs the measured part under cProfile, or (--cpu) bare, timing this process's CPU (time.process_time:
    the database server's own CPU is not in it; on a shared host it is steadier than wall time)."""

    def __init__(self, cpu: bool) -> None:
        self.cpu = cpu
        self.profile = cProfile.Profile()

    def __enter__(self) -> _Measure:
        self.wall, self.t0 = time.perf_counter(), time.process_time()
        if not self.cpu:
            self.profile.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.cpu:
            self.profile.disable()
        self.cpu_s, self.wall = time.process_time() - self.t0, time.perf_counter() - self.wall

    def report(self, top: int, n: int, unit: str) -> None:
        if self.cpu:
            print(f"{n} {unit}: {1000 * self.cpu_s / n:.2f} ms process CPU each ({1000 * self.wall / n:.2f} ms wall)")
        else:
            _print(self.profile, top, self.wall, n, unit)


def _print(profile: cProfile.Profile, top: int, seconds: float, n: int, unit: str) -> None:
    print(f"{n} {unit} in {seconds:.2f} s under the profiler ({1000 * seconds / n:.2f} ms each)")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(f"\n--- top {top} by {order} ---")
        print(text[text.find("   ncalls"):].rstrip())


def profile_turn(passes: int, top: int, cpu: bool) -> None:
    from assistant.retrieval.index import get_snapshot
    from bench.turn_stages_bench import run_pass

    snap = get_snapshot()
    run_pass(defaultdict(list), defaultdict(list), [], seed=0)  # warm-up
    print(f"catalogue: {snap.size} products; database: {connection.vendor}")
    totals: list[float] = []
    with _Measure(cpu) as measure:
        for n in range(passes):
            run_pass(defaultdict(list), defaultdict(list), totals, seed=n + 1)
    measure.report(top, len(totals), "turns")


def profile_gate(views: int, top: int, cpu: bool) -> None:
    import uuid

    from bench.license_view_bench import ensure_fixtures
    from licensing.models import DigitalTwin
    from licensing.services import Viewer, license_view
    from shop.models import Product

    ids = ensure_fixtures()
    twins = list(DigitalTwin.objects.filter(pk__in=ids["spread"]))
    products = list(Product.objects.select_related("article_type__sub_category__master").filter(pk__in=ids["products"]))

    def batch(n: int) -> None:
        # Each call its own transaction, as license_view_bench's workers call it (the rows stay, as there).
        for i in range(n):
            license_view(twin=twins[i % len(twins)], product=products[i % len(products)],
                         viewer=Viewer(key=f"s:{uuid.uuid4().hex}", user_agent="Mozilla/5.0 bench"),
                         channel="storefront")

    batch(50)  # warm-up
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    with _Measure(cpu) as measure:
        for _ in range(views // 100):
            batch(100)
    measure.report(top, views // 100 * 100, "views")


def profile_view(views: int, top: int, cpu: bool) -> None:
    """GET /showcase/<token>.png through the whole Django stack (test client, in process), on the database
    that bench/gate_vs_ungated_bench.py prepared: its 320 URLs (8 sessions x 40 products), fetched in turn,
    as its gated path does (after the first round, repeats inside the dedup window)."""
    from django.test import Client

    from bench.gate_vs_ungated_bench import mint

    targets, _ = mint(sessions=8, per_session=40)
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 bench")

    def fetch(n: int) -> None:
        for i in range(n):
            session_key, url = targets[i % len(targets)]
            client.cookies["sessionid"] = session_key
            response = client.get(url)
            assert response.status_code == 200, (response.status_code, response.get("X-Showcase-Fallback"))

    fetch(len(targets))  # warm-up: every composite rendered and stamped once
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    with _Measure(cpu) as measure:
        fetch(views)
    measure.report(top, views, "views")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", choices=("turn", "gate", "view"))
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--views", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cpu", action="store_true", help="no profiler: process CPU time per turn or view")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average: {load_average()}")
    if args.path == "turn":
        profile_turn(args.passes, args.top, args.cpu)
    elif args.path == "gate":
        profile_gate(args.views, args.top, args.cpu)
    else:
        profile_view(args.views, args.top, args.cpu)


if __name__ == "__main__":
    main()
