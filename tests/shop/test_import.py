"""catalog_import / manage.py import_catalog."""
from __future__ import annotations

import gzip
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shop.models import ArticleType, Brand, Colour, ImportRun, MasterCategory, Product, SubCategory, Variant
from shop.services import CatalogImportError, catalog_import
from tests.factories import ProductFactory, VariantFactory
from tests.shop.conftest import HEADER, row

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int, int]:
    return (Product.objects.count(), Variant.objects.count(), Brand.objects.count(), Colour.objects.count(),
            ArticleType.objects.count())


def test_import_creates_products_variants_taxonomy_and_brands(write_csv, hook_calls, django_capture_on_commit_callbacks):
    # given a file with two products
    path = write_csv([
        row(),
        row(id="1002", name="United Colors of Benetton Women Red Top", gender="Women", articleType="Tops",
            baseColour="Red", sizes="ONE SIZE", stock="3", price="12.50"),
    ])
    # when it is imported
    with django_capture_on_commit_callbacks(execute=True):
        report = catalog_import(path=path)
    # then
    assert (report.created, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 0)
    shirt = Product.objects.select_related("brand", "colour", "article_type__sub_category__master").get(catalog_id=1001)
    assert shirt.brand.name == "Peter England"
    assert shirt.price == Decimal("49.99")
    assert shirt.article_type.sub_category.name == "Topwear"
    assert shirt.article_type.sub_category.master.name == "Apparel"
    assert shirt.colour.hex == "#2a5db0"
    assert list(shirt.variants.values_list("size", "stock")) == [("S", 4), ("M", 3), ("L", 3)]
    top = Product.objects.get(catalog_id=1002)
    assert top.brand.name == "United Colors of Benetton"
    assert list(top.variants.values_list("size", "stock")) == [("ONE SIZE", 3)]
    assert hook_calls == [[1001, 1002]]
    run = ImportRun.objects.get()
    assert (run.created, run.updated, run.rejected, run.status) == (2, 0, 0, "succeeded")


def test_second_run_changes_nothing(write_csv, hook_calls, django_capture_on_commit_callbacks):
    path = write_csv([row(), row(id="1002", name="Fila Men Shoes", sizes="40|41", stock="1")])
    catalog_import(path=path)
    before = list(Product.objects.values_list("id", "updated_at"))
    with django_capture_on_commit_callbacks(execute=True):
        report = catalog_import(path=path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(Product.objects.values_list("id", "updated_at")) == before
    assert hook_calls == []  # nothing changed, nobody is told


def test_changed_row_is_updated_with_the_fields_that_changed(write_csv):
    catalog_import(path=write_csv([row()]))
    report = catalog_import(path=write_csv([row(price="39.99", sizes="S|M|L|XL", stock="10")], name="v2.csv"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert report.changes[0].changed_fields == ("price", "sizes/stock")
    p = Product.objects.get(catalog_id=1001)
    assert p.price == Decimal("39.99")
    assert list(p.variants.values_list("size", "stock")) == [("S", 3), ("M", 3), ("L", 2), ("XL", 2)]


def test_rejected_rows_are_reported_with_line_field_reason_and_good_rows_kept(write_csv):
    path = write_csv([
        row(id="1"),
        row(id="2", price="-5"),
        row(id="3", gender="Martian"),
        row(id="4", currency="EUR"),
        row(id="x5"),
        row(id="6", stock="-1"),
        row(id="7", stock="lots", price="abc"),
        row(id="1"),  # duplicate of line 2
        row(id="9"),
    ])
    report = catalog_import(path=path)
    got = [(e.line, e.field, e.reason) for e in report.errors]
    assert got == [
        (3, "price", "is negative"),
        (4, "gender", "'Martian' is not one of Men, Women, Boys, Girls, Unisex"),
        (5, "currency", "'EUR' is not the shop's currency (USD)"),
        (6, "id", "not a whole number: 'x5'"),
        (7, "stock", "is negative"),
        (8, "price", "not a number: 'abc'"),
        (8, "stock", "not a whole number (or whole numbers separated by |): 'lots'"),
        (9, "id", "duplicate id 1 (first on line 2)"),
    ]
    assert report.rejected == 7
    assert sorted(Product.objects.values_list("catalog_id", flat=True)) == [1, 9]
    assert (report.created, report.rows) == (2, 9)


def test_a_row_named_after_a_column_heading_or_a_missing_value_is_rejected_and_the_others_kept(write_csv):
    # given the demo file's defect (a pair of heels named after its source's name column) and our own heading
    # and its seven products named "NA"
    path = write_csv([row(id="1", name="productDisplayName"), row(id="2", name=" Name "), row(id="3"),
                      row(id="4", name="NA"), row(id="5", name="n/a"), row(id="6", name="Nana Women Red Top")])
    # when it is imported, then those rows are refused with the reason, nothing of them written
    report = catalog_import(path=path)
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "name", "is 'productDisplayName', a column heading, not a product's name"),
        (3, "name", "is 'Name', a column heading, not a product's name"),
        (5, "name", "is 'NA', a marker of a missing value, not a product's name"),
        (6, "name", "is 'n/a', a marker of a missing value, not a product's name"),
    ]
    assert sorted(Product.objects.values_list("catalog_id", flat=True)) == [3, 6]


def test_line_numbers_count_physical_lines_when_a_quoted_name_spans_lines(tmp_path: Path):
    text = ",".join(HEADER) + "\n" + \
        '1,"Nike Men, Blue\nTee",Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,10.00,USD,S|M,4\n' + \
        "2,Nike Tee,Men,Apparel,Topwear,Tshirts,Blue,Summer,2012,Casual,-1,USD,S|M,4\n"
    path = tmp_path / "multi.csv"
    path.write_text(text)
    report = catalog_import(path=path)
    assert [(e.line, e.field) for e in report.errors] == [(4, "price")]
    assert Product.objects.get(catalog_id=1).name == "Nike Men, Blue Tee"


def test_row_with_wrong_number_of_fields_is_rejected(tmp_path: Path):
    path = tmp_path / "short.csv"
    path.write_text(",".join(HEADER) + "\n1,Too short,Men\n")
    report = catalog_import(path=path)
    assert [(e.line, e.field, e.reason) for e in report.errors] == [(2, "(row)", "has 3 fields, the header has 14")]
    assert Product.objects.count() == 0


def test_unknown_columns_are_reported_and_ignored(write_csv):
    path = write_csv([row() | {"colourCode": "x", "notes": "y"}], header=[*HEADER, "colourCode", "notes"])
    report = catalog_import(path=path)
    assert report.unknown_columns == ["colourCode", "notes"]
    assert report.created == 1


def test_brand_column_wins_over_the_name(write_csv):
    catalog_import(path=write_csv([row() | {"brand": "Acme Tailors"}], header=[*HEADER, "brand"]))
    assert Product.objects.get().brand.name == "Acme Tailors"


def test_missing_required_columns_is_fatal_and_writes_nothing(write_csv):
    header = [h for h in HEADER if h not in ("price", "gender")]
    with pytest.raises(CatalogImportError, match="missing required column\\(s\\): gender, price"):
        catalog_import(path=write_csv([row()], header=header))
    assert counts() == (0, 0, 0, 0, 0)
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\x1f\x8bnot really gzip", "looks gzipped but cannot be decompressed"),
        (",".join(HEADER).encode() + b"\n1,\xff\xfe,Men\n", "line 2: not valid UTF-8"),
        (",".join(HEADER).encode() + b'\n1,"unterminated', "malformed CSV"),
    ],
)
def test_unreadable_files_are_fatal_and_write_nothing(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CatalogImportError, match=message):
        catalog_import(path=path)
    assert counts() == (0, 0, 0, 0, 0)


def test_failure_mid_write_rolls_everything_back(write_csv, monkeypatch):
    # given the variant insert fails after the products were inserted
    from shop.services import catalog as catalog_module

    real_insert = catalog_module._insert_many

    def insert_then_fail(model, fields, rows):
        if model is Variant:
            raise RuntimeError("disk full")
        real_insert(model, fields, rows)

    monkeypatch.setattr(catalog_module, "_insert_many", insert_then_fail)
    with pytest.raises(RuntimeError):
        catalog_import(path=write_csv([row()]))
    assert counts() == (0, 0, 0, 0, 0)
    assert ImportRun.objects.count() == 0


def test_gzipped_demo_sample_imports_and_is_idempotent(tmp_path: Path, demo_sample_bytes: bytes):
    path = tmp_path / "sample.csv.gz"
    path.write_bytes(gzip.compress(demo_sample_bytes))
    first = catalog_import(path=path)
    assert (first.created, first.rejected) == (300, 0)
    second = catalog_import(path=path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 300)
    # stock spread over sizes adds up to the stock column for every product
    import csv
    import io

    for r in csv.DictReader(io.StringIO(demo_sample_bytes.decode())):
        total = sum(Variant.objects.filter(product__catalog_id=int(r["id"])).values_list("stock", flat=True))
        assert total == int(r["stock"])


def test_dry_run_reports_but_writes_nothing(write_csv):
    report = catalog_import(path=write_csv([row(), row(id="2", price="-1")]), dry_run=True)
    assert (report.created, report.rejected, report.dry_run) == (1, 1, True)
    assert counts() == (0, 0, 0, 0, 0)


def test_if_changed_skips_an_identical_file(write_csv):
    path = write_csv([row()])
    catalog_import(path=path, if_changed=True)
    Product.objects.update(price=Decimal("1.00"))  # if the import ran, it would restore 49.99
    report = catalog_import(path=path, if_changed=True)
    assert report.skipped is True
    assert Product.objects.get().price == Decimal("1.00")
    changed = catalog_import(path=write_csv([row(price="45.00")], name="v2.csv"), if_changed=True)
    assert (changed.skipped, changed.updated) == (False, 1)


def test_dropped_size_with_orders_is_kept_empty_and_reimport_is_a_no_op(write_csv):
    catalog_import(path=write_csv([row(sizes="S|M", stock="4")]))
    from shop.models import Order, OrderLine

    p = Product.objects.get()
    s = p.variants.get(size="S")
    order = Order.objects.create(number="TS-1", email="a@b.co", full_name="A", address="x", total=Decimal("1"), currency="USD")
    OrderLine.objects.create(order=order, product=p, variant=s, product_name=p.name, size="S", unit_price=Decimal("1"),
                             quantity=1, line_total=Decimal("1"))
    path = write_csv([row(sizes="M", stock="4")], name="v2.csv")
    assert catalog_import(path=path).updated == 1
    assert dict(p.variants.values_list("size", "stock")) == {"S": 0, "M": 4}
    assert catalog_import(path=path).unchanged == 1


def test_existing_taxonomy_is_reused_case_insensitively(write_csv):
    catalog_import(path=write_csv([row()]))
    report = catalog_import(path=write_csv([row(id="2", baseColour="blue", articleType="shirts")], name="b.csv"))
    assert report.created == 1
    assert (Colour.objects.count(), ArticleType.objects.count(), SubCategory.objects.count(), MasterCategory.objects.count()) == (1, 1, 1, 1)


def test_import_updates_products_created_elsewhere(write_csv):
    p = ProductFactory(catalog_id=1001, name="Old name")
    VariantFactory(product=p, size="S", stock=1)
    report = catalog_import(path=write_csv([row()]))
    assert report.updated == 1
    p.refresh_from_db()
    assert p.name == "Peter England Men Blue Shirt"


def test_command_prints_summary_and_rejections(write_csv):
    out, err = StringIO(), StringIO()
    call_command("import_catalog", str(write_csv([row(), row(id="2", price="-1")])), "--no-progress", stdout=out, stderr=err)
    assert "1 were created, 0 updated, 0 unchanged, 1 rejected" in out.getvalue()
    assert "line 3 (id 2): price: is negative" in err.getvalue()


def test_command_fatal_error_is_a_command_error(write_csv):
    with pytest.raises(CommandError, match="missing required column"):
        call_command("import_catalog", str(write_csv([row()], header=["id", "name"])), stdout=StringIO(), stderr=StringIO())


def test_command_missing_file_is_a_command_error(tmp_path: Path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_catalog", str(tmp_path / "nope.csv"), stdout=StringIO(), stderr=StringIO())
