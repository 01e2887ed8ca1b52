"""Planning: compare each good row with what the database holds -> create / update / unchanged.

Natural keys (names, catalogue ids), not database ids, so a dry run can plan against categories and brands
that do not exist yet. Comparing before writing is what makes a second run a no-op.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count

from shop.brands import BrandNormaliser
from shop.models import Brand, Product, Variant
from shop.services.catalog.lookups import _chunks, _Lookups
from shop.services.catalog.rows import CatalogRow, RowError

PRODUCT_FIELDS: tuple[str, ...] = (
    "name", "brand", "gender", "article_type", "colour", "season", "year", "usage", "price", "currency",
)


@dataclass(frozen=True)
class PlannedChange:
    action: str  # "create" | "update"
    catalog_id: int
    name: str
    changed_fields: tuple[str, ...] = ()
    row: CatalogRow | None = None  # the whole row, for a preview


@dataclass
class ImportReport:
    source: str
    sha256: str
    dry_run: bool = False
    skipped: bool = False  # --if-changed and the file matched the last successful import
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    changes: list[PlannedChange] = field(default_factory=list)
    seconds: float = 0.0
    run_id: int | None = None

    @property
    def rejected(self) -> int:
        return len({e.line for e in self.errors})

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    def summary(self) -> str:
        if self.skipped:
            return f"{self.source}: unchanged since the last successful import (sha256 {self.sha256[:12]}…), skipped."
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{self.rows} rows read from {self.source}: {self.created} {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected ({self.seconds:.1f} s)."
        )
        if self.unknown_columns:
            text += f" Ignored unknown column(s): {', '.join(self.unknown_columns)}."
        return text



@dataclass
class _Existing:
    pk: int
    values: dict[str, Any]
    variants: dict[str, tuple[int, int, int]]  # size -> (variant pk, position, stock)


def _load_existing(catalog_ids: list[int]) -> dict[int, _Existing]:
    """What the database holds for these catalogue ids: 2 queries for a big file, chunked IN for small."""
    existing: dict[int, _Existing] = {}
    cols = ("catalog_id", "id", "name", "brand__name", "gender", "article_type__name", "colour__name",
            "season", "year", "usage", "price", "currency")
    vcols = ("product_id", "id", "size", "position", "stock")
    wanted = set(catalog_ids)
    if len(wanted) > 5000:
        product_batches: Iterable[Any] = [Product.objects.values_list(*cols)]
        variant_batches: Iterable[Any] = [Variant.objects.values_list(*vcols)]
    else:
        product_batches = (Product.objects.filter(catalog_id__in=c).values_list(*cols) for c in _chunks(sorted(wanted)))
        variant_batches = ()
    for batch in product_batches:
        for row in batch.iterator(chunk_size=5000):
            if row[0] in wanted:
                existing[row[0]] = _Existing(pk=row[1], values=dict(zip(PRODUCT_FIELDS, row[2:], strict=False)), variants={})
    by_pk = {e.pk: e for e in existing.values()}
    if len(wanted) <= 5000:
        variant_batches = (Variant.objects.filter(product_id__in=c).values_list(*vcols) for c in _chunks(sorted(by_pk)))
    for batch in variant_batches:
        for pid, vid, size, pos, stock in batch.iterator(chunk_size=20000):
            e = by_pk.get(pid)
            if e is not None:
                e.variants[size] = (vid, pos, stock)
    return existing


def _desired_values(r: CatalogRow) -> dict[str, Any]:
    return {
        "name": r.name, "brand": r.brand, "gender": r.gender, "article_type": r.article_type,
        "colour": r.colour, "season": r.season, "year": r.year, "usage": r.usage, "price": r.price,
        "currency": r.currency,
    }


def _diff(r: CatalogRow, e: _Existing) -> tuple[str, ...]:
    want = _desired_values(r)
    changed = [f for f in PRODUCT_FIELDS if want[f] != e.values[f]]
    plan = r.variant_plan()
    wanted_sizes = {size for size, _, _ in plan}
    variants_differ = any(e.variants.get(size, (None, None, None))[1:] != (pos, stock) for size, pos, stock in plan)
    # A size dropped from the file that still holds stock is a change; an empty leftover (kept because an
    # order line points at it) is not, or a re-import would never be a no-op.
    variants_differ = variants_differ or any(
        stock > 0 for size, (_, _, stock) in e.variants.items() if size not in wanted_sizes
    )
    if variants_differ:
        changed.append("sizes/stock")
    return tuple(changed)



def _with_brands(rows: list[CatalogRow]) -> list[CatalogRow]:
    """Every row with its clean brand: the brand column's, or one read out of the name (shop.brands),
    judged against the whole file and the brands the catalogue already sells."""
    existing = dict(Brand.objects.annotate(n=Count("products")).values_list("name", "n"))
    normaliser = BrandNormaliser(existing=existing, colour_names={r.colour for r in rows if r.colour})
    unnamed = [r for r in rows if not r.brand]
    derived = dict(zip((r.catalog_id for r in unnamed), normaliser.brands_for([r.name for r in unnamed]), strict=False))
    return [
        replace(r, brand=(derived[r.catalog_id] if not r.brand else normaliser.clean(r.brand))[:120]) for r in rows
    ]


def _plan(
    lookups: _Lookups, good: dict[int, CatalogRow], report: ImportReport
) -> tuple[list[CatalogRow], list[tuple[CatalogRow, _Existing]]]:
    """(rows to create, rows to update with what they replace); counts and previews go into `report`."""
    rows = lookups.canonical(_with_brands(list(good.values())))
    existing = _load_existing(list(good))
    to_create: list[CatalogRow] = []
    to_update: list[tuple[CatalogRow, _Existing]] = []
    for r in rows:
        e = existing.get(r.catalog_id)
        if e is None:
            to_create.append(r)
            report.changes.append(PlannedChange("create", r.catalog_id, r.name, row=r))
            continue
        changed = _diff(r, e)
        if changed:
            to_update.append((r, e))
            report.changes.append(PlannedChange("update", r.catalog_id, r.name, changed, row=r))
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    return to_create, to_update
