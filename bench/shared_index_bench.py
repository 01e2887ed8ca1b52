"""The shared index store at catalogue scale: publish a version of N products to PostgreSQL, load it back on a
"machine" with an empty disk (read, sha256, unpack), and the embedding cache's full read.

Synthetic vectors (no embedding): what is timed is the store, not the model. Uses its own database
(`<DATABASE_URL's name>_sharedbench`, created and dropped here).
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinshop .venv/bin/python bench/shared_index_bench.py [--products 44446]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._live import load_average, machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=44_446)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import environ
    import psycopg

    base = os.environ["DATABASE_URL"]
    cfg = environ.Env.db_url_config(base)
    name = f"{cfg['NAME']}_sharedbench"
    admin = dict(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"],
                 password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}"
    os.environ["TWINSHOP_DATA_DIR"] = tempfile.mkdtemp(prefix="sharedbench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    os.environ["ASSISTANT_INDEX_STORE"] = "database"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import numpy as np

    from assistant.retrieval import shared, store
    from assistant.retrieval.embeddings import DIMENSION

    rng = np.random.default_rng(0)
    n = args.products
    ids = np.arange(1, n + 1, dtype=np.int64)
    vectors = rng.standard_normal((n, DIMENSION), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    db = shared.DatabaseStore()
    publish, load, cache_write, cache_read = [], [], [], []
    try:
        texts = [f"product {i}" for i in range(n)]
        t0 = time.perf_counter()
        shared.DatabaseEmbeddingCache().add(texts, vectors)
        cache_write.append(time.perf_counter() - t0)
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            db.publish(ids=ids, vectors=vectors, hnsw_bytes=None, meta={"digest": "0" * 32, "products": n})
            publish.append(time.perf_counter() - t0)
            manifest = db.manifest()
            t0 = time.perf_counter()
            loaded = db.load(manifest)
            load.append(time.perf_counter() - t0)
            assert loaded.vectors.shape == (n, DIMENSION)
            shared._vectors.clear()
            t0 = time.perf_counter()
            shared.DatabaseEmbeddingCache().get_many(texts)
            cache_read.append(time.perf_counter() - t0)
        size_mb = len(store.npz_bytes(ids, vectors)) / 1e6
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    med = lambda xs: statistics.median(xs)  # noqa: E731
    print(f"host: {machine()}; load average {load_average()}")
    print(f"{n} products, version payload {size_mb:.1f} MB, {args.rounds} rounds (median, all)")
    print(f"publish a version (npz + sha256 + INSERT bytea + manifest, one transaction): "
          f"{med(publish):.2f} s  {[round(x, 2) for x in publish]}")
    print(f"load it on an empty disk (SELECT + sha256 + unpack + local copy):          "
          f"{med(load):.2f} s  {[round(x, 2) for x in load]}")
    print(f"embedding cache: write {n} rows {cache_write[0]:.2f} s; read them all back "
          f"{med(cache_read):.2f} s  {[round(x, 2) for x in cache_read]}")


if __name__ == "__main__":
    main()
