"""One assistant turn broken into its stages, on the full demo catalogue, in process.

bench/assistant_bench.py times whole turns; this one times each stage of the same pipeline
(assistant.pipeline) separately, with the query-embedding LRU cleared so that every turn embeds:

  understand   parse the message against the catalogue vocabulary, update the dialogue filters
  embed        the query text through the ONNX (or torch) encoder
  search       exact filtered ranking over the index snapshot (mask + inner product)
  hydrate      load the hit products with brand/type/colour/variants (products_by_catalog_ids + exact check)
  cards        product cards, including the licensed twin image URL (twins covering each product)
  reply        the grounded reply text
  persist      the turn's database writes (conversation state compare-and-swap + two Turn rows)

    python bench/turn_stages_bench.py [--passes 3]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assistant import pipeline  # noqa: E402
from assistant.models import Conversation, TurnRole  # noqa: E402
from assistant.retrieval.embeddings import query_encoder  # noqa: E402
from assistant.retrieval.index import get_snapshot  # noqa: E402
from assistant.selectors import product_card, product_matches, products_by_catalog_ids, twins_for_products  # noqa: E402
from assistant.services import _record  # noqa: E402
from bench._live import load_average, machine, percentile, table  # noqa: E402
from bench.chat_ws_bench import CONVERSATIONS  # noqa: E402

STAGES = ["understand", "embed", "search", "hydrate", "cards", "reply", "persist"]


def run_turn(ctx: pipeline.TurnContext, timings: dict[str, list[float]], queries: dict[str, list[int]],
             convo: Conversation) -> pipeline.TurnContext:
    def timed(stage: str, fn):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as q:
            t0 = time.perf_counter()
            out = fn()
            timings[stage].append((time.perf_counter() - t0) * 1000)
        queries[stage].append(len(q.captured_queries))
        return out

    ctx = timed("understand", lambda: pipeline.understand(ctx))
    snap = ctx.snapshot or get_snapshot()
    vector = None
    if ctx.show_products and not ctx.compare_ids:
        if ctx.anchor_id is not None and snap.vector_of(ctx.anchor_id) is not None:
            vector = snap.vector_of(ctx.anchor_id)
            timings["embed"].append(0.0)
            queries["embed"].append(0)
        else:
            vector = timed("embed", lambda: query_encoder(ctx.query_text or ctx.text or "fashion"))

    def search() -> list[int]:
        if ctx.compare_ids:
            return list(ctx.compare_ids)
        if vector is None:
            return []
        mask = snap.mask(ctx.filters)
        ctx.count = snap.count(mask)
        if not ctx.count:
            pipeline.retrieve(ctx)  # the relaxation probe
            return []
        exclude = [ctx.anchor_id] if ctx.anchor_id is not None else []
        return [cid for cid, _ in snap.rank(mask, vector, k=pipeline.PAGE, exclude=exclude)]

    ctx.hits = timed("search", search)

    def hydrate():  # type: ignore[no-untyped-def]
        products = products_by_catalog_ids(ctx.hits)
        if not ctx.compare_ids:
            products = [p for p in products if product_matches(p, ctx.filters)]
        return products

    products = timed("hydrate", hydrate)
    ctx.hits = [p.catalog_id for p in products]

    def cards() -> list[dict]:
        # The second half of assistant.pipeline.cards (the first half is "hydrate" above).
        covering = twins_for_products(products) if ctx.session_key else {}
        return [product_card(p, session_key=ctx.session_key, twin_id=ctx.twin_id, twins=covering.get(p.catalog_id))
                for p in products]

    ctx.cards = timed("cards", cards)
    ctx = timed("reply", lambda: pipeline.reply(ctx))
    state = {"filters": ctx.filters.to_public(), "last_shown": ctx.hits or list(ctx.state.get("last_shown") or []),
             "pending": ctx.pending, "query_terms": ctx.query_terms}
    timed("persist", lambda: _record(convo, expected_turns=convo.turn_count, state=state, turns=[
        (TurnRole.SHOPPER, ctx.text, [], {}), (TurnRole.ASSISTANT, ctx.reply, ctx.hits, state["filters"])]))
    return ctx


def run_pass(timings: dict[str, list[float]], queries: dict[str, list[int]], totals: list[float], seed: int) -> None:
    rng = random.Random(seed)
    with transaction.atomic():
        for i, turns in enumerate(CONVERSATIONS):
            convo = Conversation.objects.create(session_key=f"stages-{seed}-{i}")
            for template in turns:
                query_encoder._cache.clear()
                text = template.replace("{p}", str(rng.randint(25, 180)))
                t0 = time.perf_counter()
                ctx = pipeline.TurnContext(text=text, state=dict(convo.state or {}), session_key=f"stages-{seed}-{i}")
                run_turn(ctx, timings, queries, convo)
                totals.append((time.perf_counter() - t0) * 1000)
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average: {load_average()}")
    t0 = time.perf_counter()
    snap = get_snapshot()
    run_pass(defaultdict(list), defaultdict(list), [], seed=0)  # warm-up: vocabulary, ONNX session, twins
    print(f"catalogue: {snap.size} products, index v{snap.version}; warm-up {time.perf_counter() - t0:.1f} s; "
          f"database: {connection.vendor}")
    timings: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    totals: list[float] = []
    for n in range(args.passes):
        run_pass(timings, queries, totals, seed=n + 1)
    rows = []
    for stage in STAGES:
        xs = timings.get(stage) or [0.0]
        rows.append([stage, len(timings.get(stage, [])), f"{statistics.mean(xs):.2f}", f"{statistics.median(xs):.2f}",
                     f"{percentile(xs, 0.95):.2f}", f"{statistics.mean(queries.get(stage) or [0]):.1f}"])
    rows.append(["whole turn", len(totals), f"{statistics.mean(totals):.2f}", f"{statistics.median(totals):.2f}",
                 f"{percentile(totals, 0.95):.2f}", f"{sum(statistics.mean(q) for q in queries.values()):.1f}"])
    print()
    print(table(["stage", "n", "mean ms", "p50 ms", "p95 ms", "SQL queries"], rows))


if __name__ == "__main__":
    main()
