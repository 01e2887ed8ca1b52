"""A small thread-safe least-recently-used map, for the per-process caches of the assistant (query vectors,
search rankings): a hit moves to the newest end, a put past the capacity drops the oldest."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V, *, capacity: int) -> None:
        """Keep `value` under `key`; a capacity of 0 or less keeps nothing (the cache is off)."""
        if capacity <= 0:
            return
        with self._lock:
            self._items[key] = value
            while len(self._items) > capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
