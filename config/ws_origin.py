"""Websocket origin check with Django's CSRF origin rule: scheme, host and port, not the host alone.

channels' AllowedHostsOriginValidator compares only the Origin's host with ALLOWED_HOSTS, so a page served
from any port or scheme of an allowed host (http://127.0.0.1:9999, another app on the same machine) could
open a shopper's chat with their cookies. Here, as in django.middleware.csrf, an Origin is accepted when it
is exactly this request's own origin (the socket's scheme, ws -> http and wss -> https, plus its Host
header, which must be in ALLOWED_HOSTS) or is listed in CSRF_TRUSTED_ORIGINS (with its "*." subdomain
patterns). A handshake without an Origin (no browser sends one) passes only where ALLOWED_HOSTS is "*", as
before.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin1")
    return None


def own_origin(scope: dict[str, Any]) -> str | None:
    """`scheme://host[:port]` of the socket itself, or None when its Host is not an allowed host."""
    host = (_header(scope, b"host") or "").lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return f"{scheme}://{host}"


def origin_allowed(scope: dict[str, Any]) -> bool:
    origin = _header(scope, b"origin")
    if origin is None:
        return "*" in settings.ALLOWED_HOSTS
    origin = origin.lower()
    trusted = [o.lower() for o in settings.CSRF_TRUSTED_ORIGINS]
    if origin == own_origin(scope) or origin in trusted:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    return any(is_same_domain(parsed.netloc, pattern.split("://", 1)[1][1:])
               for pattern in trusted if pattern.startswith(f"{parsed.scheme}://*.") and parsed.netloc)


class SameOriginValidator:
    """ASGI middleware for the websocket router: refuses the handshake of any other origin (403)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
