"""Invalid-traffic budgets (issue 20, item 2): how many billable views one client may produce per hour.

The MRC/IAB idea: traffic that no real audience produces is served but never billed. A client is its IP
address and its viewer (session or user); each has an hourly budget of billable views, and an IP address may
take only a small share of a capped grant's cap per hour, so one client can't burn a brand's cap. Counters
live in Redis in scale-out (settings.REDIS_URL, so every worker sees the same count), else in Django's local
cache; fixed one-hour buckets, so a client may get up to twice a budget across a bucket boundary.
"""
from __future__ import annotations

import hashlib
import threading
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

BUCKET_SECONDS = 3600
_TTL = BUCKET_SECONDS + 60
_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def _key(bucket: int, kind: str, who: str) -> str:
    # Hashed: session keys never sit in the cache in clear, and any client string makes a valid cache key.
    return f"twinshop:ivt:{bucket}:{kind}:{hashlib.blake2b(who.encode(), digest_size=12).hexdigest()}"


def _redis() -> Any | None:
    """A client on settings.REDIS_URL (one per process; redis-py pools are thread-safe and fork-aware), or None
    on the embedded default, where the counters live in Django's local cache."""
    url = settings.REDIS_URL
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        import redis

        with _clients_lock:
            client = _clients.setdefault(url, redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))
    return client


def _take(key: str) -> int:
    """Count one more in this bucket through Django's cache; the count after it."""
    try:
        return cache.incr(key)
    except ValueError:  # the bucket's first count
        if cache.add(key, 1, timeout=_TTL):
            return 1
        return cache.incr(key)


def _take_all(keys: list[str]) -> list[int]:
    """Count one more in each bucket; the counts after it. On Redis one round trip for all of them: Django's
    cache.incr is two (EXISTS, then INCRBY) per counter, and a view takes up to three."""
    client = _redis()
    if client is None:
        return [_take(key) for key in keys]
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.set(key, 0, ex=_TTL, nx=True)  # the bucket's first count starts its hour
            pipe.incr(key)
        replies = pipe.execute()
    return [int(count) for count in replies[1::2]]


def client_budget_take(*, ip: str, viewer_key: str, grant_id: int, view_cap: int | None, at: datetime) -> bool:
    """Take one billable view from each of the client's budgets; False when one of them is spent (the view is
    then served as invalid traffic, not billed). Called only for a view that would otherwise be billed. Every
    budget counts the view, whichever refused it."""
    per_client = int(settings.LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR or 0)
    cap_percent = int(settings.LICENSING_CAP_PERCENT_PER_CLIENT_HOUR or 0)
    bucket = int(at.timestamp()) // BUCKET_SECONDS
    budgets: list[tuple[str, int]] = []
    if per_client > 0:
        budgets.append((_key(bucket, "v", viewer_key), per_client))
        if ip:
            budgets.append((_key(bucket, "ip", ip), per_client))
    if ip and view_cap is not None and cap_percent > 0:
        budgets.append((_key(bucket, f"g{grant_id}", ip), max(1, view_cap * cap_percent // 100)))
    if not budgets:
        return True
    counts = _take_all([key for key, _ in budgets])
    return all(count <= limit for count, (_, limit) in zip(counts, budgets, strict=True))


def excess_first_in_bucket(*, ip: str, viewer_key: str, at: datetime) -> bool:
    """Whether this is the client's first over-budget view in its bucket: only that one gets a ledger row, so a
    client hammering the gate can't grow the ledger without bound."""
    bucket = int(at.timestamp()) // BUCKET_SECONDS
    key = _key(bucket, "logged", ip or viewer_key)
    client = _redis()
    if client is None:
        return bool(cache.add(key, 1, timeout=_TTL))
    return bool(client.set(key, 1, ex=_TTL, nx=True))
