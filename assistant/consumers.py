"""Websocket transport for the assistant. Only transport here: every read and write goes through services."""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from licensing.transport import client_ip, meta_from_scope, stored_session_key, viewer_territory

from . import selectors, services
from .intents import Action, IntentError, action_from_frame
from .models import Conversation
from .pipeline import chips
from .ratelimit import BucketPolicy, MemoryTokenBucket, limiter
from .services import AssistantError, TurnResult

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 8 * 1024
# Per session (shared by all of a shopper's tabs, in Redis when scaled out): past it a frame gets a
# "rate_limited" error and the socket stays. Per connection, looser: a single socket sending faster than
# any person types is a flood, and is closed with CLOSE_RATE_LIMITED.
MESSAGE_POLICY = BucketPolicy(rate_per_second=2.0, burst=12)
CONNECTION_POLICY = BucketPolicy(rate_per_second=5.0, burst=30)
# Per client address (licensing.transport.client_ip: X-Forwarded-For only from settings.TRUSTED_PROXIES), shared
# by every socket and session from that address, so opening many sockets or sessions does not multiply the
# per-session budget: loose enough for an office behind one NAT address.
CLIENT_POLICY = BucketPolicy(rate_per_second=10.0, burst=60)
# A socket without a session (no cookie, or a cookie naming no session) gets one on its first accepted
# frame: the rows it writes (session, conversation) are budgeted per address too.
NEW_SESSION_POLICY = BucketPolicy(rate_per_second=0.2, burst=20)
# JSON nested deeper than this is refused before parsing (json.loads recurses once per level).
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")
CLOSE_UNAVAILABLE = 1011
CLOSE_LOGGED_OUT = 4401
CLOSE_IDLE = 4408
CLOSE_RATE_LIMITED = 4429


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `text` opens more than `limit` arrays/objects inside each other (brackets in strings don't
    count). A cheap scan, so a hostile frame never reaches the recursive parser."""
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


class AssistantConsumer(AsyncJsonWebsocketConsumer):
    conversation: Conversation | None = None

    async def connect(self) -> None:
        session = self.scope.get("session")
        if session is None:
            await self.close(code=4400)
            return
        user = self.scope.get("user")
        # None: nobody was logged in to this socket's session when it connected. Logging in gives the session a
        # new key, so the twin-image URLs minted here for the old key (flagged anonymous) never serve a user.
        self.user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
        # Most sockets are page views where nobody types: the session and conversation rows are written on
        # the first frame (_conversation), and a returning shopper's conversation is only read here.
        self.conversation = None
        if session.session_key:
            self.conversation = await database_sync_to_async(selectors.conversation_for_session)(
                session_key=session.session_key)
        # The per-session bucket, shared by a shopper's tabs. A socket without a session cookie gets a session
        # of its own on its first message, so until then (and after) its bucket is the socket's.
        self.rate_key = session.session_key or self.channel_name
        meta = meta_from_scope(self.scope)
        # The client's address (behind settings.TRUSTED_PROXIES, the forwarded one). None when the server
        # reports no address: nothing to share a budget by.
        address = client_ip(meta)
        self.client_key = f"addr:{address}" if address else None
        # The shopper's country, from this connection (trusted proxy header or the offline IP table): the twins
        # offered must cover it, as the gate will check again when each image is fetched.
        self.territory = viewer_territory(meta)
        self.twin_groups: set[str] = set()
        self.connection_bucket = MemoryTokenBucket(CONNECTION_POLICY)
        self.last_frame_at = time.monotonic()
        if self.user_id is not None:
            self.user_group = services.user_group(self.user_id)
            await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()
        self.idle_watch = asyncio.ensure_future(self._close_when_idle())
        state = (self.conversation.state if self.conversation is not None else None) or {}
        await self.send_json({
            "type": "hello",
            "disclosure": services.DISCLOSURE,
            "conversation": str(self.conversation.public_id) if self.conversation is not None else None,
            "filters": state.get("filters") or {},
            "chips": chips(state.get("filters") or {}),
        })

    def _conversation(self) -> Conversation:
        """This socket's conversation, creating the session (a first-time visitor whose page has not set a
        session cookie: the cart it fills is this socket's own session) and the conversation row if needed.
        Sync: called inside the turn's own hop to the sync thread, so a socket's first message costs one hop."""
        if self.conversation is None or (self.user_id and self.conversation.user_id != self.user_id):
            session = self.scope["session"]
            stored_session_key(session)  # a made-up or expired cookie gets a session the server issued
            self.conversation = services.conversation_get_or_create(session_key=session.session_key,
                                                                    user_id=self.user_id)
        return self.conversation

    def _existing_conversation(self) -> Conversation | None:
        """This session's conversation if it has one (another tab may have started it since this socket
        connected), else None: an action acts on what a chat showed, so it never starts one. Sync."""
        if self.conversation is None:
            key = self.scope["session"].session_key
            self.conversation = selectors.conversation_for_session(session_key=key) if key else None
        return self._conversation() if self.conversation is not None else None

    def _session_now(self) -> SessionBase:
        """The socket's session as it is now, for the turn's cart: the scope's copy was read when the socket
        connected, and another tab may have changed the cart since. Lazy: read only if the turn touches the cart.
        Sync."""
        return import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.scope["session"].session_key)

    async def disconnect(self, code: int) -> None:
        watch = getattr(self, "idle_watch", None)
        if watch is not None:
            watch.cancel()
        groups = set(getattr(self, "twin_groups", set()))
        if getattr(self, "user_group", None):
            groups.add(self.user_group)
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # noqa: BLE001 - a layer that is down must not keep a dead socket around
                logger.warning("could not leave group %s", group)

    async def _close_when_idle(self) -> None:
        idle = settings.ASSISTANT_WS_IDLE_SECONDS
        while True:
            remaining = self.last_frame_at + idle - time.monotonic()
            if remaining <= 0:
                await self.error("idle_timeout", "This chat was idle for a while; it reconnects when you type.")
                await self.close(code=CLOSE_IDLE)
                return
            await asyncio.sleep(remaining)

    async def session_ended(self, event: dict[str, Any]) -> None:
        """Group message from `services.user_sockets_close`: the user logged out somewhere."""
        await self.error("logged_out", "You logged out; this chat is closed.")
        await self.close(code=CLOSE_LOGGED_OUT)

    async def error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        self.last_frame_at = time.monotonic()
        if not await self.connection_bucket.allow("connection"):
            await self.error("rate_limited", "Too many messages on this connection; it is closed.")
            await self.close(code=CLOSE_RATE_LIMITED)
            return
        try:
            content = await self._parse(text_data)
            if content is None or not await self._within_limits():
                return
            result = await self._turn(content)
        except Exception:  # noqa: BLE001 - no frame may kill the socket (and skip disconnect's cleanup)
            logger.exception("assistant frame failed")
            await self.error("internal", "Something went wrong on our side; please try again.")
            return
        if result is not None:
            await self._follow_twins(result.twin_ids)
            await self.send_json(result.as_message())

    async def _parse(self, text_data: str | None) -> dict[str, Any] | None:
        """The frame's JSON object, or None once the client has been told what is wrong with the frame."""
        if text_data is None:
            await self.error("unsupported_frame", "Send JSON as text frames.")
            return None
        if len(text_data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
            await self.error("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
            return None
        if json_too_deep(text_data):
            await self.error("too_deep", f"JSON nested more than {MAX_JSON_DEPTH} levels deep is refused.")
            return None
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
            await self.error("bad_json", "That frame is not valid JSON.")
            return None
        if not isinstance(content, dict):
            await self.error("bad_message", "Send a JSON object with a \"type\".")
            return None
        return content

    async def _allow(self, name: str, policy: BucketPolicy, key: str) -> bool | None:
        """The bucket's answer; None when the shared limiter (Redis) is down: fail closed, say so, close."""
        try:
            return await limiter(name, policy).allow(key)
        except Exception:  # noqa: BLE001 - the client retries on its own after the close
            logger.exception("rate limiter unavailable")
            await self.error("unavailable", "The assistant is briefly unavailable; reconnecting shortly.")
            await self.close(code=CLOSE_UNAVAILABLE)
            return None

    async def _within_limits(self) -> bool:
        """The per-session bucket, then the per-address one. False once the client has been told."""
        allowed = await self._allow("assistant-ws", MESSAGE_POLICY, self.rate_key)
        if allowed and self.client_key:
            allowed = await self._allow("assistant-ws-client", CLIENT_POLICY, self.client_key)
        if allowed is False:
            await self.error("rate_limited", "Slow down a little, please.")
        return bool(allowed)

    async def _may_start_session(self) -> bool:
        """A turn on a socket without a session writes a session and a conversation: budgeted per address."""
        if self.scope["session"].session_key or not self.client_key:
            return True
        fresh = await self._allow("assistant-ws-new-session", NEW_SESSION_POLICY, self.client_key)
        if fresh is False:
            await self.error("rate_limited", "Too many new chats from your network just now; reload the page "
                                             "in a minute to chat.")
        return bool(fresh)

    async def _turn(self, content: dict[str, Any]) -> TurnResult | None:
        kind = content.get("type")
        if kind not in ("message", "action"):
            await self.error("unknown_type", "Unknown message type; use \"message\" or \"action\".")
            return None
        try:
            if kind == "action":
                return await self._action(action_from_frame(content))
            if not await self._may_start_session():
                return None
            text = content.get("text")
            if not isinstance(text, str):
                await self.error("bad_message", "A message needs \"text\" (a string).")
                return None
            return await self._message(text, content.get("page_product"))
        except (AssistantError, IntentError) as exc:
            await self.error(exc.code, exc.message)
            return None

    async def _message(self, text: str, page_product: Any) -> TurnResult:
        # Deltas go to the event loop without blocking the turn's thread: a blocking async_to_sync hop per
        # sentence kept the worker's one sync thread waiting on a busy loop (15% of a loaded worker in py-spy).
        # One drainer task sends them in order, and the reply frame goes out only after the last of them.
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[str | None] = asyncio.Queue()

        def on_delta(piece: str) -> None:
            loop.call_soon_threadsafe(pieces.put_nowait, piece)

        async def drain() -> None:
            while (piece := await pieces.get()) is not None:
                await self.send_json({"type": "delta", "text": piece})

        def run() -> TurnResult:
            conversation = self._conversation()  # first: it stores the session a cookie-less socket gets
            return self._in_session(functools.partial(services.conversation_message, conversation=conversation,
                                                      text=text, on_delta=on_delta, page_product=page_product))

        drainer = asyncio.ensure_future(drain())
        try:
            return await database_sync_to_async(run)()
        finally:
            # The thread's call_soon_threadsafe callbacks ran before this coroutine resumed (FIFO), so the
            # end marker lands after every delta of the turn.
            pieces.put_nowait(None)
            await asyncio.gather(drainer, return_exceptions=True)

    async def _action(self, action: Action) -> TurnResult:
        def run() -> TurnResult:
            return self._in_session(functools.partial(services.conversation_action,
                                                      conversation=self._existing_conversation(), action=action))

        return await database_sync_to_async(run)()

    def _in_session(self, service: Callable[..., TurnResult]) -> TurnResult:
        """Run a turn's service with the socket's session as it is now and who is asking; the cart lives in the
        session, so the transport saves it if the turn changed it. Sync."""
        session = self._session_now()
        result = service(session=session, session_key=session.session_key, viewer_anonymous=self.user_id is None,
                         territory=self.territory)
        if session.modified:
            session.save()
        return result

    async def _follow_twins(self, twin_ids: list[int]) -> None:
        wanted = {f"twin-{tid}" for tid in twin_ids}
        for group in wanted - self.twin_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.twin_groups |= wanted

    async def twin_revoked(self, event: dict[str, Any]) -> None:
        """Group message {"type": "twin.revoked", "twin_id": N} from the licensing app: drop that twin."""
        twin_id = event.get("twin_id")
        await self.send_json({"type": "twin_revoked", "twin_id": twin_id, "text": services.TWIN_WITHDRAWN})
        group = f"twin-{twin_id}"
        if group in self.twin_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.twin_groups.discard(group)
