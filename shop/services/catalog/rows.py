"""Reading a catalogue file: bytes -> text -> CSV records -> validated CatalogRows, with per-row errors.

Nothing here touches the database: a file is read and judged in memory before anything is planned or written.
"""
from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.conf import settings

from shop.models import Gender, Season, Variant

REQUIRED_COLUMNS: tuple[str, ...] = (
    "id", "name", "gender", "masterCategory", "subCategory", "articleType", "baseColour",
    "season", "year", "usage", "price", "currency", "sizes", "stock",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("brand",)
MAX_PRICE = Decimal("99999999.99")  # Product.price is max_digits=10, decimal_places=2
MAX_STOCK = 1_000_000
MAX_CATALOG_ID = 2_147_483_647  # PositiveIntegerField upper bound on every backend


class CatalogImportError(Exception):
    """The file as a whole cannot be imported (nothing was written)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str
    catalog_id: str = ""


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
            return tuple((size, pos, n) for pos, (size, n) in enumerate(zip(self.sizes, self.stock_per_size, strict=False)))
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



def _read_header(records: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The header row, stripped; a missing, duplicated or absent required column is fatal."""
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
    return header


def _unknown_columns(header: list[str]) -> list[str]:
    return [h for h in header if h not in REQUIRED_COLUMNS and h not in OPTIONAL_COLUMNS]


# --- one row: each column is checked by its own function, which reports through `bad` ------------------

_Bad = Callable[[str, str], None]  # bad(column, reason): record one error for the row being parsed
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

        # One check per column in a fixed order (control characters first, then the columns as in
        # REQUIRED_COLUMNS, then brand), so a row's errors always read the same way.
        _check_controls(v, bad)
        catalog_id = _parse_id(v["id"], bad)
        name = _parse_name(v["name"], bad)
        gender = self._parse_gender(v["gender"], bad)
        _check_taxonomy(v, bad)
        colour = _parse_colour(v["baseColour"], bad)
        season = self._parse_season(v["season"], bad)
        year = _parse_year(v["year"], bad)
        usage = _parse_usage(v["usage"], bad)
        price = _parse_price(v["price"], bad)
        currency = _parse_currency(v["currency"], bad)
        sizes = _parse_sizes(v["sizes"], bad)
        stock, per_size = _parse_stock(v["stock"], len(sizes), bad)
        brand = _parse_brand(v["brand"], bad) if "brand" in self.idx else ""

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

    def _parse_gender(self, gender: str, bad: _Bad) -> str:
        if gender not in self.genders:
            bad("gender", f"{_show(gender)} is not one of {', '.join(Gender.values)}")
        return gender

    def _parse_season(self, raw: str, bad: _Bad) -> str:
        if not raw:
            return ""
        season = self.seasons.get(raw.lower(), "")
        if not season:
            bad("season", f"{_show(raw)} is not one of {', '.join(Season.values)}")
        return season


def _check_controls(v: dict[str, str], bad: _Bad) -> None:
    if _CONTROL_CHARS.search("".join(v.values())):  # one scan per row; per cell only when needed
        for col, value in v.items():
            # PostgreSQL refuses NUL in text (the whole import would fail); no catalogue cell needs controls.
            if _CONTROL_CHARS.search(value):
                bad(col, "contains a control character (such as NUL)")


def _parse_id(raw: str, bad: _Bad) -> int | None:
    catalog_id = _parse_int(raw)
    if catalog_id is None:
        bad("id", f"not a whole number: {_show(raw)}")
    elif not 1 <= catalog_id <= MAX_CATALOG_ID:
        bad("id", f"must be between 1 and {MAX_CATALOG_ID}")
    return catalog_id


# The columns of this format and of the dataset the demo catalogue comes from (Kaggle's "Fashion Product Images",
# whose name column is productDisplayName): a row named after one was written by a tool, not a merchandiser (the
# demo file has one such row, a pair of heels named "productDisplayName").
COLUMN_HEADINGS = frozenset(c.lower() for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, "productDisplayName"))
# What spreadsheets and data tools write for a missing value (pandas.read_csv's default na_values): the demo file
# has seven products named "NA".
MISSING_MARKERS = frozenset(m.lower() for m in (
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
    "NULL", "NaN", "None", "n/a", "nan", "null"))


def _parse_name(raw: str, bad: _Bad) -> str:
    name = " ".join(raw.split())
    if not name:
        bad("name", "is empty")
    elif len(name) > 255:
        bad("name", "is longer than 255 characters")
    elif name.lower() in COLUMN_HEADINGS:
        bad("name", f"is {name!r}, a column heading, not a product's name")
    elif name.lower() in MISSING_MARKERS:
        bad("name", f"is {name!r}, a marker of a missing value, not a product's name")
    return name


def _check_taxonomy(v: dict[str, str], bad: _Bad) -> None:
    for col, limit in (("masterCategory", 80), ("subCategory", 80), ("articleType", 80)):
        if not v[col]:
            bad(col, "is empty")
        elif len(v[col]) > limit:
            bad(col, f"is longer than {limit} characters")


def _parse_colour(raw: str, bad: _Bad) -> str | None:
    colour = raw or None
    if colour is not None and len(colour) > 40:
        bad("baseColour", "is longer than 40 characters")
    return colour


def _parse_year(raw: str, bad: _Bad) -> int | None:
    if not raw:
        return None
    year = _parse_int(raw)
    if year is None:
        bad("year", f"not a whole number: {_show(raw)}")
    elif not 1900 <= year <= 2100:
        bad("year", "must be between 1900 and 2100")
        year = None
    return year


def _parse_usage(raw: str, bad: _Bad) -> str:
    usage = "" if raw == "NA" else raw  # the source's "not applicable"; an empty usage means the same thing here
    if len(usage) > 40:
        bad("usage", "is longer than 40 characters")
    return usage


def _parse_price(raw: str, bad: _Bad) -> Decimal | None:
    price = _parse_decimal(raw)
    if price is None:
        bad("price", f"not a number: {_show(raw)}")
    elif price < 0:
        bad("price", "is negative")
    elif price > MAX_PRICE:
        bad("price", f"is above {MAX_PRICE}")
    elif price != price.quantize(Decimal("0.01")):
        bad("price", "has more than 2 decimal places")
    return price


def _parse_currency(raw: str, bad: _Bad) -> str:
    currency = raw.upper()
    if currency != settings.SHOP_CURRENCY:
        bad("currency", f"{_show(raw)} is not the shop's currency ({settings.SHOP_CURRENCY})")
    return currency


def _parse_sizes(raw: str, bad: _Bad) -> tuple[str, ...]:
    sizes = tuple(s.strip() for s in raw.split("|")) if raw else (Variant.ONE_SIZE,)
    if any(not s for s in sizes):
        bad("sizes", "has an empty size (sizes are separated by |)")
    elif len(set(sizes)) != len(sizes):
        bad("sizes", "lists a size twice")
    elif any(len(s) > 20 for s in sizes):
        bad("sizes", "has a size longer than 20 characters")
    return sizes


def _parse_brand(raw: str, bad: _Bad) -> str:
    """Empty: the brand is read out of the name later, for the whole file at once (shop.brands)."""
    if not raw:
        return ""
    brand = " ".join(raw.split())
    if len(brand) > 120:
        bad("brand", "is longer than 120 characters")
    return brand


def _parse_stock(raw: str, n_sizes: int, bad: _Bad) -> tuple[int | None, tuple[int, ...]]:
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

