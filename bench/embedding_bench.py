"""Query embedding: torch (sentence-transformers) against ONNX runtime for all-MiniLM-L6-v2.

Prints load time, one-query latency (median/p95), batch throughput, and the top-10 agreement of ONNX with
torch when searching a sample of real catalogue names with real shopper queries.
    .venv/bin/python bench/embedding_bench.py [--docs 5000]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assistant.onnx_encoder import OnnxSentenceEncoder, export_onnx_model, model_dir  # noqa: E402

QUERIES = [
    "red dress for a party", "kicks for running", "timepiece for my husband", "blue office shirt",
    "women white casual shoes", "black leather handbag", "summer shorts for men", "ethnic kurta for diwali",
    "girls pink top", "navy blue flip flops", "sunglasses for the beach", "warm jacket for winter",
    "formal black shoes", "gold earrings", "sports watch", "denim jeans slim fit", "backpack for school",
    "perfume gift for her", "socks", "grey sweatshirt",
]


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=5000)
    args = parser.parse_args()
    with gzip.open(ROOT / "data/demo/fashion-catalog.csv.gz", "rt", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    random.Random(7).shuffle(names)
    docs = names[: args.docs]

    t = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir()), device="cpu")
    torch_load = time.perf_counter() - t
    cache = Path(tempfile.gettempdir()) / "twinshop-bench-onnx"
    t = time.perf_counter()
    path = export_onnx_model(cache)
    export_s = time.perf_counter() - t
    t = time.perf_counter()
    onnx = OnnxSentenceEncoder(path)
    onnx_load = time.perf_counter() - t

    encoders = {
        "torch": lambda texts: st.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True),
        "onnx": onnx.encode,
    }
    rows = []
    doc_vectors = {}
    for name, enc in encoders.items():
        for q in QUERIES[:5]:
            enc([q])
        lat = []
        for _ in range(3):
            for q in QUERIES:
                t = time.perf_counter()
                enc([q])
                lat.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        doc_vectors[name] = enc(docs)
        throughput = len(docs) / (time.perf_counter() - t)
        rows.append((name, statistics.median(lat), pct(lat, 0.95), throughput))

    agreement = []
    for q in QUERIES:
        a = encoders["torch"]([q])[0]
        b = encoders["onnx"]([q])[0]
        top_a = set(np.argsort(-(doc_vectors["torch"] @ a))[:10])
        top_b = set(np.argsort(-(doc_vectors["onnx"] @ b))[:10])
        agreement.append(len(top_a & top_b) / 10)
    max_diff = float(np.abs(doc_vectors["torch"] - doc_vectors["onnx"]).max())

    print(f"all-MiniLM-L6-v2 on {os.cpu_count()} cores, {len(docs)} catalogue names, {len(QUERIES)} queries x3")
    print(f"load: torch {torch_load:.2f} s (incl. import) | onnx export {export_s:.2f} s (cached after) | onnx load {onnx_load:.2f} s")
    print(f"{'path':<8}{'query p50 ms':>14}{'query p95 ms':>14}{'texts/s (batch 64)':>20}")
    for name, p50, p95, tps in rows:
        print(f"{name:<8}{p50:>14.2f}{p95:>14.2f}{tps:>20.0f}")
    print(f"top-10 agreement onnx vs torch: {statistics.mean(agreement):.3f} (min {min(agreement):.1f}); max |diff| {max_diff:.2e}")


if __name__ == "__main__":
    main()
