"""Django's Redis cache backend with its connection pools shared by the whole process.

Django keeps one cache object per async context, and under ASGI every request runs in a context of its
own: the stock backend then built a new connection pool (and so a new TCP connection, with redis-py
reading its own package metadata for the handshake) for every request that touched the cache or a
cached_db session, ~9% of a worker's CPU on the showcase image route (py-spy). redis-py pools are
thread-safe and fork-aware, so one per server URL and options is shared here.
"""
from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, object] = {}
_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):  # type: ignore[no-untyped-def]
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], self._pool_class, tuple(sorted((k, repr(v)) for k, v in self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):  # type: ignore[no-untyped-def]
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
