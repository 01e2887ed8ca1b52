"""The admin a merchandiser works in: bounded queries, friendly constraint messages, the CSV format
and per-size stock, and the render-statistics page."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from licensing.services import ConsentDenied, Viewer, license_view
from shop.models import Colour, Order, OrderLine, Product, SubCategory, Variant
from tests.factories import (
    ColourFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    MasterCategoryFactory,
    ProductFactory,
    SubCategoryFactory,
    VariantFactory,
)
from tests.shop.conftest import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/shop/product/"
IMPORT_URL = "/admin/shop/product/import/"
STATS_URL = "/admin/render-statistics/"


def session_queries() -> int:
    """1 when sessions live in the database; 0 with Redis (cached_db sessions read from the cache)."""
    from django.conf import settings

    return 1 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db" else 0


def change_url(product: Product) -> str:
    return f"/admin/shop/product/{product.pk}/change/"


def products_with_sizes(n: int, sizes: int = 3, first_id: int = 20_000) -> list[Product]:
    out = []
    for i in range(n):
        p = ProductFactory(catalog_id=first_id + i, name=f"Nike Men Tee {i}")
        for pos in range(sizes):
            VariantFactory(product=p, size=f"S{pos}", position=pos, stock=2)
        out.append(p)
    return out


def form_data(product: Product, **over: str) -> dict[str, str]:
    variants = list(product.variants.order_by("position"))
    data = {
        "catalog_id": str(product.catalog_id), "name": product.name, "brand": str(product.brand_id),
        "is_published": "on", "gender": product.gender, "article_type": str(product.article_type_id),
        "colour": str(product.colour_id or ""), "season": product.season, "year": str(product.year or ""),
        "usage": product.usage, "price": str(product.price), "currency": product.currency,
        "variants-TOTAL_FORMS": str(len(variants)), "variants-INITIAL_FORMS": str(len(variants)),
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "1000",
    }
    for i, v in enumerate(variants):
        data.update({f"variants-{i}-id": str(v.pk), f"variants-{i}-product": str(product.pk),
                     f"variants-{i}-size": v.size, f"variants-{i}-position": str(v.position),
                     f"variants-{i}-stock": str(v.stock)})
    data.update(over)
    return data


# --- speed: queries do not grow with rows ---------------------------------------------------------


def test_changelist_queries_do_not_grow_with_the_page(admin_client: Client, django_assert_num_queries):
    # given 5 products, then 45
    products_with_sizes(5, sizes=1)
    admin_client.get(CHANGELIST)
    with django_assert_num_queries(6 + session_queries()) as small:  # (session), user, count, page, 3 filter lists
        r = admin_client.get(CHANGELIST)
    assert r.status_code == 200
    products_with_sizes(40, sizes=1, first_id=30_000)
    # when / then the same number of queries for a full page
    with django_assert_num_queries(len(small.captured_queries)):
        r = admin_client.get(CHANGELIST)
    assert len(r.context["cl"].result_list) == 45
    assert 'href="/static/admin-shop/changelist.css"' in r.content.decode()


def test_change_page_and_save_queries_do_not_grow_with_sizes(admin_client: Client, django_assert_num_queries):
    # given products with 1 and with 6 sizes
    one, six = products_with_sizes(1, sizes=1)[0], ProductFactory(catalog_id=40_000)
    for pos in range(6):
        VariantFactory(product=six, size=f"S{pos}", position=pos, stock=1)
    admin_client.get(change_url(one))
    with django_assert_num_queries(6 + session_queries()) as page_one:  # (session), user, product, sizes, 3 choices
        admin_client.get(change_url(one))
    # then opening the product with six sizes costs the same (no query per size row)
    with django_assert_num_queries(len(page_one.captured_queries)):
        assert admin_client.get(change_url(six)).status_code == 200
    # and saving: a fixed cost plus what Django's formset needs per size (a lookup and a stock check)
    with django_assert_num_queries(25 + session_queries()):
        r = admin_client.post(change_url(one), form_data(one, price="12.34"))
    assert r.status_code == 302
    assert Product.objects.get(pk=one.pk).price == Decimal("12.34")


# --- friendly validation ------------------------------------------------------------------------


def test_a_negative_price_is_a_form_error_next_to_the_price(admin_client: Client):
    # given a product
    product = products_with_sizes(1)[0]
    # when a merchandiser saves it with a negative price and a negative stock
    r = admin_client.post(change_url(product), form_data(product, price="-1.00", **{"variants-0-stock": "-2"}))
    # then the form says so next to each field, in words, and nothing is written
    assert r.status_code == 200
    assert r.context["adminform"].form.errors == {"price": ["The price cannot be negative."]}
    assert r.context["inline_admin_formsets"][0].formset.errors[0] == {"stock": ["Stock cannot be negative."]}
    body = r.content.decode()
    assert "is violated" not in body and "Constraint" not in body
    assert Product.objects.get(pk=product.pk).price == product.price
    assert Variant.objects.filter(product=product, stock=-2).count() == 0


def test_a_bad_colour_hex_is_a_form_error(admin_client: Client):
    colour = ColourFactory(name="Teal", hex="#1b7f7a")
    r = admin_client.post(f"/admin/shop/colour/{colour.pk}/change/", {"name": "Teal", "slug": "teal", "hex": "teal"})
    assert r.status_code == 200
    assert r.context["adminform"].form.errors == {"hex": ["Give the colour as # and six hex digits, e.g. #1c2a4a."]}
    assert Colour.objects.get(pk=colour.pk).hex == "#1b7f7a"


@pytest.mark.parametrize("model, build, message", [
    (Product, lambda: ProductFactory.build(price=Decimal("-1")), "The price cannot be negative."),
    (Product, lambda: ProductFactory.build(currency="usd"), "three-letter ISO code"),
    (Variant, lambda: VariantFactory.build(product=ProductFactory(), stock=-1), "Stock cannot be negative."),
])
def test_every_check_constraint_speaks_plainly(model, build, message):
    obj = build()
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    assert message in str(exc.value)
    assert "is violated" not in str(exc.value)


def test_constraints_without_a_field_check_carry_a_message_too():
    # every constraint on a shop model has a message of its own (the admin shows it as written)
    for model in (Product, Variant, Colour, SubCategory, Order, OrderLine):
        for constraint in model._meta.constraints:
            assert constraint.violation_error_message, f"{model.__name__}.{constraint.name} has no message"
            assert "violated" not in constraint.get_violation_error_message()


def test_duplicate_sub_category_is_a_plain_error():
    master = MasterCategoryFactory(name="Apparel")
    SubCategoryFactory(master=master, name="Topwear", slug="topwear")
    dup = SubCategory(master=master, name="Topwear", slug="topwear-2")
    with pytest.raises(ValidationError) as exc:
        dup.full_clean()
    assert "already has a sub category of that name" in str(exc.value)


# --- the CSV import -------------------------------------------------------------------------------


def upload(client: Client, data: bytes, name: str = "cat.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_import_page_shows_the_format_with_an_example(admin_client: Client):
    body = admin_client.get(IMPORT_URL).content.decode()
    assert '<table id="import-format">' in body
    assert "one count per size in the same order (5|7|3)" in body
    assert "S|M|L,5|7|3" in body
    for column in HEADER:
        assert f"<code>{column}</code>" in body


def test_per_size_stock_is_imported_size_by_size(admin_client: Client):
    # given a row with a count per size
    r = upload(admin_client, csv_bytes([row(id="7000", sizes="S|M|L", stock="5|7|3")]))
    # then the preview shows the whole row, sizes with their stock
    assert r.status_code == 200
    body = r.content.decode()
    assert "<td>7000</td><td>Peter England Men Blue Shirt</td><td>Peter England</td><td>Men</td>" in body
    assert "Apparel › Topwear › Shirts" in body and "49.99 USD" in body and "S: 5, M: 7, L: 3" in body
    # when confirmed
    admin_client.post(IMPORT_URL, {"confirm": "1", "token": r.context["token"]})
    # then each size has its own count
    product = Product.objects.get(catalog_id=7000)
    assert list(product.variants.values_list("size", "stock")) == [("S", 5), ("M", 7), ("L", 3)]


def test_per_size_stock_with_the_wrong_count_is_rejected_and_said_so(admin_client: Client):
    r = upload(admin_client, csv_bytes([row(id="7000", sizes="S|M|L", stock="5|7"),
                                        row(id="7001", sizes="S|M", stock="5|x")]))
    body = r.content.decode()
    assert "has 2 counts for 3 sizes (give one per size, or one total)" in body
    assert "not a whole number (or whole numbers separated by |)" in body
    assert "every row was rejected" in body and "every valid row matches" not in body
    assert not Product.objects.exists()


# --- render statistics ----------------------------------------------------------------------------


def test_render_statistics_count_views_billable_and_denied_per_twin_brand_and_day(admin_client: Client, client: Client):
    # given one twin with a grant: two views by one shopper (billable; the repeat inside the dedup window is
    # recorded by the same ledger row), one by staff (not billable), one refused (a channel not covered)
    grant = ConsentGrantFactory()
    product = ProductFactory(brand=grant.brand)
    shopper = Viewer(key="s:one", user_agent="Mozilla/5.0 Firefox/140.0")
    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")
    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")
    license_view(twin=grant.twin, product=product, viewer=Viewer(key="u:9", is_staff=True), channel="storefront")
    with pytest.raises(ConsentDenied):
        license_view(twin=grant.twin, product=product, viewer=shopper, channel="billboard")
    DigitalTwinFactory()  # a twin without views is not listed
    # when a merchandiser opens the page
    r = admin_client.get(STATS_URL)
    # then
    assert r.status_code == 200
    stats = r.context["stats"]
    assert (stats.total.views, stats.total.billable, stats.total.denied) == (2, 1, 1)
    assert [(x.label, x.views, x.billable, x.denied) for x in stats.by_twin] == [(grant.twin.name, 2, 1, 1)]
    assert [(x.label, x.views, x.billable, x.denied) for x in stats.by_brand] == [(grant.brand.name, 2, 1, 1)]
    assert len(stats.by_day) == 1 and len(stats.detail) == 1
    assert "<title>Render statistics" in r.content.decode()
    # and shoppers are sent to the login
    assert client.get(STATS_URL).status_code == 302


def test_render_statistics_ignore_a_bad_period(admin_client: Client):
    assert admin_client.get(STATS_URL, {"days": "x\x00"}).context["stats"].days == 30
    assert admin_client.get(STATS_URL, {"days": "7"}).context["stats"].days == 7
