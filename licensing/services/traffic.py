"""Invalid-traffic budgets (issue 20, item 2): how many billable views one client may produce per hour.

The MRC/IAB idea: traffic that no real audience produces is served but never billed. A client is its IP
address and its viewer (session or user); each has an hourly budget of billable views, and an IP address may
take only a small share of a capped grant's cap per hour, so one client can't burn a brand's cap. Counters
live in the shared cache (Redis in scale-out, so every worker sees the same count); fixed one-hour buckets,
so a client may get up to twice a budget across a bucket boundary.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

BUCKET_SECONDS = 3600


def _key(bucket: int, kind: str, who: str) -> str:
    # Hashed: session keys never sit in the cache in clear, and any client string makes a valid cache key.
    return f"ivt:{bucket}:{kind}:{hashlib.blake2b(who.encode(), digest_size=12).hexdigest()}"


def _take(key: str) -> int:
    """Count one more in this bucket; the count after it (atomic INCR on Redis)."""
    try:
        return cache.incr(key)
    except ValueError:  # the bucket's first count
        if cache.add(key, 1, timeout=BUCKET_SECONDS + 60):
            return 1
        return cache.incr(key)


def client_budget_take(*, ip: str, viewer_key: str, grant_id: int, view_cap: int | None, at: datetime) -> bool:
    """Take one billable view from the client's budgets; False when one of them is spent (the view is then
    served as invalid traffic, not billed). Called only for a view that would otherwise be billed."""
    per_client = int(settings.LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR or 0)
    cap_percent = int(settings.LICENSING_CAP_PERCENT_PER_CLIENT_HOUR or 0)
    bucket = int(at.timestamp()) // BUCKET_SECONDS
    if per_client > 0:
        if _take(_key(bucket, "v", viewer_key)) > per_client:
            return False
        if ip and _take(_key(bucket, "ip", ip)) > per_client:
            return False
    if ip and view_cap is not None and cap_percent > 0:
        share = max(1, view_cap * cap_percent // 100)
        if _take(_key(bucket, f"g{grant_id}", ip)) > share:
            return False
    return True


def excess_first_in_bucket(*, ip: str, viewer_key: str, at: datetime) -> bool:
    """Whether this is the client's first over-budget view in its bucket: only that one gets a ledger row, so a
    client hammering the gate can't grow the ledger without bound."""
    bucket = int(at.timestamp()) // BUCKET_SECONDS
    return bool(cache.add(_key(bucket, "logged", ip or viewer_key), 1, timeout=BUCKET_SECONDS + 60))
