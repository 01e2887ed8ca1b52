"""Who is asking, from the transport: the client's IP address and the viewer's country (issue 20, items 2 and 3).

Both come from the connection's peer address unless the peer is one of the trusted proxies
(settings.TRUSTED_PROXIES, addresses or CIDR blocks): only then are X-Forwarded-For and the proxy's country
header (CloudFront-Viewer-Country, CF-IPCountry) believed. Otherwise the country comes from the offline
IP-to-country table shipped in the `iptocc` package; never from Accept-Language, which the viewer chooses.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

import iptocc
from django.conf import settings

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


def stored_session_key(session) -> str:
    """The key of a session the server issued and still has, saving a new one when the cookie named none or
    named one the server doesn't have (made up, expired, flushed). Twin-image URLs are bound to this key, so a
    fabricated cookie never gets a URL that bills.

    Reading the session is what drops a key the store doesn't know (every SessionBase backend's load() does:
    Django's guard against session fixation); the read is usually done already, by the auth middleware."""
    session.get("_auth_user_id")
    if not session.session_key:
        session.save()
    return session.session_key


def meta_from_scope(scope: dict) -> dict:
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
