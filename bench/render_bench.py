"""Twin image render time (cold and warm) and catalogue coverage by the demo consents.

- cold: the compositor draws the twin + garment from scratch (what the first view of a
  (twin, pose, product, renderer version) costs), PNG encoded.
- warm (new licence): the composite comes from the disk cache and the label + provenance of a
  grant not seen before are stamped.
- warm: the stamped image of this (composite, grant, label) comes from the disk cache (every later
  view); the gate's licence is still taken first on every view (see "served").
- served: a full GET /showcase/<token>.png through Django (token check, license_view writing its
  royalty row, cache read, stamp), cold and warm; run inside a transaction that is rolled back.
- coverage: the share of catalogue products that render on at least one twin right now
  (slot rule + signed demo consents for the storefront channel), computed for every product.

    python bench/render_bench.py [--samples 60]     # needs: migrate, import_catalog, seed_licensing_demo
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from licensing.models import ConsentGrant, DigitalTwin, GrantStatus  # noqa: E402
from licensing.rules import ProductScope, grant_failure  # noqa: E402
from licensing.selectors import twin_images_for_products  # noqa: E402
from licensing.showcase.backends import get_backend  # noqa: E402
from licensing.showcase.figures import POSES, spec_for_twin  # noqa: E402
from licensing.showcase.renderer import DIGITAL_SOURCE_TYPE, ProductSpec, product_spec, slot_for, stamp  # noqa: E402
from licensing.showcase.selectors import image_url  # noqa: E402
from licensing.showcase.services import composite_get, composite_path, stamped_path  # noqa: E402
from shop.models import Product  # noqa: E402


def ms(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"{1000 * statistics.median(xs):7.1f} {1000 * xs[int(0.95 * (len(xs) - 1))]:7.1f}"


def coverage() -> tuple[int, int, int, dict[str, int]]:
    """(products, wearable by the slot rule, covered by at least one twin, covered per slot)."""
    now = timezone.now()
    grants = list(ConsentGrant.objects.filter(status=GrantStatus.SIGNED, valid_from__lte=now, valid_until__gt=now,
                                              twin__is_active=True))
    by_brand: dict[int, list[ConsentGrant]] = {}
    for g in grants:
        by_brand.setdefault(g.brand_id, []).append(g)
    rows = Product.objects.filter(is_published=True).values_list(
        "brand_id", "article_type__name", "article_type__sub_category__name",
        "article_type__sub_category__master__name", "gender")
    total = wearable = covered = 0
    per_slot: dict[str, int] = {}
    memo: dict[tuple, bool] = {}
    for brand_id, at, sub, master, gender in rows.iterator(chunk_size=5000):
        total += 1
        slot = slot_for(ProductSpec(0, "", at, sub, master, None, "", gender))
        if slot is None:
            continue
        wearable += 1
        key = (brand_id, at, master)
        if key not in memo:
            scope = ProductScope(brand_id, at, master)
            memo[key] = any(grant_failure(g, scope=scope, channel="storefront",
                                          territory=settings.LICENSING_DEFAULT_TERRITORY, at=now) is None
                            for g in by_brand.get(brand_id, []))
        if memo[key]:
            covered += 1
            per_slot[slot] = per_slot.get(slot, 0) + 1
    return total, wearable, covered, per_slot


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()
    twins = [spec_for_twin(t) for t in DigitalTwin.objects.select_related("talent").filter(is_active=True).order_by("pk")]
    if not twins or not Product.objects.exists():
        sys.exit("needs the demo catalogue and twins: import_catalog, seed_licensing_demo")
    # A spread of products: every wearable article type, then fill up in catalogue order.
    picked: dict[str, Product] = {}
    for p in Product.objects.select_related("article_type__sub_category__master", "colour", "brand").order_by("catalog_id"):
        if slot_for(product_spec(p)) is not None and p.article_type.name not in picked:
            picked[p.article_type.name] = p
        if len(picked) >= args.samples:
            break
    products = list(picked.values())
    backend = get_backend()
    tmp = Path(tempfile.mkdtemp(prefix="render-bench-"))
    prov = {"digitalSourceType": DIGITAL_SOURCE_TYPE, "twin": "bench", "grant_id": "0", "renderer": backend.name,
            "renderer_version": backend.version, "label": "AI twin of Bench · licensed"}
    print(f"renderer {backend.name} {backend.version}; {len(products)} products x {len(twins)} twins, "
          f"article types: {len(products)}")
    print(f"{'size':6} {'path':28} {'median ms':>10} {'p95 ms':>7}")
    try:
        with override_settings(SHOWCASE_RENDER_DIR=tmp):
            for size in ("card", "page"):
                cold, restamp, warm = [], [], []
                for i, p in enumerate(products):
                    t, ps, pose = twins[i % len(twins)], product_spec(p), POSES[i % 2]
                    cpath = composite_path(backend=backend, twin=t, product=ps, pose=pose, size=size)
                    spath = stamped_path(cpath, label=prov["label"], provenance=prov)
                    t0 = time.perf_counter()
                    png, hit = composite_get(twin=t, product=ps, pose=pose, size=size, backend=backend)
                    spath.write_bytes(stamp(png, label=prov["label"], provenance=prov))
                    cold.append(time.perf_counter() - t0)
                    assert not hit
                    t0 = time.perf_counter()
                    png, hit = composite_get(twin=t, product=ps, pose=pose, size=size, backend=backend)
                    stamp(png, label=prov["label"], provenance={**prov, "grant_id": "1"})
                    restamp.append(time.perf_counter() - t0)
                    assert hit
                    t0 = time.perf_counter()
                    spath.read_bytes()
                    warm.append(time.perf_counter() - t0)
                print(f"{size:6} {'cold: render + stamp':28} {ms(cold):>18}")
                print(f"{size:6} {'warm, new licence: restamp':28} {ms(restamp):>18}")
                print(f"{size:6} {'warm: stamped cache read':28} {ms(warm):>18}")
            shutil.rmtree(tmp / f"{backend.name}-{backend.version}", ignore_errors=True)
            # End to end through Django, including the gate's royalty row; rolled back afterwards.
            client = Client(HTTP_USER_AGENT="Mozilla/5.0 (bench) Firefox/140.0")
            client.get("/")
            session = client.session
            session.save()
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
            served_cold, served_warm, statuses = [], [], set()
            with transaction.atomic():
                for p in products:
                    covering = twin_images_for_products(products=[p], channel="storefront")[p.catalog_id]
                    if not covering:
                        continue
                    url = image_url(twin=covering[0], product=p, session_key=session.session_key, channel="storefront",
                                    pose="front", size="page")
                    for bucket in (served_cold, served_warm):
                        t0 = time.perf_counter()
                        r = client.get(url)
                        bucket.append(time.perf_counter() - t0)
                        statuses.add(r.status_code)
                transaction.set_rollback(True)
            if served_cold:
                print(f"{'page':6} {'served cold (HTTP + gate)':28} {ms(served_cold):>18}")
                print(f"{'page':6} {'served warm (HTTP + gate)':28} {ms(served_warm):>18}   statuses {sorted(statuses)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    total, wearable, covered, per_slot = coverage()
    print(f"\ncatalogue: {total} products; on a twin by the slot rule: {wearable} ({100 * wearable / total:.1f}%)")
    print(f"render on at least one twin with the demo consents (storefront, {settings.LICENSING_DEFAULT_TERRITORY}): "
          f"{covered} ({100 * covered / total:.1f}% of the catalogue, {100 * covered / max(wearable, 1):.1f}% of wearables)"
          f"  [{time.perf_counter() - t0:.1f} s]")
    print("covered by slot: " + ", ".join(f"{k}={v}" for k, v in sorted(per_slot.items())))


if __name__ == "__main__":
    main()
