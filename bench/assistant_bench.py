"""Assistant turn latency on the full demo catalogue: message in -> final reply out, in process.

Runs the same service the websocket consumer calls (understanding, exact filtered retrieval, cards with
twin-image URLs, reply, and the database writes of the turn) over a mix of first turns and follow-ups, after one warm-up
pass so that the model and index load are not counted. Prints median and p95.

    python bench/assistant_bench.py            # needs: migrate, import_catalog, build_index
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from assistant.models import Conversation  # noqa: E402
from assistant.retrieval.embeddings import query_encoder  # noqa: E402
from assistant.retrieval.index import get_snapshot  # noqa: E402
from assistant.services import conversation_message  # noqa: E402

CONVERSATIONS = [
    ["women white casual shoes", "only under $60", "not cream", "the second one is nice, anything cheaper than that?"],
    ["kicks for my husband", "blue ones", "any colour is fine", "below 40 dollars"],
    ["a timepiece for dad", "something for the office", "more like the first"],
    ["crimson frock for my daughter", "start over", "black track pants for women between 20 and 40"],
    ["shirt for an interview for men", "size L", "no white", "cheaper"],
    ["something festive for my wife under $80", "kurtas", "only green ones"],
    ["running shoes for women under $100", "anything but black", "compare the first and second"],
    ["men's navy polo", "in xl", "show me jackets instead"],
]


def run_pass(timings: list[float] | None) -> None:
    with transaction.atomic():
        for i, turns in enumerate(CONVERSATIONS):
            convo = Conversation.objects.create(session_key=f"bench-{i}")
            for text in turns:
                started = time.perf_counter()
                # a session key, as the websocket passes: cards carry signed twin-image URLs
                conversation_message(conversation=convo, text=text, session_key=f"bench-session-{i}")
                if timings is not None:
                    timings.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)


def main() -> None:
    snap = get_snapshot()
    if snap.size < 1000:
        print(f"only {snap.size} products in the database: import the demo catalogue first", file=sys.stderr)
    t0 = time.perf_counter()
    run_pass(None)  # warm-up: model, index, vocabulary, anchors, ONNX session
    warm = time.perf_counter() - t0
    print(f"catalogue: {snap.size} products, index v{snap.version}; warm-up pass {warm:.1f}s")
    for label, clear in (("query-embedding cache cleared before each pass", True),
                         ("query-embedding LRU warm (repeat phrasing)", False)):
        timings: list[float] = []
        for _ in range(5):
            if clear:
                query_encoder._cache.clear()
            run_pass(timings)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"assistant turn (message in -> final reply out), {label}, {len(timings)} turns: "
              f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
