"""The websocket protocol: every message type, bad frames, actions, twin revocation."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from django.contrib.sessions.backends.db import SessionStore

from assistant.models import Conversation
from assistant.routing import websocket_urlpatterns
from assistant.services import DISCLOSURE, TWIN_WITHDRAWN
from config.ws_origin import SameOriginValidator
from tests.assistant.wsclient import WebsocketClient

pytestmark = [pytest.mark.django_db(transaction=True)]


def app():  # type: ignore[no-untyped-def]
    return SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


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


async def test_hello_discloses_ai_and_a_message_gets_one_whole_reply(catalogue):  # type: ignore[no-untyped-def]
    comm, connected = await connect()
    assert connected
    hello = await comm.receive_json_from(timeout=10)
    assert hello["type"] == "hello" and hello["disclosure"] == DISCLOSURE and "AI" in hello["disclosure"]

    await comm.send_json_to({"type": "message", "text": "blue sneakers for men under $40"})
    reply, before = await until(comm, "reply")
    assert reply["type"] == "reply"
    # Without a chat model the grounded reply is complete at once: one frame, no deltas before it.
    assert before == [] and reply["text"].startswith("That is all 1 ")
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
    ("[" * 4000 + "]" * 4000, "too_deep"),  # issue 20: RecursionError in the parser killed the socket (1006)
    ('{"type": "message", "text": "a", "x": ' + "[" * 33 + "]" * 33 + "}", "too_deep"),
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


@pytest.mark.parametrize(("origin", "trusted", "accepted"), [
    (b"http://testserver", [], True),
    (b"http://testserver:9999", [], False),  # issue 20: another port of an allowed host was accepted
    (b"https://testserver", [], False),  # and another scheme
    (b"http://evil.example", [], False),
    (b"null", [], False),
    (b"https://shop.example", ["https://shop.example"], True),
    (b"https://a.shop.example", ["https://*.shop.example"], True),
    (b"http://a.shop.example", ["https://*.shop.example"], False),
    (b"https://shop.example:8443", ["https://shop.example"], False),
])
async def test_the_origin_must_match_scheme_host_and_port(catalogue, settings, origin, trusted, accepted):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver", "shop.example"]
    settings.CSRF_TRUSTED_ORIGINS = trusted
    comm, connected = await connect(origin=origin)
    assert connected is accepted
    if connected:
        await comm.disconnect()


async def test_a_secure_socket_accepts_only_its_https_origin(catalogue, settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver"]
    for origin, accepted in ((b"https://testserver", True), (b"http://testserver", False)):
        comm = WebsocketClient(app(), "/ws/assistant/", headers=[(b"origin", origin), (b"host", b"testserver")])
        comm.scope["scheme"] = "wss"
        connected, _ = await comm.connect()
        assert connected is accepted
        if connected:
            await comm.disconnect()


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

    minted_anonymous: set[bool] = set()

    def twin_image_for(*, product, session_key, channel, twin_id=None, prefer=None, size="card",  # type: ignore[no-untyped-def]
                       twins=None, anonymous=False):
        assert channel == "assistant"
        minted_anonymous.add(anonymous)
        return FakeTwinImage(url=f"/showcase/t{product.catalog_id}.png", twin_id=7, twin_name="Ada",
                             label="AI twin of Ada · licensed")

    monkeypatch.setattr(selectors, "twin_image_for", twin_image_for)
    comm, _ = await connect()
    await comm.receive_json_from(timeout=10)
    await comm.send_json_to({"type": "message", "text": "men's watches"})
    reply, _ = await until(comm, "reply")
    assert reply["products"][0]["twin"] == {"id": 7, "name": "Ada", "label": "AI twin of Ada · licensed"}
    assert reply["products"][0]["twin_image"].startswith("/showcase/")
    # nobody is logged in to this socket's session: its image URLs say so, and the gate needn't load the session
    assert minted_anonymous == {True}

    await get_channel_layer().group_send("twin-7", {"type": "twin.revoked", "twin_id": 7})
    frame = await comm.receive_json_from(timeout=10)
    # the frame says what the chat shows instead of a reply that named the model (issue 16)
    assert frame == {"type": "twin_revoked", "twin_id": 7, "text": TWIN_WITHDRAWN}
    assert "Ada" not in frame["text"]
    await comm.disconnect()


# --- hardening: connection flood, idle timeout, logout, shared limiter down ----------------------------


async def _close_code(comm, timeout: float = 5):  # type: ignore[no-untyped-def]
    """Frames until the server closes; returns (close code, error codes seen)."""
    errors = []
    while True:
        out = await comm.receive_output(timeout)
        if out["type"] == "websocket.close":
            return out.get("code"), errors
        frame = json.loads(out["text"])
        if frame["type"] == "error":
            errors.append(frame["code"])


async def test_a_flooding_connection_is_closed_with_4429(catalogue):  # type: ignore[no-untyped-def]
    from assistant.consumers import CLOSE_RATE_LIMITED, CONNECTION_POLICY

    comm, connected = await connect()
    assert connected
    await until(comm, "hello")
    # Unknown-type frames are answered without touching the database, so the only limit in play is the rate.
    for _ in range(CONNECTION_POLICY.burst + 1):
        await comm.send_json_to({"type": "nonsense"})

    code, errors = await _close_code(comm)

    assert code == CLOSE_RATE_LIMITED
    assert errors[-1] == "rate_limited"
    assert len(errors) == CONNECTION_POLICY.burst + 1


async def test_an_idle_socket_is_closed_with_4408(catalogue, settings):  # type: ignore[no-untyped-def]
    from assistant.consumers import CLOSE_IDLE

    settings.ASSISTANT_WS_IDLE_SECONDS = 0.3
    comm, connected = await connect()
    assert connected
    await until(comm, "hello")

    code, errors = await _close_code(comm, timeout=5)

    assert (code, errors) == (CLOSE_IDLE, ["idle_timeout"])


async def test_logging_out_closes_that_users_sockets_only(catalogue):  # type: ignore[no-untyped-def]
    from asgiref.sync import sync_to_async
    from django.contrib.auth import get_user_model
    from django.test import Client

    from assistant.consumers import CLOSE_LOGGED_OUT

    def logged_in_cookie(username: str):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.create_user(username=username, password="pass-word-123")
        client = Client()
        client.force_login(user)
        return client, f"sessionid={client.cookies['sessionid'].value}"

    alice, alice_cookie = await sync_to_async(logged_in_cookie)("alice")
    _, bob_cookie = await sync_to_async(logged_in_cookie)("bob")
    alice_ws, _ = await connect(cookie=alice_cookie)
    bob_ws, _ = await connect(cookie=bob_cookie)
    await until(alice_ws, "hello")
    await until(bob_ws, "hello")

    await sync_to_async(alice.post)("/accounts/logout/")

    code, errors = await _close_code(alice_ws)
    assert (code, errors) == (CLOSE_LOGGED_OUT, ["logged_out"])
    await bob_ws.send_json_to({"type": "nonsense"})
    still_open = await bob_ws.receive_json_from()
    assert still_open == {"type": "error", "code": "unknown_type",
                          "message": "Unknown message type; use \"message\" or \"action\"."}
    await bob_ws.disconnect()


async def test_a_shared_limiter_that_is_down_fails_closed_with_an_error(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    from assistant import consumers
    from assistant.models import Turn

    class DownLimiter:
        async def allow(self, key: str, *, cost: float = 1.0) -> bool:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(consumers, "limiter", lambda name, policy: DownLimiter())
    comm, connected = await connect()
    assert connected
    await until(comm, "hello")
    turns_before = await Turn.objects.acount()

    await comm.send_json_to({"type": "message", "text": "black watch"})
    code, errors = await _close_code(comm)

    assert (code, errors) == (consumers.CLOSE_UNAVAILABLE, ["unavailable"])
    assert await Turn.objects.acount() == turns_before


async def test_a_logged_in_chat_mints_image_urls_the_gate_checks_the_session_of(catalogue):  # type: ignore[no-untyped-def]
    from asgiref.sync import sync_to_async
    from django.contrib.auth import get_user_model
    from django.test import Client

    from licensing.showcase.tokens import token_read
    from shop.models import Brand
    from tests.factories import ConsentGrantFactory, DigitalTwinFactory, TwinPoseFactory

    def logged_in_cookie():  # type: ignore[no-untyped-def]
        twin = DigitalTwinFactory()
        TwinPoseFactory(twin=twin)
        ConsentGrantFactory(twin=twin, brand=Brand.objects.get(name="Biba"))
        client = Client()
        client.force_login(get_user_model().objects.create_user(username="carol", password="pass-word-123"))
        return client.cookies["sessionid"].value

    # given a shopper logged in, chatting
    session_key = await sync_to_async(logged_in_cookie)()
    comm, _ = await connect(cookie=f"sessionid={session_key}")
    await until(comm, "hello")

    # when a reply carries a twin image
    await comm.send_json_to({"type": "message", "text": "maroon dress for women"})
    reply, _ = await until(comm, "reply")
    await comm.disconnect()

    # then its URL is bound to the session and not flagged anonymous: the gate reads who is logged in
    urls = [p["twin_image"] for p in reply["products"] if p["twin_image"]]
    assert urls
    claim = token_read(urls[0].removeprefix("/showcase/").removesuffix(".png"), session_key=session_key)
    assert claim.anonymous is False and claim.channel == "assistant"


@pytest.mark.parametrize("value", [{}, {"a": 1}, [["x"]], [{}], 3.5])
async def test_remove_filter_with_a_value_of_the_wrong_shape_is_a_bad_action(catalogue, value):  # type: ignore[no-untyped-def]
    from assistant.models import Turn

    comm, connected = await connect()
    assert connected
    await until(comm, "hello")
    turns_before = await Turn.objects.acount()

    await comm.send_json_to({"type": "action", "action": "remove_filter", "field": "colours", "value": value})
    answer, _ = await until(comm, "reply")

    assert answer["type"] == "error" and answer["code"] == "bad_action"
    assert await Turn.objects.acount() == turns_before
    await comm.disconnect()


async def test_a_connection_writes_nothing_until_the_first_message(catalogue):  # type: ignore[no-untyped-def]
    # Every page with the widget opens a socket; most never send a frame. Given a first-time visitor,
    before = await database_sync_to_async(Conversation.objects.count)()
    comm, connected = await connect()
    hello = await comm.receive_json_from(timeout=10)
    # when the socket only says hello, no conversation row exists yet,
    assert connected and hello["conversation"] is None and hello["filters"] == {}
    assert await database_sync_to_async(Conversation.objects.count)() == before
    # and the first message creates exactly one, which later messages reuse.
    await comm.send_json_to({"type": "message", "text": "men's watches"})
    await until(comm, "reply")
    await comm.send_json_to({"type": "message", "text": "black ones"})
    await until(comm, "reply")
    assert await database_sync_to_async(Conversation.objects.count)() == before + 1
    await comm.disconnect()


# --- issue 20: nesting, per-address limits, sockets without a session ---------------------------------


async def test_a_deeply_nested_frame_never_skips_disconnect_cleanup(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    from assistant.consumers import AssistantConsumer

    left: list[int] = []
    original = AssistantConsumer.disconnect

    async def disconnect(self, code):  # type: ignore[no-untyped-def]
        left.append(code)
        await original(self, code)

    monkeypatch.setattr(AssistantConsumer, "disconnect", disconnect)
    comm, _ = await connect()
    await until(comm, "hello")
    nested_but_fine = {"type": "message", "text": "men's watches", "extra": json.loads("[" * 30 + "]" * 30)}

    await comm.send_to(text_data="{" * 2000 + "}" * 2000)
    err = await comm.receive_json_from(timeout=10)
    await comm.send_json_to(nested_but_fine)
    reply, _ = await until(comm, "reply")
    await comm.disconnect()

    assert (err["type"], err["code"]) == ("error", "too_deep")
    assert reply["type"] == "reply" and len(reply["products"]) == 3
    assert len(left) == 1


def test_the_nesting_scan_ignores_brackets_inside_strings():
    from assistant.consumers import json_too_deep

    assert not json_too_deep(json.dumps({"type": "message", "text": "[" * 5000}))
    assert not json_too_deep('{"text": "\\"' + "[" * 40 + '"}')
    assert json_too_deep("[" * 33 + "]" * 33) and not json_too_deep("[" * 32 + "]" * 32)


async def _session_cookie() -> str:
    session = SessionStore()
    await database_sync_to_async(session.save)()
    return f"sessionid={session.session_key}"


async def test_sessions_from_one_address_share_a_budget(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    """Issue 20: each new socket (or session) had a fresh per-session bucket; an address now has one too."""
    from assistant import consumers
    from assistant.ratelimit import BucketPolicy

    monkeypatch.setattr(consumers, "CLIENT_POLICY", BucketPolicy(rate_per_second=0.01, burst=3))
    sockets = [(await connect(cookie=await _session_cookie()))[0] for _ in range(4)]
    codes = []
    for comm in sockets:
        await until(comm, "hello")
        await comm.send_json_to({"type": "nonsense"})
        codes.append((await comm.receive_json_from(timeout=10))["code"])
        await comm.disconnect()

    assert codes == ["unknown_type", "unknown_type", "unknown_type", "rate_limited"]


async def test_sockets_without_a_session_write_rows_within_a_budget_per_address(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    """Issue 20: every cookieless (or made-up cookie) socket wrote a session and a conversation row."""
    from django.contrib.sessions.models import Session

    from assistant import consumers
    from assistant.ratelimit import BucketPolicy

    monkeypatch.setattr(consumers, "NEW_SESSION_POLICY", BucketPolicy(rate_per_second=0.01, burst=2))
    count = database_sync_to_async(lambda: (Session.objects.count(), Conversation.objects.count()))
    before = await count()
    made_up = "sessionid=madeupsessionkey0123456789abcd"
    answers = []
    for cookie in (None, None, None, made_up):
        comm, _ = await connect(cookie=cookie)
        await until(comm, "hello")
        await comm.send_json_to({"type": "message", "text": "men's watches"})
        answer, _ = await until(comm, "reply")
        answers.append(answer["type"] if answer["type"] == "reply" else answer["code"])
        await comm.disconnect()

    assert answers == ["reply", "reply", "rate_limited", "rate_limited"]
    assert await count() == (before[0] + 2, before[1] + 2)
    assert not await Conversation.objects.filter(session_key="madeupsessionkey0123456789abcd").aexists()
