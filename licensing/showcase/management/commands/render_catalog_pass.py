"""Render every catalogue product once: on a twin when the slot rule puts it on one, else its
illustration. Proves that every article type and slot renders without error on the real data."""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from django.core.management.base import BaseCommand, CommandError

from licensing.models import DigitalTwin
from licensing.showcase.figures import POSES, TwinSpec, spec_for_twin
from licensing.showcase.renderer import SIZES, ProductSpec, compose, slot_for
from shop.illustrations import illustration_svg
from shop.models import Product

Row = tuple[int, str, str, str, str | None, str, str]


def _render_chunk(args: tuple[list[Row], list[TwinSpec], str, int]) -> tuple[Counter, Counter, list[str], float]:
    rows, twins, size, offset = args
    done: Counter = Counter()
    errors: Counter = Counter()
    samples: list[str] = []
    started = time.perf_counter()
    for i, (cid, name, at, sub, hex_, colour, gender) in enumerate(rows, start=offset):
        spec = ProductSpec(catalog_id=cid, name=name, article_type=at, sub_category=sub[0], master_category=sub[1],
                           colour_hex=hex_, colour_name=colour, gender=gender) if isinstance(sub, tuple) else None
        assert spec is not None
        slot = slot_for(spec)
        try:
            if slot is None:
                ET.fromstring(illustration_svg(article_type=at, colour_hex=hex_, colour_name=colour,
                                               sub_category=spec.sub_category, master_category=spec.master_category))
                done[("illustration", spec.family.key)] += 1
            else:
                img = compose(twins[i % len(twins)], spec, pose=POSES[i % len(POSES)], size=size)
                if img.size != SIZES[size]:
                    raise ValueError(f"wrong size {img.size}")
                done[(slot, spec.family.key)] += 1
        except Exception as exc:  # counted and reported: the point of the pass is to find these
            errors[(slot or "illustration", spec.family.key)] += 1
            if len(samples) < 20:
                samples.append(f"{cid} {at}: {exc!r}")
    return done, errors, samples, time.perf_counter() - started


class Command(BaseCommand):
    help = "Render all catalogue products (twin composites or illustrations) and report errors and timing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--size", choices=sorted(SIZES), default="card")
        parser.add_argument("--limit", type=int, default=0, help="Only the first N products (0 = all).")
        parser.add_argument("--chunk", type=int, default=500)

    def handle(self, *args, **opts) -> None:
        twins = [spec_for_twin(t) for t in DigitalTwin.objects.select_related("talent").filter(is_active=True).order_by("pk")]
        if not twins:
            raise CommandError("No active twins: run `manage.py seed_licensing_demo` first.")
        qs = Product.objects.order_by("catalog_id").values_list(
            "catalog_id", "name", "article_type__name", "article_type__sub_category__name",
            "article_type__sub_category__master__name", "colour__hex", "colour__name", "gender")
        if opts["limit"]:
            qs = qs[: opts["limit"]]
        rows = [(cid, name, at, (sub, master), hex_, colour or "", gender)
                for cid, name, at, sub, master, hex_, colour, gender in qs]
        if not rows:
            raise CommandError("The catalogue is empty: run `manage.py import_catalog` first.")
        chunk = max(1, opts["chunk"])
        jobs = [(rows[i:i + chunk], twins, opts["size"], i) for i in range(0, len(rows), chunk)]
        done: Counter = Counter()
        errors: Counter = Counter()
        samples: list[str] = []
        busy = 0.0
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=max(1, opts["workers"])) as pool:
            for d, e, s, t in pool.map(_render_chunk, jobs):
                done.update(d)
                errors.update(e)
                samples.extend(s)
                busy += t
        wall = time.perf_counter() - started
        on_twin = sum(n for (slot, _), n in done.items() if slot != "illustration")
        illus = sum(n for (slot, _), n in done.items() if slot == "illustration")
        self.stdout.write(f"products: {len(rows)}  twins: {len(twins)}  size: {opts['size']}  workers: {opts['workers']}")
        self.stdout.write(f"rendered on a twin: {on_twin}  illustration only (slot rule): {illus}  errors: {sum(errors.values())}")
        self.stdout.write(f"wall time: {wall:.1f} s  mean per product: {1000 * busy / len(rows):.1f} ms (per worker)")
        by_slot: Counter = Counter()
        for (slot, _), n in done.items():
            by_slot[slot] += n
        self.stdout.write("by slot: " + ", ".join(f"{k}={v}" for k, v in sorted(by_slot.items())))
        families = sorted({fam for _, fam in done} | {fam for _, fam in errors})
        self.stdout.write(f"families exercised: {len(families)}")
        for line in samples[:20]:
            self.stderr.write(f"  error: {line}")
        if errors:
            raise CommandError(f"{sum(errors.values())} products failed to render")
