"""Catalogue import speed on the full demo catalogue (44,446 rows), into a fresh database.

Three runs, each timed end to end (read, validate, plan, write, commit):
  1. first import into an empty catalogue (everything created),
  2. the same file again (everything unchanged: the idempotent no-op),
  3. a copy with 1% of the prices changed (an incremental update).

    python bench/import_bench.py                 # a throwaway SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinshop_bench_import python bench/import_bench.py
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="twinshop-import-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from shop.models import Product, Variant  # noqa: E402
from shop.services import catalog_import  # noqa: E402


def main() -> None:
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        # a dedicated database: start from an empty catalogue
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    src = Path(settings.DEMO_CATALOG_PATH)
    print(f"{connection.vendor} ({db['NAME']}), file {src.name}\n")

    with gzip.open(src, "rt", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    price = header.index("price")
    for i, r in enumerate(body):
        if i % 100 == 0:
            r[price] = f"{float(r[price]) + 1:.2f}"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *body])
    changed = Path(_tmp) / "changed.csv"
    changed.write_text(buf.getvalue())

    print(f"{'run':34} {'seconds':>8} {'created':>8} {'updated':>8} {'unchanged':>9} {'rejected':>8}")
    for label, path in (("1. first import (empty catalogue)", src), ("2. same file again", src),
                        ("3. 1% of prices changed", changed)):
        t0 = time.perf_counter()
        report = catalog_import(path=path)
        dt = time.perf_counter() - t0
        print(f"{label:34} {dt:>8.1f} {report.created:>8} {report.updated:>8} {report.unchanged:>9} {report.rejected:>8}")
    print(f"\n{Product.objects.count():,} products, {Variant.objects.count():,} variants in the database")


if __name__ == "__main__":
    main()
