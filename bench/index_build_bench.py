"""Index build and start-up: cold embedding speed, warm rebuild and warm start, and what HNSW keeps.

  cold        embed product texts that no cache holds (a sample of the catalogue, same code path as
              build_index: EmbeddingCache.ensure -> sentence-transformers), with a progress bar; texts/s
              and the whole catalogue extrapolated from it
  no-op       build_index with nothing changed (digest check only)
  warm build  a forced new index version with every embedding cached (reads the cache, writes the file)
  warm start  a fresh worker process: django.setup, index snapshot (facets from the DB + vectors from the
              versioned file), ONNX session, first search; what a restarted worker pays before its first turn
  HNSW        on the real catalogue vectors: build time, search time and recall@10 against the exact
              IndexFlatIP answer (plain, and counting exact score ties, since 15,943 products share a text)

    python bench/index_build_bench.py [--cold 1500] [--queries 300]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from tqdm import tqdm  # noqa: E402

from assistant.retrieval import index as index_mod  # noqa: E402
from assistant.retrieval.embeddings import MODEL_NAME, EmbeddingCache  # noqa: E402
from bench._live import load_average, machine, table  # noqa: E402

WARM_START = """
import os, sys, time
t0 = time.perf_counter()
sys.path.insert(0, os.getcwd())
import django
django.setup()
t1 = time.perf_counter()
from assistant.retrieval.index import get_snapshot
from assistant.retrieval.embeddings import query_encoder
from assistant.understanding.schema import Filters
snap = get_snapshot()
t2 = time.perf_counter()
q = query_encoder("white sneakers for men")
t3 = time.perf_counter()
hits = snap.rank(snap.mask(Filters()), q, k=10)
t4 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {t4 - t3:.3f} {snap.size} {len(hits)}")
"""


def cold(n: int) -> tuple[int, float]:
    """Embed n catalogue texts into an empty cache; (texts, seconds)."""
    rows = index_mod._catalogue_rows()
    texts = list(dict.fromkeys(t for _, t in rows))
    random.Random(5).shuffle(texts)
    sample = texts[:n]
    tmp = Path(tempfile.mkdtemp(prefix="index-bench-cold-"))
    try:
        cache = EmbeddingCache(tmp)
        from assistant.retrieval.embeddings import get_model

        get_model()  # loading torch + the model is start-up, not embedding speed
        bar = tqdm(total=len(sample), unit="text", desc="cold embedding (sample)", file=sys.stderr)
        t0 = time.perf_counter()
        cache.ensure(sample, progress=bar.update)
        seconds = time.perf_counter() - t0
        bar.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return len(sample), seconds


def warm_build() -> tuple[float, float, int]:
    """(no-op build s, forced build from cache s, products) in a scratch index dir sharing the embedding cache."""
    real = Path(settings.ASSISTANT_INDEX_DIR)
    scratch = Path(tempfile.mkdtemp(prefix="index-bench-warm-"))
    try:
        (scratch / f"embeddings-{MODEL_NAME}").symlink_to(real / f"embeddings-{MODEL_NAME}", target_is_directory=True)
        settings.ASSISTANT_INDEX_DIR = scratch
        first = index_mod.index_build()  # every vector from the cache
        t0 = time.perf_counter()
        again = index_mod.index_build()
        noop = time.perf_counter() - t0
        assert again.unchanged
        t0 = time.perf_counter()
        forced = index_mod.index_build(force=True)
        forced_s = time.perf_counter() - t0
        assert forced.embedded == 0 and first.embedded == 0, "embedding cache incomplete: run build_index first"
        return noop, forced_s, forced.products
    finally:
        settings.ASSISTANT_INDEX_DIR = real
        index_mod._reset_snapshot()
        shutil.rmtree(scratch, ignore_errors=True)


def warm_start(runs: int = 3) -> list[list[float]]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", WARM_START], cwd=Path(__file__).resolve().parent.parent,
                              capture_output=True, text=True, check=True, env={**os.environ})
        total = time.perf_counter() - t0
        parts = [float(x) for x in proc.stdout.split()[:4]]
        out.append([total, *parts])
    return out


def hnsw(queries: int) -> list[list[object]]:
    import faiss

    snap = index_mod.get_snapshot()
    vectors = snap.vectors[snap.has_vector]
    rng = np.random.default_rng(11)
    from assistant.retrieval.embeddings import encode_queries

    shopper = ["white sneakers for men", "red party dress", "timepiece for dad", "office shirt blue", "kurta for diwali",
               "black handbag", "running shoes women", "flip flops", "sunglasses beach", "winter jacket", "gold earrings",
               "sports watch", "slim fit jeans", "school backpack", "perfume for her", "socks", "grey sweatshirt",
               "track pants", "formal shoes", "saree for a wedding"]
    qv = np.vstack([encode_queries(shopper), vectors[rng.choice(len(vectors), size=max(0, queries - len(shopper)), replace=False)]])
    qv = np.ascontiguousarray(qv, dtype=np.float32)
    faiss.cvar.distance_compute_blas_threshold = 20
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    exact_s, exact_i = flat.search(qv, 10)
    t0 = time.perf_counter()
    for q in qv[:50]:
        flat.search(q.reshape(1, -1), 10)
    flat_ms = (time.perf_counter() - t0) / 50 * 1000
    t0 = time.perf_counter()
    for q in qv[:50]:
        scores = vectors @ q
        np.argpartition(-scores, 9)[:10]
    numpy_ms = (time.perf_counter() - t0) / 50 * 1000
    t0 = time.perf_counter()
    graph = index_mod.hnsw_build(vectors)
    build_s = time.perf_counter() - t0
    rows: list[list[object]] = [["exact IndexFlatIP", "-", f"{flat_ms:.2f}", "1.000", "1.000"],
                                ["exact numpy matrix-vector + argpartition", "-", f"{numpy_ms:.2f}", "1.000", "1.000"]]
    for ef in (32, 64, 128, 256):
        graph.hnsw.efSearch = ef
        got_s, got_i = graph.search(qv, 10)
        t0 = time.perf_counter()
        for q in qv[:200]:
            graph.search(q.reshape(1, -1), 10)
        ms = (time.perf_counter() - t0) / min(200, len(qv)) * 1000
        plain = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact_i, got_i, strict=False)])
        # A tie with the 10th exact score is as good an answer as the id the exact search happened to pick.
        ties = np.mean([(g >= e[-1] - 1e-5).sum() / 10 for e, g in zip(exact_s, got_s, strict=False)])
        rows.append([f"HNSW M={index_mod.HNSW_M} efC={index_mod.HNSW_EF_CONSTRUCTION} efSearch={ef}"
                     + (" (used)" if ef == index_mod.HNSW_EF_SEARCH else ""), f"{build_s:.1f}", f"{ms:.2f}",
                     f"{plain:.3f}", f"{ties:.3f}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", type=int, default=1500, help="texts embedded cold (sample)")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average: {load_average()}")
    manifest = index_mod.read_manifest() or {}
    unique = len({t for _, t in index_mod._catalogue_rows()})
    print(f"catalogue: {manifest.get('products')} products ({unique} distinct texts), index v{manifest.get('version')}; "
          f"HNSW from {index_mod.hnsw_min_products():,} products on")

    n, seconds = cold(args.cold)
    rate = n / seconds
    noop, forced, products = warm_build()
    starts = warm_start()
    print()
    print(table(["step", "result"], [
        ["cold embedding (torch, batches of 64)", f"{n} texts in {seconds:.1f} s = {rate:.0f} texts/s"],
        ["cold full catalogue (extrapolated)", f"{unique} distinct texts ~ {unique / rate / 60:.1f} min"],
        ["build_index, nothing changed", f"{noop:.2f} s"],
        ["new version from cached embeddings", f"{forced:.2f} s ({products} products)"],
    ]))
    print()
    print(table(["warm start run", "total s", "django.setup s", "snapshot s", "first query embed s", "first search s"],
                [[str(i + 1), *(f"{x:.2f}" for x in r)] for i, r in enumerate(starts)]))
    med = statistics.median(r[0] for r in starts)
    print(f"warm start target < 10 s: {'MET' if med < 10 else 'MISSED'} (median {med:.2f} s)")
    print()
    print(table(["index", "build s", "ms/query", "recall@10", "recall@10 (ties)"], hnsw(args.queries)))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
