"""Cart rules, through the services and through the no-JS forms."""
from __future__ import annotations

import pytest
from django.test import Client

from shop.services import CartError, cart_add, cart_get, cart_remove, cart_update

pytestmark = pytest.mark.django_db


def test_add_in_a_size_and_read_back(small_catalogue):
    session: dict = {}
    line = cart_add(session=session, product=small_catalogue["blue_tee"], size="L", quantity=2)
    assert line.quantity == 2
    assert session["cart"] == {str(line.variant.pk): {"quantity": 2}}
    cart = cart_get(session=session)
    assert [(line.product.catalog_id, line.variant.size, line.quantity) for line in cart.lines] == [(101, "L", 2)]
    assert str(cart.total) == "39.98"


def test_adding_again_accumulates_and_respects_stock(small_catalogue):
    session: dict = {}
    cart_add(session=session, product=small_catalogue["blue_tee"], size="L", quantity=3)
    with pytest.raises(CartError, match="Only 5 left of Nike Men Blue Tee in size L."):
        cart_add(session=session, product=small_catalogue["blue_tee"], size="L", quantity=3)
    assert list(session["cart"].values()) == [{"quantity": 3}]


@pytest.mark.parametrize(
    "size, quantity, message",
    [
        ("", 1, "Please choose a size."),
        (None, 1, "Please choose a size."),
        ("XXXL", 1, "does not come in size “XXXL”."),
        ("M", 1, "Nike Men Blue Tee is out of stock in size M."),
        ("L", 10**12, "You can order at most 10 of one item."),
        ("L", -3, "Quantity must be at least 1."),
        ("L", 0, "Quantity must be at least 1."),
        ("L", "abc", "Quantity must be a whole number."),
        ("L", "1.5", "Quantity must be a whole number."),
        ("L", 1.5, "Quantity must be a whole number."),
        ("L", "9" * 40, "You can order at most 10 of one item."),
        ("L", "9x" * 20, "Quantity must be a whole number."),
        ("L", "²" * 13, "Quantity must be a whole number."),
        ("L", None, "Quantity must be a whole number."),
        ("L", True, "Quantity must be a whole number."),
    ],
)
def test_bad_adds_are_refused_with_a_clear_message_and_change_nothing(small_catalogue, size, quantity, message):
    session: dict = {}
    with pytest.raises(CartError) as exc:
        cart_add(session=session, product=small_catalogue["blue_tee"], size=size, quantity=quantity)
    assert message in exc.value.message
    assert session.get("cart", {}) == {}


def test_one_size_products_need_no_size(small_catalogue):
    session: dict = {}
    line = cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)
    assert line.variant.size == "ONE SIZE"


def test_line_quantity_is_capped_across_adds(small_catalogue, settings):
    settings.SHOP_MAX_LINE_QUANTITY = 3
    session: dict = {}
    cart_add(session=session, product=small_catalogue["cap"], size="", quantity=3)
    with pytest.raises(CartError, match="at most 3"):
        cart_add(session=session, product=small_catalogue["cap"], size="", quantity=1)


def test_unpublished_product_cannot_be_added(small_catalogue):
    p = small_catalogue["cap"]
    p.is_published = False
    p.save()
    with pytest.raises(CartError, match="not available"):
        cart_add(session={}, product=p, size="", quantity=1)


def test_update_and_remove(small_catalogue):
    session: dict = {}
    line = cart_add(session=session, product=small_catalogue["blue_tee"], size="L", quantity=1)
    vid = line.variant.pk
    assert cart_update(session=session, variant_id=str(vid), quantity="4").quantity == 4
    with pytest.raises(CartError, match="Only 5 left"):
        cart_update(session=session, variant_id=vid, quantity=6)
    with pytest.raises(CartError, match="cannot be negative"):
        cart_update(session=session, variant_id=vid, quantity=-3)
    assert session["cart"][str(vid)] == {"quantity": 4}
    assert cart_update(session=session, variant_id=vid, quantity=0) is None
    assert session["cart"] == {}
    with pytest.raises(CartError, match="not in your cart"):
        cart_remove(session=session, variant_id=vid)


@pytest.mark.parametrize("variant_id", ["999999", "abc", "-1", "", "1e5", "9" * 40])
def test_unknown_variant_ids_are_refused(small_catalogue, variant_id):
    session: dict = {}
    with pytest.raises(CartError, match="not in your cart"):
        cart_update(session=session, variant_id=variant_id, quantity=1)
    with pytest.raises(CartError, match="not in your cart"):
        cart_remove(session=session, variant_id=variant_id)


def test_corrupt_session_cart_is_ignored(small_catalogue):
    session = {"cart": {"abc": {"quantity": 2}, "1": "x", "2": {"quantity": "NaN"}, "999": {"quantity": 1}}}
    assert cart_get(session=session).lines == []
    assert session["cart"] == {}


# --- through the forms (no JavaScript) -------------------------------------------------------------


def test_add_to_cart_form_requires_a_size(client: Client, small_catalogue):
    r = client.post("/products/101/add-to-cart/", {"quantity": "1"}, follow=True)
    assert r.status_code == 200
    assert "Please choose a size." in r.content.decode()
    assert client.session.get("cart", {}) == {}


def test_add_update_remove_through_the_forms(client: Client, small_catalogue):
    r = client.post("/products/101/add-to-cart/", {"size": "L", "quantity": "2"}, follow=True)
    assert r.redirect_chain[-1][0] == "/cart/"
    assert "Added Nike Men Blue Tee (size L) to your cart." in r.content.decode()
    vid = small_catalogue["blue_tee"].variants.get(size="L").pk
    client.post("/cart/update/", {"variant_id": vid, "quantity": "3"})
    assert client.session["cart"] == {str(vid): {"quantity": 3}}
    r = client.post("/cart/update/", {"variant_id": vid, "quantity": str(10**12)}, follow=True)
    assert "at most 10" in r.content.decode()
    assert client.session["cart"] == {str(vid): {"quantity": 3}}
    client.post("/cart/update/", {"variant_id": vid, "remove": "1"})
    assert client.session["cart"] == {}


@pytest.mark.parametrize("data", [{}, {"variant_id": "x" * 100}, {"variant_id": "1", "quantity": "-3"}])
def test_bad_cart_form_posts_never_500(client: Client, small_catalogue, data):
    r = client.post("/cart/update/", data, follow=True)
    assert r.status_code == 200


def test_add_to_cart_for_unknown_product_is_404_and_get_is_405(client: Client, small_catalogue):
    assert client.post("/products/999/add-to-cart/", {"size": "L"}).status_code == 404
    assert client.get("/products/101/add-to-cart/").status_code == 405


def test_next_parameter_cannot_redirect_off_site(client: Client, small_catalogue):
    r = client.post("/products/105/add-to-cart/", {"quantity": "1", "next": "https://evil.example/"})
    assert r["Location"] == "/cart/"
