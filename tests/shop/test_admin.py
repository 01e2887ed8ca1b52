"""Merchandiser admin: CSV import preview/confirm, product actions and edits, order status actions."""
from __future__ import annotations

import gzip
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shop.models import ImportRun, Order, OrderStatus, Product, Variant
from shop.services import cart_add, order_place
from tests.shop.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/shop/product/import/"


@pytest.fixture
def staff(admin_client: Client) -> Client:
    return admin_client


def upload(staff: Client, data: bytes, name: str = "cat.csv"):
    return staff.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_import_page_needs_staff(client: Client):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin login


def test_preview_shows_what_would_change_and_writes_nothing(staff: Client, small_catalogue):
    data = csv_bytes([row(id="101", name="Nike Men Blue Tee", price="21.00"), row(id="7000"), row(id="7001", price="-1")])
    r = upload(staff, data)
    assert r.status_code == 200
    report = r.context["report"]
    assert (report.created, report.updated, report.unchanged, report.rejected) == (1, 1, 0, 1)
    body = r.content.decode()
    assert "<td>4</td><td>7001</td><td>price</td><td>is negative</td>" in body
    assert [c.catalog_id for c in r.context["creates"]] == [7000]
    assert [(c.catalog_id, c.changed_fields) for c in r.context["updates"]] == [
        (101, ("article_type", "year", "usage", "price", "sizes/stock"))
    ]
    assert not Product.objects.filter(catalog_id=7000).exists()
    assert Product.objects.get(catalog_id=101).price == Decimal("19.99")
    assert ImportRun.objects.count() == 0


def test_confirm_imports_what_was_previewed(staff: Client, small_catalogue):
    r = upload(staff, gzip.compress(csv_bytes([row(id="7000"), row(id="7001", gender="??")])), name="cat.csv.gz")
    token = r.context["token"]
    r = staff.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
    assert r.redirect_chain[-1][0] == "/admin/shop/product/"
    assert "1 were created, 0 updated, 0 unchanged, 1 rejected" in r.content.decode()
    assert Product.objects.filter(catalog_id=7000).exists()
    run = ImportRun.objects.get()
    assert (run.source, run.created, run.rejected) == ("cat.csv.gz", 1, 1)
    # the same token can't be replayed
    r = staff.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
    assert "That preview has expired" in r.content.decode()
    assert ImportRun.objects.count() == 1


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 30, "a" * 500])
def test_forged_tokens_import_nothing(staff: Client, token: str):
    r = staff.post(IMPORT_URL, {"confirm": "1", "token": token}, follow=True)
    assert r.status_code == 200 and "That preview has expired" in r.content.decode()
    assert ImportRun.objects.count() == 0


def test_fatal_file_errors_show_on_the_form(staff: Client):
    r = upload(staff, b"id,name\n1,x\n")
    assert r.status_code == 400
    assert "missing required column(s): gender" in r.content.decode()
    r = upload(staff, b"whatever", name="catalog.xlsx")
    assert r.status_code == 400 and "Upload a .csv or .csv.gz file." in r.content.decode()
    r = staff.post(IMPORT_URL, {})
    assert r.status_code == 400
    assert Product.objects.count() == 0


def test_product_changelist_and_change_form_render(staff: Client, small_catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        r = staff.get("/admin/shop/product/?q=nike")
    assert r.status_code == 200 and "Nike Men Blue Tee" in r.content.decode()
    assert "Import CSV" in r.content.decode()
    pk = small_catalogue["blue_tee"].pk
    assert staff.get(f"/admin/shop/product/{pk}/change/").status_code == 200
    for path in ["/admin/shop/order/", "/admin/shop/importrun/", "/admin/shop/brand/", "/admin/shop/articletype/"]:
        assert staff.get(path).status_code == 200


def test_publish_and_hide_actions(staff: Client, small_catalogue, hook_calls, django_capture_on_commit_callbacks):
    ids = [small_catalogue["blue_tee"].pk, small_catalogue["cap"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post("/admin/shop/product/", {"action": "hide", "_selected_action": ids}, follow=True)
    assert "Hid 2 product(s)." in r.content.decode()
    assert set(Product.objects.filter(is_published=False).values_list("catalog_id", flat=True)) == {101, 105}
    assert hook_calls == [[101, 105]]
    r = staff.post("/admin/shop/product/", {"action": "publish", "_selected_action": ids}, follow=True)
    assert "Published 2 product(s)." in r.content.decode()
    assert not Product.objects.filter(is_published=False).exclude(catalog_id=106).exists()


def test_negative_stock_in_the_variant_inline_is_a_form_error(staff: Client, small_catalogue):
    p = small_catalogue["cap"]
    v = p.variants.get()
    data = {
        "catalog_id": p.catalog_id, "name": p.name, "brand": p.brand_id, "is_published": "on", "gender": p.gender,
        "article_type": p.article_type_id, "colour": p.colour_id, "season": p.season, "year": p.year,
        "usage": p.usage, "price": "9.00", "currency": "USD",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000", "variants-0-id": v.pk, "variants-0-product": p.pk,
        "variants-0-size": "ONE SIZE", "variants-0-position": "0", "variants-0-stock": "-5",
    }
    r = staff.post(f"/admin/shop/product/{p.pk}/change/", data)
    assert r.status_code == 200  # the form again, with the error
    assert "Stock cannot be negative." in r.content.decode()  # in words, not the constraint's name
    assert Variant.objects.get(pk=v.pk).stock == 7
    data["variants-0-stock"] = "12"
    data["price"] = "-3"
    r = staff.post(f"/admin/shop/product/{p.pk}/change/", data)
    assert r.status_code == 200
    assert Product.objects.get(pk=p.pk).price == Decimal("9.00")
    data["price"] = "11.50"
    r = staff.post(f"/admin/shop/product/{p.pk}/change/", data)
    assert r.status_code == 302
    assert (Product.objects.get(pk=p.pk).price, Variant.objects.get(pk=v.pk).stock) == (Decimal("11.50"), 12)


def _order(small_catalogue) -> Order:
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=2)
    return order_place(session=session, full_name="A B", email="a@b.co", address="1 Long Road")


def test_order_status_actions_allow_only_valid_transitions(staff: Client, small_catalogue):
    order = _order(small_catalogue)
    r = staff.post("/admin/shop/order/", {"action": "mark_shipped", "_selected_action": [order.pk]}, follow=True)
    assert "can&#x27;t become shipped" in r.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT
    r = staff.post("/admin/shop/order/", {"action": "mark_paid", "_selected_action": [order.pk]}, follow=True)
    assert f"Marked paid: {order.number}." in r.content.decode()
    staff.post("/admin/shop/order/", {"action": "mark_cancelled", "_selected_action": [order.pk]})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert Variant.objects.get(product=small_catalogue["cap"]).stock == 7
    assert staff.get(f"/admin/shop/order/{order.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("/admin/shop/order/", {"action": "mark_paid", "_selected_action": ["abc"]}, "That selection isn&#x27;t valid"),
        ("/admin/shop/product/", {"action": "hide", "_selected_action": ["1; drop table"]}, "That selection isn&#x27;t valid"),
        # str.isdigit() says yes to superscripts, which int() and the ORM refuse
        ("/admin/shop/product/", {"action": "hide", "_selected_action": ["²"]}, "That selection isn&#x27;t valid"),
        ("/admin/shop/product/", {"action": "hide", "index": "0"}, "Items must be selected"),
        ("/admin/shop/order/", {"action": "nope", "_selected_action": ["1"]}, "No action selected"),
    ],
)
def test_bad_admin_action_input_is_a_message_not_a_500(staff: Client, small_catalogue, url, data, message):
    r = staff.post(url, data, follow=True)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Product.objects.filter(is_published=False).exclude(catalog_id=106).exists()


def test_list_editable_price_rejects_negative_and_saves_valid(staff: Client, small_catalogue):
    p = small_catalogue["cap"]
    base = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(p.pk), "_save": "Save"}
    r = staff.post("/admin/shop/product/?q=cap", {**base, "form-0-price": "-1.00"})
    assert r.status_code == 200  # the changelist again, with the error
    assert Product.objects.get(pk=p.pk).price == Decimal("9.00")
    r = staff.post("/admin/shop/product/?q=cap", {**base, "form-0-price": "abc"})
    assert r.status_code == 200 and Product.objects.get(pk=p.pk).price == Decimal("9.00")
    r = staff.post("/admin/shop/product/?q=cap", {**base, "form-0-price": "7.25"})
    assert r.status_code == 302
    assert Product.objects.get(pk=p.pk).price == Decimal("7.25")
