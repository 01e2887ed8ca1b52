"""config.redis_cache: every cache object of the process (one per async context) shares one pool and client."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.redis


def _cache():  # type: ignore[no-untyped-def]
    # A fresh backend object, as Django makes one per async context (each ASGI request).
    from django.conf import settings

    from config.redis_cache import SharedPoolRedisCache

    return SharedPoolRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "redis-cache-test"})


def test_cache_objects_share_one_pool_and_one_client():
    # given two cache objects, as two requests would have
    first, second = _cache(), _cache()

    # when each writes and reads
    first.set("k", {"v": 1}, 30)

    # then they see each other's data through the very same client and pool
    assert second.get("k") == {"v": 1}
    assert first._cache.get_client(write=True) is second._cache.get_client(write=False)
    assert first._cache._get_connection_pool(True) is second._cache.get_client().connection_pool
    first.delete("k")


def test_the_shared_client_serves_many_threads_at_once():
    # given one cache object's client shared by 8 threads
    cache = _cache()

    def round_trip(n: int) -> int:
        for i in range(50):
            cache.set(f"t{n}", n * 1000 + i, 30)
            assert cache.get(f"t{n}") == n * 1000 + i
        cache.delete(f"t{n}")
        return n

    # when they all write and read their own keys at the same time
    with ThreadPoolExecutor(8) as pool:
        done = sorted(pool.map(round_trip, range(8)))

    # then every thread read back exactly what it wrote
    assert done == list(range(8))
