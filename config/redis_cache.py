"""Django's Redis cache backend with its connection pools and clients shared by the whole process.

Django keeps one cache object per async context, and under ASGI every request runs in a context of its
own: the stock backend then built a new connection pool (and so a new TCP connection, with redis-py
reading its own package metadata for the handshake) for every request that touched the cache or a
cached_db session, ~9% of a worker's CPU on the showcase image route (py-spy). And on every cache call it
builds a `redis.Redis` client around the pool, 148 us of CPU each here (timeit), more than the GET it then
sends (133 us round trip): ~7% of the gated image view's GIL time (py-spy, 2 workers under the gate benchmark),
for the session read of every view. redis-py pools are thread-safe and fork-aware, and a client
checks a connection out of its pool per command, so one pool and one client per server URL and options are
shared here.
"""
from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_shared: dict[tuple, tuple[Any, Any]] = {}  # key -> (connection pool, client on it)
_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    # Set by RedisCacheClient.__init__: private to Django, so django-stubs leave them out.
    _servers: list[str]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any

    def _shared(self, write: bool) -> tuple[Any, Any]:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]  # Django's, not in the stubs
        key = (self._servers[index], self._pool_class, tuple(sorted((k, repr(v)) for k, v in self._pool_options.items())))
        entry = _shared.get(key)
        if entry is None:
            with _lock:
                entry = _shared.get(key)
                if entry is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    entry = _shared[key] = (pool, self._client(connection_pool=pool))
        return entry

    def _get_connection_pool(self, write):
        return self._shared(write)[0]

    def get_client(self, key=None, *, write=False):
        return self._shared(write)[1]


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
