"""Embedding fallback: map a word the lexicon doesn't know onto the nearest catalogue concept."""
from __future__ import annotations

import threading

import numpy as np

from ..retrieval.embeddings import encode_queries, query_encoder
from ..retrieval.store import get_store
from .vocabulary import Concept, Vocabulary

_lock = threading.Lock()
_anchor_cache: dict[int, tuple[Vocabulary, np.ndarray, list[Concept]]] = {}


def _anchors(vocab: Vocabulary) -> tuple[np.ndarray, list[Concept]]:
    key = id(vocab)
    with _lock:
        hit = _anchor_cache.get(key)
        if hit is not None and hit[0] is vocab:
            return hit[1], hit[2]
    texts = [t for t, _c in vocab.anchors]
    concepts = [c for _t, c in vocab.anchors]
    cache = get_store().embedding_cache()  # shared with every machine in scale-out mode
    missing = cache.missing(texts)
    if missing:
        cache.add(missing, encode_queries(missing))
    matrix = cache.get_many(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    with _lock:
        _anchor_cache.clear()
        _anchor_cache[key] = (vocab, matrix, concepts)
    return matrix, concepts


def make_resolver(vocab: Vocabulary):
    """resolver(phrase, kinds_already_set) -> (concept, cosine) of the nearest anchor, or None."""

    def resolve(phrase: str, already: set[str]) -> tuple[Concept, float] | None:
        matrix, concepts = _anchors(vocab)
        if not len(concepts):
            return None
        scores = matrix @ query_encoder(phrase)
        for i in np.argsort(-scores)[:5]:
            c = concepts[int(i)]
            key = {"category": "article_types"}.get(c.kind, c.kind + "s")
            if key in already or c.kind == "gender":
                # who it is for is a closed set (the lexicon knows it); guessing it from similarity misfires
                continue
            return c, float(scores[int(i)])
        return None

    return resolve


def warm(vocab: Vocabulary) -> None:
    _anchors(vocab)
