import uuid

import pytest

from assistant.ratelimit import BucketPolicy, MemoryTokenBucket, RedisTokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_bucket_allows_the_burst_then_refuses_until_it_refills():
    clock = FakeClock()
    bucket = MemoryTokenBucket(BucketPolicy(rate_per_second=2, burst=3), clock=clock)

    first = [await bucket.allow("s1") for _ in range(4)]
    clock.now += 0.5  # one token back at 2/s
    after_refill = [await bucket.allow("s1") for _ in range(2)]

    assert first == [True, True, True, False]
    assert after_refill == [True, False]


async def test_memory_bucket_keeps_separate_keys_apart():
    bucket = MemoryTokenBucket(BucketPolicy(rate_per_second=1, burst=1), clock=FakeClock())

    assert await bucket.allow("a") is True
    assert await bucket.allow("a") is False
    assert await bucket.allow("b") is True


@pytest.mark.redis
async def test_redis_bucket_is_shared_by_every_limiter_on_the_same_key():
    from django.conf import settings

    key = uuid.uuid4().hex
    worker_a = RedisTokenBucket(BucketPolicy(rate_per_second=0.01, burst=3), settings.REDIS_URL)
    worker_b = RedisTokenBucket(BucketPolicy(rate_per_second=0.01, burst=3), settings.REDIS_URL)

    results = [await worker_a.allow(key), await worker_b.allow(key), await worker_a.allow(key), await worker_b.allow(key)]

    assert results == [True, True, True, False]
