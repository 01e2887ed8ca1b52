"""Who is asking, from the transport: views and consumers call these with a request's META, an ASGI scope or a
session, and hand the plain values they return (a Viewer, a session key, an address, a country) to services and
selectors, which never see a request nor save a session.

The client's IP address and the viewer's country (issue 20, items 2 and 3):

Both come from the connection's peer address unless the peer is one of the trusted proxies
(settings.TRUSTED_PROXIES, addresses or CIDR blocks): only then are X-Forwarded-For and the proxy's country
header (CloudFront-Viewer-Country, CF-IPCountry) believed. Otherwise the country comes from the offline
IP-to-country table shipped in the `iptocc` package; never from Accept-Language, which the viewer chooses.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

import iptocc
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from .services.gate import Viewer

# CLDR's "Unknown Region": a viewer whose country is not known. It is in no grant's territory list, so only
# worldwide grants ("*") cover such a view.
UNKNOWN_TERRITORY = "ZZ"
# Codes the CDNs send for "not a country" (Cloudflare: XX unknown, T1 Tor; EU/AP: regional registries).
_NOT_A_COUNTRY = frozenset({"XX", "T1", "EU", "AP", "A1", "A2", "O1", "ZZ"})


@lru_cache(maxsize=1)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(addr: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return addr is not None and any(addr in net for net in networks)


def client_ip(meta: dict) -> str:
    """The client's address: the peer's, or (behind trusted proxies) the nearest X-Forwarded-For hop that is
    not itself a trusted proxy. Forwarded-For entries a client wrote itself sit left of that hop and are never
    read. "" when the peer address is missing or malformed."""
    peer = _address(str(meta.get("REMOTE_ADDR") or ""))
    if peer is None:
        return ""
    if not _is_trusted(peer):
        return str(peer)
    hops = [h for h in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    for hop in reversed(hops[-16:]):
        addr = _address(hop)
        if addr is None:
            return str(peer)  # a garbled chain: trust nothing in it
        if not _is_trusted(addr):
            return str(addr)
    return str(peer)


def _header_country(meta: dict) -> str | None:
    for header in settings.TRUSTED_COUNTRY_HEADERS or ():
        value = str(meta.get("HTTP_" + header.upper().replace("-", "_"), "")).strip().upper()
        if value:
            return value if len(value) == 2 and value.isascii() and value.isalpha() else None
    return None


def _table_country(ip: str) -> str | None:
    addr = _address(ip)
    if addr is None:
        return None
    if not addr.is_global:
        # Loopback and private networks have no country; a deployment may name one (a shop's own office, a demo
        # on localhost) with LICENSING_PRIVATE_NETWORK_TERRITORY.
        return str(settings.LICENSING_PRIVATE_NETWORK_TERRITORY or "").upper() or None
    return iptocc.country_code(str(addr))


def viewer_territory(meta: dict) -> str:
    """ISO 3166-1 alpha-2 country of the viewer, or UNKNOWN_TERRITORY."""
    peer = _address(str(meta.get("REMOTE_ADDR") or ""))
    country = _header_country(meta) if _is_trusted(peer) else None
    if country is None:
        country = _table_country(client_ip(meta))
    if not country or country.upper() in _NOT_A_COUNTRY:
        return UNKNOWN_TERRITORY
    return country.upper()


def stored_session_key(session: SessionBase) -> str:
    """The key of a session the server issued and still has, saving a new one when the cookie named none or
    named one the server doesn't have (made up, expired, flushed). Twin-image URLs are bound to this key, so a
    fabricated cookie never gets a URL that bills.

    Reading the session is what drops a key the store doesn't know (every SessionBase backend's load() does:
    Django's guard against session fixation); the read is usually done already, by the auth middleware."""
    session.get("_auth_user_id")
    if not session.session_key:
        session.save()
    key = session.session_key
    if not key:  # every backend's save() assigns a key; one that didn't would mint URLs nobody can fetch
        raise RuntimeError(f"{type(session).__name__}.save() issued no session key")
    return key


def meta_from_scope(scope: dict[str, Any]) -> dict[str, str]:
    """The request.META keys the functions above read, from an ASGI (websocket) scope."""
    client = scope.get("client") or ("", 0)
    meta = {"REMOTE_ADDR": str(client[0] or "")}
    for name, value in scope.get("headers") or ():
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        if key in meta:
            meta[key] += "," + value.decode("latin-1")
        else:
            meta[key] = value.decode("latin-1")
    return meta


def _viewer(key: str, meta: dict, *, user_id: int | None = None, is_staff: bool = False) -> Viewer:
    purpose = f"{meta.get('HTTP_SEC_PURPOSE', '')} {meta.get('HTTP_PURPOSE', '')} {meta.get('HTTP_X_MOZ', '')}".lower()
    return Viewer(key=key, user_id=user_id, is_staff=is_staff, user_agent=meta.get("HTTP_USER_AGENT", "")[:400],
                  is_prefetch="prefetch" in purpose or "prerender" in purpose, ip=client_ip(meta))


def viewer_for_request(request: HttpRequest) -> Viewer:
    """The Viewer for an HTTP request: logged-in users by id, everyone else by session key."""
    user = getattr(request, "user", None)
    meta = request.META
    if user is not None and user.is_authenticated:
        return _viewer(f"u:{user.pk}", meta, user_id=user.pk, is_staff=bool(user.is_staff))
    session = getattr(request, "session", None)
    if session is not None and not session.session_key:
        session.save()
    return _viewer(f"s:{session.session_key if session is not None else meta.get('REMOTE_ADDR', 'anonymous')}", meta)


def viewer_for_anonymous_session(request: HttpRequest, *, session_key: str) -> Viewer:
    """The Viewer of a request made with a session key that nobody was logged in to, without loading the session.

    Whoever logs in gets a new session key (django.contrib.auth.login cycles or flushes the session, and so
    does update_session_auth_hash), so a key that was anonymous once stays anonymous for as long as it lives:
    what viewer_for_request would find in the session is already known."""
    return _viewer(f"s:{session_key}", request.META)


def stored_visitor(request: HttpRequest) -> tuple[str, bool]:
    """(the request's stored session key, whether nobody is logged in to it): what a twin-image URL is bound to."""
    user = getattr(request, "user", None)
    return stored_session_key(request.session), user is not None and not user.is_authenticated
