"""Every test starts with full rate-limit buckets, in process memory and (scale-out runs) in Redis alike."""
from __future__ import annotations

from django.conf import settings


def rate_limits_reset() -> None:
    from assistant import ratelimit

    ratelimit._limiters.clear()
    url = getattr(settings, "REDIS_URL", None)
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter("twinshop:rl:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
