"""The assistant suite's websocket test client, kept on the test's database connection.

The reliability tests run the consumer inside the test transaction, so the connection-closing hygiene
channels applies around each frame (right for a real server) is switched off here.
"""
from __future__ import annotations

from typing import Any
from unittest import mock

from tests.assistant.wsclient import WebsocketClient


def _no_op() -> None:
    pass


class WsClient(WebsocketClient):
    async def send_input(self, message: dict[str, Any]) -> None:
        # The test database connection belongs to the test; the consumer must not close it between frames.
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().send_input(message)

    async def receive_output(self, timeout: float = 1) -> dict[str, Any]:
        with mock.patch("channels.db.close_old_connections", _no_op):
            return await super().receive_output(timeout)

    async def send_text(self, text: str) -> None:
        await self.send_to(text_data=text)

    async def send_bytes(self, data: bytes) -> None:
        await self.send_to(bytes_data=data)

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
