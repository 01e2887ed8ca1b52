"""Admin speed on the demo catalogue: the product changelist, a product's change page and its save.

Uses the database of the data directory (import the demo catalogue first: `make run` or
`manage.py import_catalog data/demo/fashion-catalog.csv.gz`). Best of 5 runs each, server side
(Django test client: request to response, template rendered), with the query count of each.

    TWINSHOP_DATA_DIR=var python bench/admin_bench.py
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from shop.models import Product  # noqa: E402

RUNS = 5


def host() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mhz = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("cpu MHz")), "?")
    return f"{cpu}, {mhz} MHz, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"


def timed(fn) -> tuple[float, float, int]:
    times, queries = [], 0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            fn()
        times.append(time.perf_counter() - t0)
        queries = len(q)
    return min(times), statistics.median(times), queries


def save_data(product: Product, price: str) -> dict[str, str]:
    variants = list(product.variants.order_by("position"))
    data = {
        "catalog_id": str(product.catalog_id), "name": product.name, "brand": str(product.brand_id),
        "is_published": "on", "gender": product.gender, "article_type": str(product.article_type_id),
        "colour": str(product.colour_id or ""), "season": product.season, "year": str(product.year or ""),
        "usage": product.usage, "price": price, "currency": product.currency,
        "variants-TOTAL_FORMS": str(len(variants)), "variants-INITIAL_FORMS": str(len(variants)),
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "1000",
    }
    for i, v in enumerate(variants):
        data.update({f"variants-{i}-id": str(v.pk), f"variants-{i}-product": str(product.pk),
                     f"variants-{i}-size": v.size, f"variants-{i}-position": str(v.position),
                     f"variants-{i}-stock": str(v.stock)})
    return data


def main() -> None:
    setup_test_environment()
    n = Product.objects.count()
    if not n:
        sys.exit("no products: import the demo catalogue first")
    user, _ = get_user_model().objects.get_or_create(
        username="admin-bench", defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(user)
    product = Product.objects.order_by("catalog_id").first()
    assert product is not None
    change = f"/admin/shop/product/{product.pk}/change/"
    price = str(product.price)
    print(f"host: {host()}\n{connection.vendor}, {n:,} products, {RUNS} runs each\n")
    print(f"{'page':40} {'best ms':>8} {'median ms':>10} {'queries':>8} {'KB':>6}")
    for label, fn in (
        ("product changelist", lambda: client.get("/admin/shop/product/")),
        ("changelist, search 'shirt'", lambda: client.get("/admin/shop/product/", {"q": "shirt"})),
        ("product change page", lambda: client.get(change)),
        ("product save (price unchanged)", lambda: client.post(change, save_data(product, price))),
        ("render statistics (30 days)", lambda: client.get("/admin/render-statistics/")),
    ):
        size = len(fn().content) // 1024
        best, median, queries = timed(fn)
        print(f"{label:40} {best * 1000:>8.0f} {median * 1000:>10.0f} {queries:>8} {size:>6}")
    print(f"\nhost after: {host()}")


if __name__ == "__main__":
    main()
