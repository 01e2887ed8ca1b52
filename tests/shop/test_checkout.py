"""Checkout: one transaction, exact totals, stock taken with a compare-and-swap, never oversold."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from shop.models import Order, OrderLine, OrderStatus, Variant
from shop.services import OrderError, cart_add, order_place, order_set_status
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db
BUYER = {"full_name": "Ada Lovelace", "email": "ada@example.com", "address": "12 Analytical St, London"}
CHECKOUT_FORM = {"full_name": "Ada Lovelace", "email": "ada@example.com", "address_line1": "12 Analytical St",
                 "address_line2": "Flat 3", "city": "London", "postcode": "NW1 2AB", "country": "United Kingdom"}


def test_order_is_placed_with_exact_totals_and_stock_taken(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["blue_tee"], size="L", quantity=3)   # 3 x 19.99
    cart_add(session=session, product=small_catalogue["shoes"], size="43", quantity=2)     # 2 x 89.95
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)         # 1 x 9.00
    order = order_place(session=session, user=None, **BUYER)
    assert order.total == Decimal("248.87")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.number.startswith("TS-") and len(order.number) == 15
    assert [(line.product_name, line.size, line.unit_price, line.quantity, line.line_total) for line in order.lines.order_by("variant_id")] == [
        ("Nike Men Blue Tee", "L", Decimal("19.99"), 3, Decimal("59.97")),
        ("Puma Men Black Running Shoes", "43", Decimal("89.95"), 2, Decimal("179.90")),
        ("Nike Unisex Blue Cap", "ONE SIZE", Decimal("9.00"), 1, Decimal("9.00")),
    ]
    assert Variant.objects.get(product__catalog_id=101, size="L").stock == 2
    assert Variant.objects.get(product__catalog_id=104, size="43").stock == 0
    assert session["cart"] == {}
    assert session["orders"] == [order.number]


def test_price_is_snapshotted(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=2)
    order = order_place(session=session, **BUYER)
    small_catalogue["cap"].price = Decimal("99.00")
    small_catalogue["cap"].save()
    assert OrderLine.objects.get(order=order).unit_price == Decimal("9.00")


def test_empty_cart_cannot_check_out(small_catalogue):
    with pytest.raises(OrderError, match="empty"):
        order_place(session={}, **BUYER)
    assert Order.objects.count() == 0


def test_stock_gone_since_adding_rolls_everything_back(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["blue_tee"], size="L", quantity=1)
    cart_add(session=session, product=small_catalogue["shoes"], size="43", quantity=2)
    Variant.objects.filter(product__catalog_id=104, size="43").update(stock=1)  # someone else bought one
    cart_before = dict(session["cart"])
    with pytest.raises(OrderError, match="Only 1 left of Puma Men Black Running Shoes in size 43"):
        order_place(session=session, **BUYER)
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0
    assert Variant.objects.get(product__catalog_id=101, size="L").stock == 5  # the first line's decrement rolled back
    assert session["cart"] == cart_before


def test_product_hidden_since_adding_is_refused(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)
    small_catalogue["cap"].is_published = False
    small_catalogue["cap"].save()
    with pytest.raises(OrderError, match="no longer available"):
        order_place(session=session, **BUYER)
    assert Order.objects.count() == 0


def test_tampered_session_quantity_is_refused(small_catalogue):
    vid = small_catalogue["cap"].variants.get().pk
    with pytest.raises(OrderError, match="between 1 and 10"):
        order_place(session={"cart": {str(vid): {"quantity": 10**12}}}, **BUYER)
    assert Variant.objects.get(pk=vid).stock == 7


def test_logged_in_order_belongs_to_the_user(small_catalogue):
    user = UserFactory()
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)
    assert order_place(session=session, user=user, **BUYER).user == user


# --- checkout and confirmation pages ----------------------------------------------------------------


def test_checkout_flow_through_the_pages(client: Client, small_catalogue):
    client.post("/products/105/add-to-cart/", {"quantity": "2"})
    assert client.get("/checkout/").status_code == 200
    r = client.post("/checkout/", CHECKOUT_FORM)
    order = Order.objects.get()
    assert (order.address_line1, order.address_line2, order.city, order.postcode, order.country) == (
        "12 Analytical St", "Flat 3", "London", "NW1 2AB", "United Kingdom")
    assert order.address == "12 Analytical St\nFlat 3\nNW1 2AB London\nUnited Kingdom"
    assert r["Location"] == f"/orders/{order.number}/"
    page = client.get(r["Location"])
    assert page.status_code == 200
    assert order.number in page.content.decode() and "USD 18.00" in page.content.decode()


def test_checkout_form_errors_are_shown_and_nothing_is_written(client: Client, small_catalogue):
    client.post("/products/105/add-to-cart/", {"quantity": "1"})
    r = client.post("/checkout/", {"full_name": "  ", "email": "not-an-email", "address_line1": "x", "city": " "})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Enter a valid email address." in body
    assert set(r.context["form"].errors) == {"full_name", "email", "city", "postcode", "country"}
    assert Order.objects.count() == 0


def test_checkout_with_empty_cart_redirects_to_cart(client: Client, small_catalogue):
    assert client.get("/checkout/")["Location"] == "/cart/"


def test_order_page_is_visible_only_to_whoever_placed_it(client: Client, small_catalogue):
    client.post("/products/105/add-to-cart/", {"quantity": "1"})
    number = client.post("/checkout/", CHECKOUT_FORM)["Location"].split("/")[2]
    assert client.get(f"/orders/{number}/").status_code == 200
    assert Client().get(f"/orders/{number}/").status_code == 404  # another session
    other = Client()
    other.force_login(UserFactory())
    assert other.get(f"/orders/{number}/").status_code == 404
    assert client.get("/orders/TS-000000-XXXXX/").status_code == 404
    assert client.get("/orders/" + "x" * 500 + "/").status_code == 404
    assert client.get("/orders/TS%00x/").status_code == 404  # NUL: PostgreSQL would refuse the query


def test_logged_in_owner_sees_order_from_another_session(small_catalogue):
    user = UserFactory()
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)
    order = order_place(session=session, user=user, **BUYER)
    c = Client()
    c.force_login(user)
    assert c.get(f"/orders/{order.number}/").status_code == 200


# --- status transitions --------------------------------------------------------------------------


def test_status_transitions_and_cancel_returns_stock(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=2)
    order = order_place(session=session, **BUYER)
    assert Variant.objects.get(product__catalog_id=105).stock == 5
    with pytest.raises(OrderError, match="can't become shipped"):
        order_set_status(order=order, status=OrderStatus.SHIPPED)
    assert order_set_status(order=order, status=OrderStatus.PAID).status == OrderStatus.PAID
    assert order_set_status(order=order, status=OrderStatus.CANCELLED).status == OrderStatus.CANCELLED
    assert Variant.objects.get(product__catalog_id=105).stock == 7
    with pytest.raises(OrderError):
        order_set_status(order=order, status=OrderStatus.PAID)
    with pytest.raises(OrderError, match="Unknown status"):
        order_set_status(order=order, status="teleported")


# --- concurrency (PostgreSQL: real row locks and parallel transactions) ------------------------------


def _race(n: int, buy) -> list[str]:
    barrier = threading.Barrier(n)
    results: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(buy())
        except Exception as exc:  # noqa: BLE001
            results.append(f"error: {exc}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_guard_two_buyers_both_get_the_last_item():
    """The naive read-check-write that order_place must not be: both buyers see stock 1 and both 'win'."""
    from django.db import transaction

    variant = VariantFactory(product=ProductFactory(), size="M", stock=1)
    both_read = threading.Barrier(2)

    def naive_buy() -> str:
        with transaction.atomic():
            v = Variant.objects.get(pk=variant.pk)  # no lock
            both_read.wait()
            if v.stock < 1:
                return "refused"
            v.stock -= 1
            v.save(update_fields=["stock"])  # writes 0 twice: one unit sold twice
            return "sold"

    assert sorted(_race(2, naive_buy)) == ["sold", "sold"]
    assert Variant.objects.get(pk=variant.pk).stock == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_buyers_for_the_last_item_get_exactly_one_order():
    variant = VariantFactory(product=ProductFactory(price=Decimal("10.00")), size="M", stock=1)

    def buy() -> str:
        session = {"cart": {str(variant.pk): {"quantity": 1}}}
        try:
            return order_place(session=session, **BUYER).number
        except OrderError as exc:
            return f"refused: {exc.message}"

    results = _race(2, buy)
    assert sum(r.startswith("TS-") for r in results) == 1, results
    assert sum(r.startswith("refused: Only 0 left") for r in results) == 1, results
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_buyers_never_oversell():
    variant = VariantFactory(product=ProductFactory(price=Decimal("5.00")), size="M", stock=3)

    def buy() -> str:
        try:
            return order_place(session={"cart": {str(variant.pk): {"quantity": 1}}}, **BUYER).number
        except OrderError:
            return "refused"

    results = _race(8, buy)
    assert sum(r.startswith("TS-") for r in results) == 3, results
    assert results.count("refused") == 5
    assert Variant.objects.get(pk=variant.pk).stock == 0


def test_the_checkout_form_asks_for_the_address_field_by_field(client: Client, small_catalogue):
    client.post("/products/105/add-to-cart/", {"quantity": "1"})
    body = client.get("/checkout/").content.decode()
    for name, autocomplete in (("address_line1", "address-line1"), ("address_line2", "address-line2"),
                               ("city", "address-level2"), ("postcode", "postal-code"), ("country", "country-name")):
        assert f'name="{name}"' in body and f'autocomplete="{autocomplete}"' in body


def test_an_order_without_any_address_is_refused(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)
    with pytest.raises(OrderError, match="A delivery address is needed."):
        order_place(session=session, full_name="A", email="a@b.co", address="  ")
    assert Order.objects.count() == 0
