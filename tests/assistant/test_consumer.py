"""The websocket protocol: every message type, bad frames, actions, twin revocation."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from channels.auth import AuthMiddlewareStack
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from tests.assistant.wsclient import WebsocketClient
from django.contrib.sessions.backends.db import SessionStore

from assistant.routing import websocket_urlpatterns
from assistant.services import DISCLOSURE

pytestmark = [pytest.mark.django_db(transaction=True)]


def app():  # type: ignore[no-untyped-def]
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


async def connect(origin: bytes = b"http://testserver", cookie: str | None = None):  # type: ignore[no-untyped-def]
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    comm = WebsocketClient(app(), "/ws/assistant/", headers=headers)
    connected, _ = await comm.connect()
    return comm, connected


async def until(comm, kind: str, timeout: float = 20):  # type: ignore[no-untyped-def]
    """Frames up to and including the first of `kind`; returns (that frame, the frames before it)."""
    seen = []
    while True:
        msg = await comm.receive_json_from(timeout=timeout)
        if msg["type"] == kind or msg["type"] == "error":
            return msg, seen
        seen.append(msg)


async def test_hello_discloses_ai_and_a_message_streams_then_replies(catalogue):  # type: ignore[no-untyped-def]
    comm, connected = await connect()
    assert connected
    hello = await comm.receive_json_from(timeout=10)
    assert hello["type"] == "hello" and hello["disclosure"] == DISCLOSURE and "AI" in hello["disclosure"]

    await comm.send_json_to({"type": "message", "text": "blue sneakers for men under $40"})
    reply, before = await until(comm, "reply")
    assert reply["type"] == "reply"
    assert before and all(m["type"] == "delta" for m in before)
    assert "".join(m["text"] for m in before).strip() == reply["text"]
    assert [p["name"] for p in reply["products"]] == ["Puma Men Blue Canvas Sneakers"]
    card = reply["products"][0]
    assert set(card) >= {"id", "name", "price", "currency", "url", "image", "twin_image", "twin"}
    assert card["price"] == "34.99" and card["currency"] == "USD" and card["url"] == f"/products/{card['id']}/"
    assert reply["filters"]["max_price"] == "40.00"
    await comm.disconnect()


@pytest.mark.parametrize("frame, code", [
    ("{not json", "bad_json"),
    ("[1, 2]", "bad_message"),
    (json.dumps({"type": "shout"}), "unknown_type"),
    (json.dumps({"no": "type"}), "unknown_type"),
    (json.dumps({"type": "message", "text": 42}), "bad_message"),
    (json.dumps({"type": "message", "text": "   "}), "empty_message"),
    (json.dumps({"type": "action", "action": "launch"}), "unknown_action"),
    (json.dumps({"type": "message", "text": "x" * 9000}), "too_large"),
])
async def test_bad_frames_get_an_error_and_the_connection_survives(catalogue, frame, code):  # type: ignore[no-untyped-def]
    comm, connected = await connect()
    assert connected
    await comm.receive_json_from(timeout=10)
    await comm.send_to(text_data=frame)
    err = await comm.receive_json_from(timeout=10)
    assert err["type"] == "error" and err["code"] == code and err["message"]
    await comm.send_json_to({"type": "message", "text": "men's watches"})
    reply, _ = await until(comm, "reply")
    assert reply["type"] == "reply" and len(reply["products"]) == 3
    await comm.disconnect()


async def test_binary_frames_are_refused_politely(catalogue):  # type: ignore[no-untyped-def]
    comm, _ = await connect()
    await comm.receive_json_from(timeout=10)
    await comm.send_to(bytes_data=b"\x00\x01")
    err = await comm.receive_json_from(timeout=10)
    assert (err["type"], err["code"]) == ("error", "unsupported_frame")
    await comm.disconnect()


async def test_a_foreign_origin_is_rejected(catalogue, settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver"]
    comm, connected = await connect(origin=b"http://evil.example")
    assert not connected


async def test_add_to_cart_needs_a_size_then_fills_the_shared_session_cart(catalogue):  # type: ignore[no-untyped-def]
    from channels.db import database_sync_to_async

    session = SessionStore()
    await database_sync_to_async(session.save)()
    comm, _ = await connect(cookie=f"sessionid={session.session_key}")
    await comm.receive_json_from(timeout=10)
    await comm.send_json_to({"type": "message", "text": "women's dresses"})
    reply, _ = await until(comm, "reply")
    dress = next(p for p in reply["products"] if p["name"] == "Biba Women Maroon Dress")

    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": dress["id"]})
    err = await comm.receive_json_from(timeout=10)
    assert err["type"] == "error" and err["code"] == "size_required" and "S, M, L" in err["message"]
    stored = await database_sync_to_async(lambda: SessionStore(session_key=session.session_key).load())()
    assert not stored.get("cart")

    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": dress["id"], "size": "M"})
    done, _ = await until(comm, "reply")
    assert done["text"] == "Added Biba Women Maroon Dress (size M) to your cart."
    assert done["cart"] == {"count": 1}
    stored = await database_sync_to_async(lambda: SessionStore(session_key=session.session_key).load())()
    assert len(stored["cart"]) == 1 and list(stored["cart"].values())[0]["quantity"] == 1

    await comm.send_json_to({"type": "action", "action": "add_to_cart", "product_id": dress["id"], "size": "XXL"})
    err = await comm.receive_json_from(timeout=10)
    assert err["type"] == "error" and err["code"] == "cart"
    await comm.disconnect()


async def test_more_like_this_compare_show_on_twin_and_remove_filter(catalogue):  # type: ignore[no-untyped-def]
    comm, _ = await connect()
    await comm.receive_json_from(timeout=10)
    await comm.send_json_to({"type": "message", "text": "men's shirts under $45"})
    reply, _ = await until(comm, "reply")
    ids = [p["id"] for p in reply["products"]]
    assert len(ids) == 4

    await comm.send_json_to({"type": "action", "action": "more_like_this", "product_id": ids[0]})
    more, _ = await until(comm, "reply")
    assert ids[0] not in [p["id"] for p in more["products"]]
    assert all(float(p["price"]) <= 45 for p in more["products"])

    await comm.send_json_to({"type": "action", "action": "compare", "product_ids": ids[:2]})
    cmp, _ = await until(comm, "reply")
    assert [p["id"] for p in cmp["products"]] == ids[:2] and "cheaper" in cmp["text"]

    await comm.send_json_to({"type": "action", "action": "compare", "product_ids": ids[:1]})
    err = await comm.receive_json_from(timeout=10)
    assert err["code"] == "bad_action"

    await comm.send_json_to({"type": "action", "action": "show_on_twin", "product_id": ids[0], "twin_id": None})
    shown, _ = await until(comm, "reply")
    assert [p["id"] for p in shown["products"]] == [ids[0]]

    assert {"field": "max_price", "values": [], "label": "Up to $45.00"} in reply["chips"]
    await comm.send_json_to({"type": "action", "action": "remove_filter", "field": "max_price", "value": None})
    relaxed, _ = await until(comm, "reply")
    assert relaxed["filters"]["max_price"] is None and len(relaxed["products"]) == 4
    assert [c["label"] for c in relaxed["chips"]] == ["For: Men", "Type: Shirts"]

    await comm.send_json_to({"type": "action", "action": "more_like_this", "product_id": "nope"})
    err = await comm.receive_json_from(timeout=10)
    assert err["code"] == "bad_product"
    await comm.disconnect()


@dataclass(frozen=True)
class FakeTwinImage:
    url: str
    twin_id: int
    twin_name: str
    label: str


async def test_a_revoked_twin_is_dropped_from_open_chats(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    from assistant import selectors

    def twin_image_for(*, product, request_or_session_key, channel, twin_id=None, prefer=None, size="card"):  # type: ignore[no-untyped-def]
        assert channel == "assistant"
        return FakeTwinImage(url=f"/showcase/t{product.catalog_id}.png", twin_id=7, twin_name="Ada",
                             label="AI twin of Ada · licensed")

    monkeypatch.setattr(selectors, "_twin_selector", lambda: twin_image_for)
    comm, _ = await connect()
    await comm.receive_json_from(timeout=10)
    await comm.send_json_to({"type": "message", "text": "men's watches"})
    reply, _ = await until(comm, "reply")
    assert reply["products"][0]["twin"] == {"id": 7, "name": "Ada", "label": "AI twin of Ada · licensed"}
    assert reply["products"][0]["twin_image"].startswith("/showcase/")

    await get_channel_layer().group_send("twin-7", {"type": "twin.revoked", "twin_id": 7})
    frame = await comm.receive_json_from(timeout=10)
    assert frame == {"type": "twin_revoked", "twin_id": 7}
    await comm.disconnect()
