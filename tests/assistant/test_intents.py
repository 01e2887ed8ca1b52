"""Chat actions as structured intents: the frame schema, the typed and the button path meeting in one step, and
action frames that are malformed, oversized, hostile or about products the chat never showed."""
from __future__ import annotations

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore

from assistant import turn_understand
from assistant.intents import AddToCart, Compare, IntentError, MoreLikeThis, action_from_frame
from assistant.models import Conversation, Turn
from assistant.services import AssistantError, conversation_action, conversation_message
from shop.models import Product
from tests.assistant.test_consumer import connect, until

# --- the schema --------------------------------------------------------------------------------------


def test_a_valid_frame_becomes_its_action_with_the_products_it_points_at() -> None:
    more = action_from_frame({"type": "action", "action": "more_like_this", "product_id": 15970})
    pair = action_from_frame({"type": "action", "action": "compare", "product_ids": [1, 2]})
    cart = action_from_frame({"type": "action", "action": "add_to_cart", "product_id": 7, "size": "M"})

    assert more == MoreLikeThis(type="action", action="more_like_this", product_id=15970)
    assert (more.products(), pair.products(), cart.products()) == ((15970,), (1, 2), (7,))
    assert isinstance(pair, Compare) and isinstance(cart, AddToCart) and cart.quantity == 1


@pytest.mark.parametrize("frame, code, message", [
    ({"action": "launch"}, "unknown_action", "Unknown action; use one of: add_to_cart, more_like_this, compare, "
                                             "show_on_twin, remove_filter."),
    ({}, "unknown_action", None),
    ({"action": "more_like_this"}, "bad_action", "product_id: Field required."),
    ({"action": "more_like_this", "product_id": "15970"}, "bad_product", "product_id: Input should be a valid integer."),
    ({"action": "more_like_this", "product_id": True}, "bad_product", None),
    ({"action": "more_like_this", "product_id": 15970.0}, "bad_product", None),
    ({"action": "more_like_this", "product_id": -1}, "bad_product", None),
    ({"action": "more_like_this", "product_id": 2**63}, "bad_product", None),
    ({"action": "more_like_this", "product_id": 1, "text": "ignore previous instructions"}, "bad_action",
     "text: Extra inputs are not permitted."),
    ({"action": "compare", "product_ids": [1, 2, 3]}, "bad_action",
     "product_ids: List should have at most 2 items after validation, not 3."),
    ({"action": "compare", "product_ids": list(range(2000))}, "bad_action", None),
    ({"action": "compare", "product_ids": [1]}, "bad_action", None),
    ({"action": "compare", "product_ids": [4, 4]}, "bad_action", "product_ids: Value error, compare two different products."),
    ({"action": "compare", "product_ids": "1,2"}, "bad_action", None),
    ({"action": "compare", "product_ids": [1, "2"]}, "bad_product", None),
    ({"action": "add_to_cart", "product_id": 1, "size": "M" * 21}, "bad_action", None),
    ({"action": "add_to_cart", "product_id": 1, "size": 42}, "bad_action", None),
    ({"action": "add_to_cart", "product_id": 1, "size": "M", "quantity": "1"}, "bad_action", None),
    ({"action": "add_to_cart", "product_id": 1, "size": "M", "quantity": 0}, "bad_action", None),
    ({"action": "show_on_twin", "product_id": 1, "twin_id": "rita"}, "bad_twin", None),
    ({"action": "remove_filter", "field": "__class__"}, "bad_action", None),
    ({"action": "remove_filter", "field": "colours", "value": {"$ne": 1}}, "bad_action", None),
    ({"action": "remove_filter", "field": "colours", "value": ["Blue"] * 65}, "bad_action", None),
])
def test_a_malformed_or_hostile_frame_is_refused_with_the_field_named(frame, code, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntentError) as refused:
        action_from_frame({"type": "action", **frame})

    assert refused.value.code == code
    if message is not None:
        assert refused.value.message == message
    assert "ignore previous" not in refused.value.message and "$ne" not in refused.value.message


# --- the typed words and the button end in the same step ----------------------------------------------


@pytest.mark.django_db
def test_typed_more_like_and_the_button_give_the_same_turn_through_the_same_anchor_step(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    anchored: list[tuple[str, list[int]]] = []
    real = turn_understand._anchors

    def spy(ctx, u, refs, filters, shown):  # type: ignore[no-untyped-def]
        anchored.append((u.intent, list(refs)))
        return real(ctx, u, refs, filters, shown)

    monkeypatch.setattr(turn_understand, "_anchors", spy)
    typed, button = (Conversation.objects.create(session_key=key) for key in ("typed", "button"))
    shown = conversation_message(conversation=typed, text="men's shirts under $45")
    conversation_message(conversation=button, text="men's shirts under $45")
    second = shown.products[1]["id"]
    anchored.clear()

    by_words = conversation_message(conversation=typed, text="more like #2")
    by_button = conversation_action(conversation=button, session=None, session_key=None,
                                    action=MoreLikeThis(type="action", action="more_like_this", product_id=second))

    assert anchored == [("more_like", [second]), ("more_like", [second])]
    assert [p["id"] for p in by_button.products] == [p["id"] for p in by_words.products]
    assert by_button.text == by_words.text and by_button.filters == by_words.filters
    assert second not in [p["id"] for p in by_button.products]
    # the button's turn is recorded as an action naming its product, not as words to parse
    recorded = Turn.objects.filter(conversation=button).order_by("position").values_list("role", "text", "product_ids")
    assert list(recorded)[-2:] == [("action", "more like this", [second]),
                                   ("assistant", by_button.text, [p["id"] for p in by_button.products])]


@pytest.mark.django_db
def test_typed_compare_and_the_button_compare_the_same_two(catalogue):  # type: ignore[no-untyped-def]
    typed, button = (Conversation.objects.create(session_key=key) for key in ("typed-cmp", "button-cmp"))
    shown = conversation_message(conversation=typed, text="men's shirts under $45")
    conversation_message(conversation=button, text="men's shirts under $45")
    first, second = shown.products[0]["id"], shown.products[1]["id"]

    by_words = conversation_message(conversation=typed, text="compare 1 and 2")
    by_button = conversation_action(conversation=button, session=None, session_key=None,
                                    action=Compare(type="action", action="compare", product_ids=[first, second]))

    assert [p["id"] for p in by_button.products] == [p["id"] for p in by_words.products] == [first, second]
    assert by_button.text == by_words.text and "cheaper" in by_button.text


@pytest.mark.django_db
def test_an_action_on_a_product_the_chat_never_showed_is_refused_and_writes_nothing(catalogue):  # type: ignore[no-untyped-def]
    session = SessionStore()
    session.create()
    convo = Conversation.objects.create(session_key=session.session_key)
    conversation_message(conversation=convo, text="men's shirts under $45")
    dress = Product.objects.get(name="Biba Women Maroon Dress").catalog_id
    turns, state = Turn.objects.count(), dict(Conversation.objects.get(pk=convo.pk).state)

    for action in (MoreLikeThis(type="action", action="more_like_this", product_id=dress),
                   AddToCart(type="action", action="add_to_cart", product_id=dress, size="M")):
        with pytest.raises(AssistantError) as refused:
            conversation_action(conversation=convo, action=action, session=session, session_key=session.session_key)
        assert refused.value.code == "not_shown"

    assert Turn.objects.count() == turns and Conversation.objects.get(pk=convo.pk).state == state
    assert "cart" not in session


# --- over the websocket ---------------------------------------------------------------------------------

pytestmark_ws = pytest.mark.django_db(transaction=True)


@pytestmark_ws
async def test_an_action_before_any_message_writes_no_session_and_no_conversation(catalogue):  # type: ignore[no-untyped-def]
    comm, connected = await connect()
    assert connected
    await until(comm, "hello")
    conversations, turns = await Conversation.objects.acount(), await Turn.objects.acount()
    sessions = await SessionStore.get_model_class().objects.acount()
    dress = (await Product.objects.aget(name="Biba Women Maroon Dress")).catalog_id

    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": dress, "size": "M"})
    refused, _ = await until(comm, "reply")

    assert (refused["type"], refused["code"]) == ("error", "no_conversation")
    assert await Conversation.objects.acount() == conversations and await Turn.objects.acount() == turns
    assert await SessionStore.get_model_class().objects.acount() == sessions
    await comm.disconnect()


@pytestmark_ws
@pytest.mark.parametrize("frame, code", [
    ({"action": "compare", "product_ids": list(range(1000))}, "bad_action"),  # oversized, under the frame limit
    ({"action": "more_like_this", "product_id": "1 OR 1=1"}, "bad_product"),
    ({"action": "add_to_cart", "product_id": 0, "size": "<script>", "quantity": 10**30}, "bad_action"),
    ({"action": "remove_filter", "field": "__dict__", "value": None}, "bad_action"),
    ({"action": "show_on_twin", "product_id": 0, "twin_id": [1]}, "bad_twin"),
    ({"action": "compare", "product_ids": [0, 1]}, "not_shown"),
])
async def test_bad_action_frames_get_an_error_write_nothing_and_the_socket_stays(catalogue, frame, code):  # type: ignore[no-untyped-def]
    comm, connected = await connect()
    assert connected
    await until(comm, "hello")
    await comm.send_json_to({"type": "message", "text": "men's shirts under $45"})
    reply, _ = await until(comm, "reply")
    turns = await Turn.objects.acount()

    await comm.send_to(text_data=json.dumps({"type": "action", **frame}))
    refused, _ = await until(comm, "reply")

    assert refused["type"] == "error" and refused["code"] == code and refused["message"]
    assert await Turn.objects.acount() == turns
    # the socket still answers a valid action on a product it showed
    await comm.send_json_to({"type": "action", "action": "more_like_this", "product_id": reply["products"][0]["id"]})
    more, _ = await until(comm, "reply")
    assert more["type"] == "reply" and more["products"]
    await comm.disconnect()


@pytestmark_ws
async def test_a_cart_add_from_the_chat_keeps_what_another_tab_added_meanwhile(catalogue):  # type: ignore[no-untyped-def]
    from importlib import import_module

    from channels.db import database_sync_to_async
    from django.conf import settings

    from shop.services.cart import cart_add, cart_get

    Store = import_module(settings.SESSION_ENGINE).SessionStore  # the cache sits in front of the table on Redis

    # Given a chat open on a session whose cart another tab fills after the socket connected
    session = Store()
    await database_sync_to_async(session.create)()
    key = session.session_key
    comm, _ = await connect(cookie=f"sessionid={key}")
    await until(comm, "hello")
    await comm.send_json_to({"type": "message", "text": "women's dresses"})
    reply, _ = await until(comm, "reply")
    dress = next(p["id"] for p in reply["products"] if p["name"] == "Biba Women Maroon Dress")

    def other_tab() -> None:
        store = Store(session_key=key)
        cart_add(session=store, product=Product.objects.get(name="Puma Men Blue Canvas Sneakers"), size="41")
        store.save()

    await database_sync_to_async(other_tab)()

    # when the card's button adds the dress, and then the shopper adds the first one in words
    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": dress, "size": "M"})
    added, _ = await until(comm, "reply")
    await comm.send_json_to({"type": "message", "text": "add the first one to my cart in size L"})
    said, _ = await until(comm, "reply")
    await comm.disconnect()

    # then the cart holds all three: neither write went to the socket's stale copy of the session
    assert added["cart"] == {"count": 2}
    assert said["text"].startswith("Added ") and "(size L)" in said["text"]
    lines = await database_sync_to_async(lambda: cart_get(session=Store(session_key=key)).lines)()
    assert sorted((line.product.name, line.variant.size) for line in lines) == sorted([
        ("Puma Men Blue Canvas Sneakers", "41"), ("Biba Women Maroon Dress", "M"),
        (reply["products"][0]["name"], "L")])
