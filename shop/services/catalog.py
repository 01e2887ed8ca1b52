"""Catalogue import: a CSV (or .csv.gz) of the demo catalogue's shape, upserted by catalogue id.

Three phases, so that a fatal problem (unreadable file, missing columns) writes nothing and a bad row
never costs the good ones:

1. read + validate every row in memory (44k rows is a few MB), collecting per-row errors;
2. plan: compare each good row with what the database holds (natural keys, not ids, so a dry run can
   plan against categories/brands that don't exist yet) -> create / update / unchanged;
3. write (unless dry run) in one transaction with bulk_create / bulk_update in batches, then record an
   ImportRun and tell registered listeners (shop.services.hooks) which products changed, after commit.

Comparing before writing is what makes a second run a no-op: unchanged rows are never written.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import re
import io
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Model
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from shop.brands import BrandNormaliser
from shop.catalog_data import COLOUR_HEX, FALLBACK_HEX
from shop.models import (
    ArticleType,
    Brand,
    Colour,
    Gender,
    ImportRun,
    ImportRunStatus,
    MasterCategory,
    Product,
    Season,
    SubCategory,
    Variant,
)
from shop.services.hooks import products_changed_notify

REQUIRED_COLUMNS: tuple[str, ...] = (
    "id", "name", "gender", "masterCategory", "subCategory", "articleType", "baseColour",
    "season", "year", "usage", "price", "currency", "sizes", "stock",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("brand",)
MAX_PRICE = Decimal("99999999.99")  # Product.price is max_digits=10, decimal_places=2
MAX_STOCK = 1_000_000
MAX_CATALOG_ID = 2_147_483_647  # PositiveIntegerField upper bound on every backend
BATCH = 1000
_IN_CHUNK = 900  # stays under SQLite's historical 999 bound-parameter limit

PRODUCT_FIELDS: tuple[str, ...] = (
    "name", "brand", "gender", "article_type", "colour", "season", "year", "usage", "price", "currency",
)


class CatalogImportError(Exception):
    """The file as a whole cannot be imported (nothing was written)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str
    catalog_id: str = ""


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


@dataclass(frozen=True)
class CatalogRow:
    line: int
    catalog_id: int
    name: str
    brand: str
    gender: str
    master: str
    sub: str
    article_type: str
    colour: str | None
    season: str
    year: int | None
    usage: str
    price: Decimal
    currency: str
    sizes: tuple[str, ...]
    stock: int
    stock_per_size: tuple[int, ...] = ()  # "5|7|3" in the file: one count per size, in the sizes' order

    def variant_plan(self) -> tuple[tuple[str, int, int], ...]:
        """(size, position, stock): the file's count per size, or the total spread over the sizes so that
        they add up to the row's stock.

        Deterministic: the remainder goes to the first sizes, so the same row always yields the same
        variants (idempotency depends on it).
        """
        if self.stock_per_size:
            return tuple((size, pos, n) for pos, (size, n) in enumerate(zip(self.sizes, self.stock_per_size)))
        n = len(self.sizes)
        base, rem = divmod(self.stock, n)
        return tuple((size, pos, base + (1 if pos < rem else 0)) for pos, size in enumerate(self.sizes))


# --- reading ------------------------------------------------------------------------------------


def _read_bytes(path: str | Path | None, file: IO[bytes] | IO[str] | None) -> tuple[bytes, str]:
    if path is not None:
        p = Path(path)
        try:
            return p.read_bytes(), p.name
        except OSError as exc:
            raise CatalogImportError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if file is not None:
        data = file.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return data, getattr(file, "name", "") or "upload"
    raise CatalogImportError("nothing to import: give a path or a file")


def _decode(raw: bytes) -> str:
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise CatalogImportError(f"the file looks gzipped but cannot be decompressed: {exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogImportError(f"line {line}: not valid UTF-8 text ({exc.reason})") from exc


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line of the record, fields); quoted fields may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    prev = 0
    try:
        for fields in reader:
            yield prev + 1, fields
            prev = reader.line_num
    except csv.Error as exc:
        raise CatalogImportError(f"line {reader.line_num}: malformed CSV ({exc}); nothing was imported") from exc


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _RowParser:
    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.idx = {name: i for i, name in enumerate(header)}
        self.genders = set(Gender.values)
        self.seasons = {s.lower(): s for s in Season.values}

    def parse(self, line: int, fields: list[str]) -> tuple[CatalogRow | None, list[RowError]]:
        if len(fields) != len(self.header):
            raw_id = fields[0].strip() if fields else ""
            return None, [RowError(line, "(row)", f"has {len(fields)} fields, the header has {len(self.header)}", raw_id)]
        v = {name: fields[i].strip() for name, i in self.idx.items()}
        raw_id = v["id"]
        errors: list[RowError] = []

        def bad(field_: str, reason: str) -> None:
            errors.append(RowError(line, field_, reason, raw_id))

        if _CONTROL_CHARS.search("".join(v.values())):  # one scan per row; per cell only when needed
            for col, value in v.items():
                # PostgreSQL refuses NUL in text (the whole import would fail); no catalogue cell needs controls.
                if _CONTROL_CHARS.search(value):
                    bad(col, "contains a control character (such as NUL)")

        catalog_id = _parse_int(v["id"])
        if catalog_id is None:
            bad("id", f"not a whole number: {_show(v['id'])}")
        elif not 1 <= catalog_id <= MAX_CATALOG_ID:
            bad("id", f"must be between 1 and {MAX_CATALOG_ID}")

        name = " ".join(v["name"].split())
        if not name:
            bad("name", "is empty")
        elif len(name) > 255:
            bad("name", "is longer than 255 characters")

        gender = v["gender"]
        if gender not in self.genders:
            bad("gender", f"{_show(gender)} is not one of {', '.join(Gender.values)}")

        for col, limit in (("masterCategory", 80), ("subCategory", 80), ("articleType", 80)):
            if not v[col]:
                bad(col, "is empty")
            elif len(v[col]) > limit:
                bad(col, f"is longer than {limit} characters")

        colour = v["baseColour"] or None
        if colour is not None and len(colour) > 40:
            bad("baseColour", "is longer than 40 characters")

        season = ""
        if v["season"]:
            season = self.seasons.get(v["season"].lower(), "")
            if not season:
                bad("season", f"{_show(v['season'])} is not one of {', '.join(Season.values)}")

        year: int | None = None
        if v["year"]:
            year = _parse_int(v["year"])
            if year is None:
                bad("year", f"not a whole number: {_show(v['year'])}")
            elif not 1900 <= year <= 2100:
                bad("year", "must be between 1900 and 2100")
                year = None

        usage = v["usage"]
        if usage == "NA":  # the source's "not applicable"; an empty usage means the same thing here
            usage = ""
        if len(usage) > 40:
            bad("usage", "is longer than 40 characters")

        price = _parse_decimal(v["price"])
        if price is None:
            bad("price", f"not a number: {_show(v['price'])}")
        elif price < 0:
            bad("price", "is negative")
        elif price > MAX_PRICE:
            bad("price", f"is above {MAX_PRICE}")
        elif price != price.quantize(Decimal("0.01")):
            bad("price", "has more than 2 decimal places")

        currency = v["currency"].upper()
        if currency != settings.SHOP_CURRENCY:
            bad("currency", f"{_show(v['currency'])} is not the shop's currency ({settings.SHOP_CURRENCY})")

        sizes = tuple(s.strip() for s in v["sizes"].split("|")) if v["sizes"] else (Variant.ONE_SIZE,)
        if any(not s for s in sizes):
            bad("sizes", "has an empty size (sizes are separated by |)")
        elif len(set(sizes)) != len(sizes):
            bad("sizes", "lists a size twice")
        elif any(len(s) > 20 for s in sizes):
            bad("sizes", "has a size longer than 20 characters")

        stock, per_size = _parse_stock(v["stock"], len(sizes), bad)

        brand = ""  # empty: read out of the name for the whole file at once (shop.brands)
        if "brand" in self.idx and v["brand"]:
            brand = " ".join(v["brand"].split())
            if len(brand) > 120:
                bad("brand", "is longer than 120 characters")

        if errors:
            return None, errors
        assert catalog_id is not None and price is not None and stock is not None
        return (
            CatalogRow(
                line=line, catalog_id=catalog_id, name=name, brand=brand[:120], gender=gender,
                master=v["masterCategory"], sub=v["subCategory"], article_type=v["articleType"], colour=colour,
                season=season, year=year, usage=usage, price=price.quantize(Decimal("0.01")), currency=currency,
                sizes=sizes, stock=stock, stock_per_size=per_size,
            ),
            [],
        )


def _parse_stock(raw: str, n_sizes: int, bad: Any) -> tuple[int | None, tuple[int, ...]]:
    """A total ("15", spread over the sizes) or one count per size ("5|7|3"). Reports through `bad`."""
    parts = [p.strip() for p in raw.split("|")] if "|" in raw else [raw]
    counts = [_parse_int(p) for p in parts]
    if any(c is None for c in counts):
        bad("stock", f"not a whole number (or whole numbers separated by |): {_show(raw)}")
        return None, ()
    if any(c < 0 for c in counts):  # type: ignore[operator]
        bad("stock", "is negative")
        return None, ()
    if len(counts) > 1 and len(counts) != n_sizes:
        bad("stock", f"has {len(counts)} counts for {n_sizes} sizes (give one per size, or one total)")
        return None, ()
    total = sum(counts)  # type: ignore[arg-type]
    if total > MAX_STOCK:
        bad("stock", f"is above {MAX_STOCK}")
        return None, ()
    return total, (tuple(counts) if len(counts) > 1 else ())  # type: ignore[arg-type]


def _show(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _parse_int(value: str) -> int | None:
    value = value.strip()
    if not value or len(value) > 12:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _parse_decimal(value: str) -> Decimal | None:
    if not value or len(value) > 20:
        return None
    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


# --- lookups (case-insensitive, with unique slugs) ------------------------------------------------


def _unique_slug(name: str, taken: set[str], max_length: int) -> str:
    base = (slugify(name) or "item")[: max_length - 6]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _chunks(items: list[Any], size: int = _IN_CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class _Lookups:
    """Existing taxonomy keyed by lower-cased name, so "blue" and "Blue" are one colour."""

    masters: dict[str, MasterCategory]
    subs: dict[tuple[int, str], SubCategory]
    article_types: dict[str, ArticleType]
    colours: dict[str, Colour]
    brands: dict[str, Brand]

    @classmethod
    def load(cls) -> _Lookups:
        return cls(
            masters={m.name.lower(): m for m in MasterCategory.objects.all()},
            subs={(s.master_id, s.name.lower()): s for s in SubCategory.objects.all()},
            article_types={a.name.lower(): a for a in ArticleType.objects.all()},
            colours={c.name.lower(): c for c in Colour.objects.all()},
            brands={b.name.lower(): b for b in Brand.objects.all()},
        )

    def canonical(self, rows: list[CatalogRow]) -> list[CatalogRow]:
        """Rewrite names to the spelling already in the database, so comparisons are exact."""
        out = []
        for r in rows:
            at = self.article_types.get(r.article_type.lower())
            col = self.colours.get(r.colour.lower()) if r.colour else None
            br = self.brands.get(r.brand.lower())
            out.append(
                replace(
                    r,
                    article_type=at.name if at else r.article_type,
                    colour=col.name if col else r.colour,
                    brand=br.name if br else r.brand,
                )
            )
        return out

    def ensure(self, rows: list[CatalogRow]) -> None:
        """Create missing masters, sub categories, article types, colours and brands (bulk, few queries)."""
        # An article type belongs to one sub category; the catalogue files a few under two
        # (e.g. "Shorts" under Bottomwear and Loungewear), so the most common filing wins.
        filing: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        for r in rows:
            filing[r.article_type.lower()][(r.master, r.sub)] += 1
        wanted_at: dict[str, tuple[str, str, str]] = {}
        for r in rows:
            key = r.article_type.lower()
            if key not in self.article_types and key not in wanted_at:
                (master, sub), _ = max(filing[key].items(), key=lambda kv: (kv[1], kv[0]))
                wanted_at[key] = (r.article_type, master, sub)

        self.masters.update(
            _bulk_new(MasterCategory, self.masters, {m for _, m, _ in wanted_at.values()}, 100)
        )
        new_subs: dict[tuple[int, str], SubCategory] = {}
        slugs_by_master: dict[int, set[str]] = defaultdict(set)
        for s in self.subs.values():
            slugs_by_master[s.master_id].add(s.slug)
        for _, master_name, sub_name in wanted_at.values():
            master = self.masters[master_name.lower()]
            key = (master.pk, sub_name.lower())
            if key not in self.subs and key not in new_subs:
                new_subs[key] = SubCategory(
                    master=master, name=sub_name, slug=_unique_slug(sub_name, slugs_by_master[master.pk], 100)
                )
        if new_subs:
            SubCategory.objects.bulk_create(new_subs.values())
            self.subs.update({(s.master_id, s.name.lower()): s for s in SubCategory.objects.all()})

        taken = set(ArticleType.objects.values_list("slug", flat=True))
        new_ats = []
        for name, master_name, sub_name in wanted_at.values():
            sub = self.subs[(self.masters[master_name.lower()].pk, sub_name.lower())]
            new_ats.append(ArticleType(sub_category=sub, name=name, slug=_unique_slug(name, taken, 100)))
        if new_ats:
            ArticleType.objects.bulk_create(new_ats)
            self.article_types = {a.name.lower(): a for a in ArticleType.objects.all()}

        colours = {r.colour for r in rows if r.colour and r.colour.lower() not in self.colours}
        self.colours.update(_bulk_new(Colour, self.colours, colours, 60, hex_for=True))
        brands = {r.brand for r in rows if r.brand and r.brand.lower() not in self.brands}
        self.brands.update(_bulk_new(Brand, self.brands, brands, 140))


def _bulk_new(model: type[Model], existing: dict[str, Any], names: set[str], slug_len: int, hex_for: bool = False) -> dict[str, Any]:
    todo: dict[str, str] = {}
    for n in sorted(names):
        if n.lower() not in existing and n.lower() not in todo:
            todo[n.lower()] = n
    if not todo:
        return {}
    taken = set(model.objects.values_list("slug", flat=True))  # type: ignore[attr-defined]
    objs = []
    for n in todo.values():
        kwargs: dict[str, Any] = {"name": n, "slug": _unique_slug(n, taken, slug_len)}
        if hex_for:
            kwargs["hex"] = COLOUR_HEX.get(n) or COLOUR_HEX.get(n.title()) or FALLBACK_HEX
        objs.append(model(**kwargs))
    model.objects.bulk_create(objs, batch_size=BATCH)  # type: ignore[attr-defined]
    return {o.name.lower(): o for o in model.objects.filter(name__in=list(todo.values()))}  # type: ignore[attr-defined]


# --- planning -----------------------------------------------------------------------------------


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
                existing[row[0]] = _Existing(pk=row[1], values=dict(zip(PRODUCT_FIELDS, row[2:])), variants={})
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


# --- the service --------------------------------------------------------------------------------


def catalog_import(
    *,
    path: str | Path | None = None,
    file: IO[bytes] | IO[str] | None = None,
    dry_run: bool = False,
    if_changed: bool = False,
    progress: bool = False,
    source_name: str | None = None,
    user: Any = None,
) -> ImportReport:
    """Import a catalogue file. Raises CatalogImportError (nothing written) when the file is unusable."""
    started = timezone.now()
    t0 = time.perf_counter()
    raw, name = _read_bytes(path, file)
    sha = hashlib.sha256(raw).hexdigest()
    report = ImportReport(source=source_name or name, sha256=sha, dry_run=dry_run)

    if if_changed and not dry_run:
        last = ImportRun.objects.filter(status=ImportRunStatus.SUCCEEDED).order_by("-started_at", "-id").first()
        if last is not None and last.sha256 == sha and Product.objects.exists():
            report.skipped = True
            report.run_id = last.pk
            report.seconds = time.perf_counter() - t0
            return report

    text = _decode(raw)
    del raw
    records = _records(text)
    try:
        _, header = next(records)
    except StopIteration:
        raise CatalogImportError("the file is empty (no header row)") from None
    header = [h.strip() for h in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise CatalogImportError(f"duplicate column(s) in the header: {', '.join(dupes)}; nothing was imported")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogImportError(
            f"missing required column(s): {', '.join(missing)}. Expected: {', '.join(REQUIRED_COLUMNS)}; "
            "nothing was imported"
        )
    report.unknown_columns = [h for h in header if h not in REQUIRED_COLUMNS and h not in OPTIONAL_COLUMNS]

    parser = _RowParser(header)
    good: dict[int, CatalogRow] = {}
    first_line: dict[int, int] = {}
    bar = tqdm(total=text.count("\n"), desc="read", unit="row", file=sys.stderr, disable=not progress, leave=False)
    for line, fields in records:
        bar.update(1)
        if not fields or all(not f.strip() for f in fields):
            continue  # blank lines are not rows
        report.rows += 1
        row, errors = parser.parse(line, fields)
        if errors:
            report.errors.extend(errors)
            continue
        assert row is not None
        if row.catalog_id in first_line:
            report.errors.append(
                RowError(line, "id", f"duplicate id {row.catalog_id} (first on line {first_line[row.catalog_id]})",
                         str(row.catalog_id))
            )
            continue
        first_line[row.catalog_id] = line
        good[row.catalog_id] = row
    bar.close()
    del text

    lookups = _Lookups.load()
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

    if not dry_run:
        with transaction.atomic():
            _write(lookups, to_create, to_update, progress=progress)
            run = ImportRun.objects.create(
                source=report.source[:255], sha256=sha, status=ImportRunStatus.SUCCEEDED, started_at=started,
                finished_at=timezone.now(), rows=report.rows, created=report.created, updated=report.updated,
                unchanged=report.unchanged, rejected=report.rejected,
                triggered_by=user if getattr(user, "is_authenticated", False) else None,
            )
            report.run_id = run.pk
            products_changed_notify(catalog_ids=[c.catalog_id for c in report.changes])
    report.seconds = time.perf_counter() - t0
    return report


def _with_brands(rows: list[CatalogRow]) -> list[CatalogRow]:
    """Every row with its clean brand: the brand column's, or one read out of the name (shop.brands),
    judged against the whole file and the brands the catalogue already sells."""
    existing = dict(Brand.objects.annotate(n=Count("products")).values_list("name", "n"))
    normaliser = BrandNormaliser(existing=existing, colour_names={r.colour for r in rows if r.colour})
    unnamed = [r for r in rows if not r.brand]
    derived = dict(zip((r.catalog_id for r in unnamed), normaliser.brands_for([r.name for r in unnamed])))
    return [
        replace(r, brand=(derived[r.catalog_id] if not r.brand else normaliser.clean(r.brand))[:120]) for r in rows
    ]


def _write(
    lookups: _Lookups, to_create: list[CatalogRow], to_update: list[tuple[CatalogRow, _Existing]], *, progress: bool
) -> None:
    lookups.ensure([r for r in to_create] + [r for r, _ in to_update])
    now = timezone.now()

    def product_kwargs(r: CatalogRow) -> dict[str, Any]:
        return {
            "name": r.name, "brand": lookups.brands[r.brand.lower()], "gender": r.gender,
            "article_type": lookups.article_types[r.article_type.lower()],
            "colour": lookups.colours[r.colour.lower()] if r.colour else None, "season": r.season,
            "year": r.year, "usage": r.usage, "price": r.price, "currency": r.currency,
        }

    total = len(to_create) + len(to_update)
    bar = tqdm(total=total, desc="write", unit="product", file=sys.stderr, disable=not progress or not total, leave=False)

    # New rows go in with executemany rather than bulk_create: Django prepares every value of every
    # object (1.4M calls for the demo catalogue) and SQLite's bound-parameter limit cuts bulk_create
    # into ~250-row statements; values here are already validated and typed, so only the two
    # backend-specific adaptations (Decimal, aware datetime) are needed. 3-4x faster on SQLite.
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    product_rows = [
        (
            r.catalog_id, r.name, lookups.brands[r.brand.lower()].pk, r.gender,
            lookups.article_types[r.article_type.lower()].pk,
            lookups.colours[r.colour.lower()].pk if r.colour else None, r.season, r.year, r.usage,
            ops.adapt_decimalfield_value(r.price, 10, 2), r.currency, "", True, stamp, stamp,
        )
        for r in to_create
    ]
    for batch in _chunks(product_rows, 5000):
        _insert_many(Product, ["catalog_id", "name", "brand", "gender", "article_type", "colour", "season", "year",
                               "usage", "price", "currency", "image", "is_published", "created_at", "updated_at"], batch)
        bar.update(len(batch))
    pk_of: dict[int, int] = {}
    if to_create:
        if len(to_create) > 5000:
            pk_of = dict(Product.objects.values_list("catalog_id", "id"))
        else:
            for chunk in _chunks([r.catalog_id for r in to_create]):
                pk_of.update(Product.objects.filter(catalog_id__in=chunk).values_list("catalog_id", "id"))
    variant_rows = [
        (pk_of[r.catalog_id], size, pos, stock) for r in to_create for size, pos, stock in r.variant_plan()
    ]
    for batch in _chunks(variant_rows, 20000):
        _insert_many(Variant, ["product", "size", "position", "stock"], batch)

    if to_update:
        changed_products = []
        for r, e in to_update:
            p = Product(pk=e.pk, catalog_id=r.catalog_id, updated_at=now, **product_kwargs(r))
            changed_products.append(p)
        for batch in _chunks(changed_products, 500):
            Product.objects.bulk_update(batch, [*PRODUCT_FIELDS, "updated_at"])
            bar.update(len(batch))
        _sync_variants(to_update)
    bar.close()


def _insert_many(model: type[Model], field_names: list[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in field_names)
    placeholders = ", ".join(["%s"] * len(field_names))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one round trip for the whole batch (executemany is a statement per row there)
            with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)


def _sync_variants(to_update: Iterable[tuple[CatalogRow, _Existing]]) -> None:
    create: list[Variant] = []
    update: list[Variant] = []
    drop: list[int] = []
    for r, e in to_update:
        plan = r.variant_plan()
        wanted = {size for size, _, _ in plan}
        for size, pos, stock in plan:
            have = e.variants.get(size)
            if have is None:
                create.append(Variant(product_id=e.pk, size=size, position=pos, stock=stock))
            elif have[1:] != (pos, stock):
                update.append(Variant(pk=have[0], position=pos, stock=stock))
        drop.extend(vid for size, (vid, _, _) in e.variants.items() if size not in wanted)
    if update:
        Variant.objects.bulk_update(update, ["position", "stock"], batch_size=500)
    if create:
        Variant.objects.bulk_create(create, batch_size=BATCH)
    for chunk in _chunks(drop):
        # Sizes that past orders point at stay (PROTECT), emptied; the rest go.
        Variant.objects.filter(pk__in=chunk, order_lines__isnull=False).update(stock=0)
        Variant.objects.filter(pk__in=chunk, order_lines__isnull=True).delete()
