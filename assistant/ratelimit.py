"""Token-bucket rate limits for websocket traffic.

Embedded mode keeps buckets in process memory (one process serves everything). In scale-out mode several
workers serve the same session, so the bucket lives in Redis and is updated by one Lua script, which
makes the read-refill-take step atomic across workers.
"""
from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

_REDIS_TOKEN_BUCKET = """
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', key, 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', key, math.ceil(burst / rate) + 1)
return allowed
"""


@dataclass(frozen=True)
class BucketPolicy:
    rate_per_second: float
    burst: int


class RateLimiter(Protocol):
    async def allow(self, key: str, *, cost: float = 1.0) -> bool: ...


class MemoryTokenBucket:
    def __init__(self, policy: BucketPolicy, clock=time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = asyncio.Lock()

    async def allow(self, key: str, *, cost: float = 1.0) -> bool:
        async with self._lock:
            now = self._clock()
            tokens, ts = self._buckets.get(key, (float(self.policy.burst), now))
            tokens = min(float(self.policy.burst), tokens + max(0.0, now - ts) * self.policy.rate_per_second)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 50_000:  # idle keys are full buckets: dropping them changes nothing
                full = [k for k, (t, _) in self._buckets.items() if t >= self.policy.burst]
                for k in full:
                    del self._buckets[k]
            return allowed


class RedisTokenBucket:
    def __init__(self, policy: BucketPolicy, url: str, prefix: str = "twinshop:rl:") -> None:
        import redis.asyncio as aioredis

        self.policy = policy
        self._prefix = prefix
        self._url = url
        self._aioredis = aioredis
        # An asyncio Redis client belongs to the event loop it was first used on; tests (and any code that
        # runs several loops in one process) get one client per loop instead of "Event loop is closed".
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def _script(self) -> Any:
        loop = asyncio.get_running_loop()
        script = self._per_loop.get(loop)
        if script is None:
            client = self._aioredis.Redis.from_url(self._url, socket_timeout=2, socket_connect_timeout=2)
            script = self._per_loop[loop] = client.register_script(_REDIS_TOKEN_BUCKET)
        return script

    async def allow(self, key: str, *, cost: float = 1.0) -> bool:
        result = await self._script()(
            keys=[self._prefix + key],
            args=[self.policy.rate_per_second, self.policy.burst, time.time(), cost],
        )
        return bool(int(result))


_limiters: dict[str, RateLimiter] = {}


def limiter(name: str, policy: BucketPolicy) -> RateLimiter:
    """One limiter per (name, policy) per process; Redis-backed whenever REDIS_URL is configured."""
    cache_key = f"{name}:{policy.rate_per_second}:{policy.burst}"
    if cache_key not in _limiters:
        url = settings.REDIS_URL
        _limiters[cache_key] = RedisTokenBucket(policy, url, prefix=f"twinshop:rl:{name}:") if url else MemoryTokenBucket(policy)
    return _limiters[cache_key]
