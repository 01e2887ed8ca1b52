"""A websocket test client for the real consumer stack.

`channels.testing` imports daphne at package import (for its live-server test case), and daphne is not a
dependency of this project (uvicorn serves it), so this is channels' WebsocketCommunicator over asgiref's
ApplicationCommunicator, with the same DB-connection patch channels applies.
"""
from __future__ import annotations

import json
from typing import Any
from unittest import mock
from urllib.parse import unquote, urlparse

from asgiref.testing import ApplicationCommunicator


def _no_op() -> None:
    pass


class WsClient(ApplicationCommunicator):
    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        parsed = urlparse(path)
        scope = {"type": "websocket", "path": unquote(parsed.path), "query_string": parsed.query.encode(),
                 "headers": headers or [], "subprotocols": []}
        super().__init__(application, scope)

    async def send_input(self, message: dict[str, Any]) -> None:
        # The test database connection belongs to the test; the consumer must not close it between frames.
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().send_input(message)

    async def receive_output(self, timeout: float = 1) -> dict[str, Any]:
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().receive_output(timeout)

    async def connect(self, timeout: float = 5) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_text(self, text: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self.send_input({"type": "websocket.receive", "bytes": data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_text(json.dumps(data))

    async def receive_json_from(self, timeout: float = 5) -> dict[str, Any]:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def receive_until(self, kinds: tuple[str, ...], timeout: float = 10, limit: int = 200) -> list[dict[str, Any]]:
        """Frames up to and including the first whose type is in `kinds` (deltas stream before a reply)."""
        frames = []
        for _ in range(limit):
            frame = await self.receive_json_from(timeout)
            frames.append(frame)
            if frame.get("type") in kinds:
                return frames
        raise AssertionError(f"no {kinds} frame in {limit} frames")

    async def disconnect(self, code: int = 1000, timeout: float = 2) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        try:
            await self.wait(timeout)
        except TimeoutError:
            pass
