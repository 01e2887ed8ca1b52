"""Liveness and readiness probes for load balancers and orchestrators."""
from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Checks other apps add from their AppConfig.ready() (the shop knows nothing about them): name -> () -> (ready, text).
# "ok" is the all-clear; a check may answer ready with another text (e.g. degraded but serving).
_extra_checks: dict[str, Callable[[], tuple[bool, str]]] = {}


def readiness_check_register(name: str, check: Callable[[], tuple[bool, str]]) -> None:
    _extra_checks[name] = check


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("readyz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "readyz.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned a foreign message")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # readiness must report, not raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        async_to_sync(_channel_layer_round_trip)()
        checks["channel_layer"] = "ok"
    except Exception as exc:
        checks["channel_layer"] = f"error: {exc.__class__.__name__}"
    ready = all(v == "ok" for v in checks.values())
    for name, check in _extra_checks.items():
        try:
            ok, checks[name] = check()
        except Exception as exc:
            ok, checks[name] = False, f"error: {exc.__class__.__name__}"
        ready = ready and ok
    # The worker's pid: in scale-out mode it shows which of the N processes answered.
    return JsonResponse({"status": "ready" if ready else "unavailable", "checks": checks, "worker": os.getpid()},
                        status=200 if ready else 503)
