"""The CSV import service under random rows, columns, bytes and encodings.

Properties: a file-level failure raises CatalogImportError and writes nothing; otherwise every row is
accounted for exactly once (created + updated + unchanged + rejected == rows), the database grows by
exactly `created`, every stored product is well-formed, and importing the same bytes again changes nothing.
"""
from __future__ import annotations

import csv
import gzip
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.models import ImportRun, Product, Variant
from shop.services import CatalogImportError, catalog_import
from tests.reliability.counting import tally
from tests.reliability.strategies import FUZZ, FUZZ_SMALL, hostile_text

pytestmark = pytest.mark.django_db

HEADER = ["id", "name", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year",
          "usage", "price", "currency", "sizes", "stock"]
GOOD = {"name": "Peter England Men Blue Shirt", "gender": "Men", "masterCategory": "Apparel",
        "subCategory": "Topwear", "articleType": "Shirts", "baseColour": "Blue", "season": "Summer", "year": "2012",
        "usage": "Formal", "price": "49.99", "currency": "USD", "sizes": "S|M|L", "stock": "10"}


def _state() -> tuple[int, int, int]:
    return Product.objects.count(), Variant.objects.count(), ImportRun.objects.count()


@st.composite
def catalogue_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """Mostly-plausible rows with hostile cells mixed in (pure noise would only test the header check)."""
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        r = dict(GOOD)
        r["id"] = str(draw(st.integers(1, 40)))
        for key in draw(st.lists(st.sampled_from(HEADER), max_size=4, unique=True)):
            r[key] = draw(st.one_of(hostile_text, st.sampled_from(["", "-5", "0", "2147483648", "1e3", "12.345",
                                                                   "XS|XS", "|||", "M|", "EUR", "usd"])))
        rows.append(r)
    return rows


def _encode(rows: list[dict[str, str]], header: list[str], encoding: str, gz: bool) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    try:
        raw = buf.getvalue().encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    except UnicodeEncodeError:
        raw = buf.getvalue().encode("utf-8", errors="replace")
    return gzip.compress(raw) if gz else raw


def _check_import(raw: bytes) -> None:
    before = _state()
    try:
        report = catalog_import(file=io.BytesIO(raw), source_name="fuzz.csv")
    except CatalogImportError as exc:
        assert str(exc)  # a clear reason
        assert _state() == before  # nothing half-written
        return
    products, variants, runs = _state()
    assert report.created + report.updated + report.unchanged + report.rejected == report.rows
    assert products == before[0] + report.created
    assert runs == before[2] + 1
    for p in Product.objects.filter(catalog_id__in=[c.catalog_id for c in report.changes]):
        assert 1 <= p.catalog_id <= 2_147_483_647 and p.price >= 0 and "\x00" not in p.name and p.name.strip()
    assert not Variant.objects.filter(stock__lt=0).exists()
    again = catalog_import(file=io.BytesIO(raw), source_name="fuzz.csv")
    assert (again.created, again.updated) == (0, 0), "a second import of the same bytes changed rows"
    assert _state()[:2] == (products, variants)


@FUZZ
@given(rows=catalogue_rows(),
       header=st.one_of(st.just(HEADER), st.permutations(HEADER),
                        st.lists(st.sampled_from([*HEADER, "brand", "extra", "", "id "]), max_size=16)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]), gz=st.booleans())
def test_import_random_rows_columns_encodings(db, rows: list[dict[str, str]], header: list[str], encoding: str,
                                              gz: bool) -> None:
    tally("fuzz:csv import rows/columns/encodings")
    _check_import(_encode(rows, header, encoding, gz))


@FUZZ_SMALL
@given(raw=st.one_of(st.binary(max_size=4000),
                     st.binary(max_size=2000).map(lambda b: b"id,name,gender\n" + b),
                     st.binary(max_size=2000).map(gzip.compress),
                     st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_import_random_bytes(db, raw: bytes) -> None:
    tally("fuzz:csv import random bytes")
    _check_import(raw)


def test_a_half_good_file_rejects_the_bad_rows_and_keeps_the_good(db) -> None:
    rows = [dict(GOOD, id="1"), dict(GOOD, id="2", price="-1"), dict(GOOD, id="3", name="\x00"),
            dict(GOOD, id="4", sizes="S|M"), dict(GOOD, id="4")]
    report = catalog_import(file=io.BytesIO(_encode(rows, HEADER, "utf-8", False)), source_name="half.csv")

    assert (report.rows, report.created) == (5, 2)
    assert report.rejected_lines == [3, 4, 6]
    assert sorted(Product.objects.values_list("catalog_id", flat=True)) == [1, 4]
