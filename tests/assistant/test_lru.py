"""The per-process LRU behind the query-vector cache and the search rankings."""
from __future__ import annotations

from assistant.lru import LRU


def test_a_hit_is_kept_and_the_least_recently_used_goes_first():
    cache: LRU[str, int] = LRU()
    cache.put("a", 1, capacity=2)
    cache.put("b", 2, capacity=2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3, capacity=2)
    assert ("a" in cache, "b" in cache, "c" in cache) == (True, False, True)
    assert len(cache) == 2


def test_a_capacity_of_zero_keeps_nothing():
    cache: LRU[str, int] = LRU()
    cache.put("a", 1, capacity=0)
    assert cache.get("a") is None and len(cache) == 0
