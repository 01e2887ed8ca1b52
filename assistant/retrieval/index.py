"""The catalogue index: product vectors in a versioned store, product facets in memory, exact filtered search.

Where versions, the embedding cache and the stale marks live is the store's business (store.py: files under
ASSISTANT_INDEX_DIR by default, PostgreSQL rows in scale-out mode, shared.py). The files of the default:
  embeddings-<model>/chunk-*.npy|json   vectors by text hash (embeddings.EmbeddingCache): restarts embed nothing
  index-v<N>.npz                        catalogue ids + vectors of one build
  current.json                          {"version": N, "file": ..., "digest": ..., ...}: what workers load
  stale.json                            bumped when products changed: workers reload facets from the DB

Facets (gender, type, colour, usage, brand, price, sizes in stock) are read from the database whenever
the version or stale marker changes, so filters are exact against what the shop sells right now. Search
is an exact inner product over the filtered rows (numpy over a subset is cheaper than FAISS there; the
whole-catalogue case uses a FAISS IndexFlatIP).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DatabaseError

from shop.filters import CatalogFilters

from ..understanding.schema import Filters
from . import store as store_mod
from .embeddings import DIMENSION, MODEL_NAME
from .store import IndexLoadError, LoadedVersion, get_store, health_set
from .text import TEXT_VERSION, product_text, text_hash

_PLAIN_WORD = re.compile(r"[a-z0-9]+")
logger = logging.getLogger(__name__)

INDEX_FORMAT = 1

# An exact scan of every vector costs ~5-9 ms at 44k products and grows linearly. From this many products on,
# the unfiltered search goes through an HNSW graph built once per index version (bench/index_build_bench.py
# measures the recall kept); filtered searches always stay exact over the filtered rows.
# Wishes rank: a product meeting the occasion outranks any that doesn't (cosines differ by well under 0.5
# within a filtered set); the season orders within that.
WISH_USAGE_BONUS = 0.5
WISH_SEASON_BONUS = 0.2
# A kind of product built against a wish ("comfortable" shoes: heels) ranks below every other kind the filters
# admit, and is still shown when nothing else matches.
WISH_AGAINST_PENALTY = 0.5
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 128


def hnsw_min_products() -> int:
    return settings.ASSISTANT_HNSW_MIN_PRODUCTS


def hnsw_build(vectors: np.ndarray) -> Any:
    import faiss

    index = faiss.IndexHNSWFlat(DIMENSION, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def index_dir() -> Path:
    return store_mod.index_dir()


def ensure_index_dir() -> Path:
    return store_mod.ensure_index_dir()


def _catalogue_rows() -> list[tuple[int, str]]:
    """(catalog_id, embedding text) of every published product, in catalogue id order."""
    from shop.models import Product

    rows = (
        Product.objects.filter(is_published=True)
        .order_by("catalog_id")
        .values_list("catalog_id", "name", "gender", "article_type__name", "colour__name", "usage")
    )
    return [
        (cid, product_text(name=name, gender=gender, article_type=at or "", colour=colour or "", usage=usage or ""))
        for cid, name, gender, at, colour, usage in rows
    ]


_write_json_atomic = store_mod.write_json_atomic


def read_manifest() -> dict[str, Any] | None:
    return get_store().manifest()


@dataclass
class BuildReport:
    version: int
    products: int
    embedded: int
    unchanged: bool
    seconds: float
    skipped: bool = False  # another machine held the build lock; it builds this change too


_build_lock = threading.Lock()
# Catalogue changes that keep arriving while a build runs are folded into at most this many builds in a row.
MAX_BUILD_ROUNDS = 5


def index_build(*, progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
                force: bool = False) -> BuildReport:
    """Embed what the cache lacks and publish a new index version (no-op when nothing changed).

    One builder at a time: per process a thread lock, across machines the store's lock. A caller that finds
    the lock taken returns at once (skipped): its change is in the stale counter, which the builder checks
    again after letting go, and builds once more if it moved."""
    started = time.perf_counter()
    store = get_store()
    report = BuildReport(0, 0, 0, True, 0.0, skipped=True)
    for _round in range(MAX_BUILD_ROUNDS):
        seen = store.build_requests()
        with _build_lock, store.build_lock() as got:
            if not got:
                logger.info("index build skipped: another machine holds the build lock and keeps serving")
                return BuildReport(0, 0, 0, True, time.perf_counter() - started, skipped=True)
            try:
                report = _build_once(store, progress=progress, on_total=on_total, force=force and _round == 0)
            except Exception as exc:
                health_set("build", f"index build failed ({exc.__class__.__name__}: {str(exc).strip()[:160]}); "
                                    "the current version stays")
                raise
            health_set("build", None)
        if store.build_requests() == seen:
            break
    _reset_snapshot()
    report.seconds = time.perf_counter() - started
    return report


def _build_once(store: Any, *, progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None,
                force: bool) -> BuildReport:
    started = time.perf_counter()
    rows = _catalogue_rows()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    texts = [r[1] for r in rows]
    digest = hashlib.blake2b(
        json.dumps([MODEL_NAME, TEXT_VERSION, INDEX_FORMAT]).encode() + ids.tobytes()
        + "".join(text_hash(t) for t in texts).encode(),
        digest_size=16,
    ).hexdigest()
    manifest = store.manifest()
    if not force and store.is_current(manifest, digest):
        return BuildReport(manifest["version"], len(rows), 0, True, time.perf_counter() - started)
    cache = store.embedding_cache()
    if on_total is not None:
        on_total(len(cache.missing(texts)))
    embedded = cache.ensure(texts, progress=progress)
    vectors = cache.get_many(texts) if texts else np.zeros((0, DIMENSION), dtype=np.float32)
    hnsw_bytes = None
    if len(rows) >= hnsw_min_products():
        import faiss

        hnsw_bytes = faiss.serialize_index(hnsw_build(vectors)).tobytes()
    version = store.publish(ids=ids, vectors=vectors, hnsw_bytes=hnsw_bytes, meta={
        "digest": digest, "products": len(rows), "model": MODEL_NAME, "dimension": DIMENSION,
        "text_version": TEXT_VERSION, "format": INDEX_FORMAT, "built_at": time.time(),
    })
    if not store.shared and len(list(cache.directory.glob("chunk-*.json"))) > 32:
        cache.compact(keep=texts)
    return BuildReport(version, len(rows), embedded, False, time.perf_counter() - started)


def mark_stale(catalog_ids: Iterable[int]) -> None:
    """Tell every worker to re-read facets from the database (prices, stock, publication changed)."""
    get_store().mark_stale(len(list(catalog_ids)))
    _reset_snapshot()


# The vectors of the version this process serves, kept between snapshots (a stale mark re-reads facets only).
_loaded: LoadedVersion | None = None
_loaded_key: tuple[Any, ...] | None = None


# After a failed load, get_snapshot() tries again this often (the stamp alone would wait for the next change).
LOAD_RETRY_SECONDS = 5.0
_load_retry_at: float | None = None


def loaded_version() -> int | None:
    return _loaded.version if _loaded is not None else None


def _vectors_for(manifest: dict[str, Any] | None) -> LoadedVersion | None:
    """The manifest's version, loaded once; if it cannot be loaded (store unreachable, checksum failed), the
    last good version this process (or this disk) had, with the reason logged and shown by /readyz."""
    global _loaded, _loaded_key, _load_retry_at
    if not manifest:
        return None
    store = get_store()
    key = (str(index_dir()), manifest.get("version"), manifest.get("sha256") or manifest.get("built_at"))
    if _loaded is not None and key == _loaded_key:
        return _loaded
    try:
        loaded = store.load(manifest)
    except IndexLoadError as exc:
        health_set("load", str(exc))
        _load_retry_at = time.monotonic() + LOAD_RETRY_SECONDS
        if _loaded is None and store.shared:
            _loaded = store.fallback()
        return _loaded
    health_set("load", None)
    _loaded, _loaded_key = loaded, key
    return loaded


class Snapshot:
    """Facets of every published product plus its vector, aligned by row."""

    def __init__(self, *, manifest: dict[str, Any] | None, stamp: tuple[Any, ...]) -> None:
        from shop.models import Product, Variant

        self.stamp = stamp
        rows = list(
            Product.objects.filter(is_published=True)
            .order_by("catalog_id")
            .values_list("catalog_id", "gender", "article_type__name", "colour__name", "usage", "brand__name", "price",
                         "article_type__sub_category__name", "article_type__sub_category__master__name",
                         "season", "name")
        )
        n = len(rows)
        self.size = n
        self.catalog_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        self.row_of: dict[int, int] = {int(c): i for i, c in enumerate(self.catalog_ids)}

        def codes(col: int) -> tuple[np.ndarray, dict[str, int]]:
            names: dict[str, int] = {}
            arr = np.empty(n, dtype=np.int32)
            for i, r in enumerate(rows):
                arr[i] = names.setdefault(str(r[col] or ""), len(names))
            return arr, names

        self.gender, self.gender_codes = codes(1)
        self.article_type, self.type_codes = codes(2)
        self.colour, self.colour_codes = codes(3)
        self.usage, self.usage_codes = codes(4)
        self.brand, self.brand_codes = codes(5)
        self.price_cents = np.fromiter((int(r[6] * 100) for r in rows), dtype=np.int64, count=n)
        self.sub_category, self.sub_codes = codes(7)
        self.master_category, self.master_codes = codes(8)
        # shop.filters.ProductFacts field -> (codes per row, code of each value)
        self._columns: dict[str, tuple[np.ndarray, dict[str, int]]] = {
            "gender": (self.gender, self.gender_codes), "article_type": (self.article_type, self.type_codes),
            "colour": (self.colour, self.colour_codes), "usage": (self.usage, self.usage_codes),
            "brand": (self.brand, self.brand_codes), "sub_category": (self.sub_category, self.sub_codes),
            "master_category": (self.master_category, self.master_codes),
        }
        self.season, self.season_codes = codes(9)
        self._names = [r[10] for r in rows]
        self._word_rows: dict[str, np.ndarray] | None = None
        self._name_counts: dict[str, int] | None = None
        self._centroids: tuple[list[str], np.ndarray] | None = None

        self.sizes: dict[str, np.ndarray] = {}
        in_stock = Variant.objects.filter(product__is_published=True, stock__gt=0).values_list("product__catalog_id", "size")
        for cid, size in in_stock.iterator(chunk_size=5000):
            row = self.row_of.get(cid)
            if row is None:
                continue
            arr = self.sizes.get(size)
            if arr is None:
                arr = self.sizes[size] = np.zeros(n, dtype=bool)
            arr[row] = True

        self.vectors = np.zeros((n, DIMENSION), dtype=np.float32)
        self.has_vector = np.zeros(n, dtype=bool)
        loaded = _vectors_for(manifest)
        self.version = loaded.version if loaded is not None else 0
        self._hnsw: Any = loaded.hnsw if loaded is not None else None
        self._build_ids: np.ndarray | None = None
        if loaded is not None:
            ids, vecs = loaded.catalog_ids, loaded.vectors
            self._build_ids = ids
            rows_idx = np.fromiter((self.row_of.get(int(c), -1) for c in ids), dtype=np.int64, count=len(ids))
            ok = rows_idx >= 0
            self.vectors[rows_idx[ok]] = vecs[ok]
            self.has_vector[rows_idx[ok]] = True
        self._faiss: Any = None
        self._isin_cache: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}

    def faiss_index(self) -> tuple[Any, np.ndarray]:
        """(index, catalogue id of each index row) for the unfiltered search: the version's HNSW graph when
        the build wrote one (large catalogues), else an exact IndexFlatIP over this snapshot's rows."""
        if self._faiss is None:
            import faiss

            index, ids = None, self.catalog_ids
            if self._hnsw is not None and self._build_ids is not None:
                try:
                    index = self._hnsw()
                except RuntimeError:
                    logger.exception("could not read the HNSW graph of index v%s; searching exactly", self.version)
                if index is not None:
                    index.hnsw.efSearch = HNSW_EF_SEARCH
                    ids = self._build_ids
            if index is None:
                index = faiss.IndexFlatIP(DIMENSION)
                if self.size:
                    index.add(self.vectors)
            self._faiss = (index, ids)
        return self._faiss

    def _isin(self, arr: np.ndarray, codes: dict[str, int], values: list[str]) -> np.ndarray:
        wanted = tuple(sorted({codes[v] for v in values if v in codes}))
        if not wanted:
            return np.zeros(self.size, dtype=bool)
        # Shoppers reuse the same few facet values turn after turn: the 44k-row comparison is done once per
        # snapshot (a few % of a loaded worker in py-spy). Callers combine masks with &, never in place.
        key = (id(arr), wanted)
        hit = self._isin_cache.get(key)
        if hit is None:
            hit = np.isin(arr, wanted)
            hit.setflags(write=False)
            if len(self._isin_cache) < 1024:
                self._isin_cache[key] = hit
        return hit

    def mask(self, f: Filters, *, without: str | None = None) -> np.ndarray:
        """Rows that meet the chat's filters; `without` drops one filter by its name (a Filters field, or "price")."""
        return self.mask_catalog(f.to_catalog(), without=without)

    def mask_catalog(self, cf: CatalogFilters, *, without: str | None = None) -> np.ndarray:
        """Rows that meet the filters as shop.filters defines them (the listing and the chat's row check agree)."""
        m = np.ones(self.size, dtype=bool)
        for cond in cf.conditions():
            if cond.name == without:
                continue
            values = [v for v in cond.values if v]  # an empty value is never one of the values (shop.filters)
            # Any of the condition's fields (it always names at least one).
            first, *others = cond.fields
            hit = self._isin(*self._columns[first], values)
            for name in others:
                hit = hit | self._isin(*self._columns[name], values)
            m &= ~hit if cond.exclude else hit
        if without != "price":
            if cf.max_price is not None:
                m &= self.price_cents <= int(Decimal(cf.max_price) * 100)
            if cf.min_price is not None:
                m &= self.price_cents >= int(Decimal(cf.min_price) * 100)
        if cf.size and without != "size":
            sized = self.sizes.get(cf.size)
            m &= sized if sized is not None else np.zeros(self.size, dtype=bool)
        if without != "exclude_words":
            for word in cf.exclude_words:
                m &= ~self.name_has(word)
        for word in cf.name_words:
            m &= self.name_has(word)
        return m

    def name_has(self, word: str) -> np.ndarray:
        """Rows whose product name contains `word` as shop.filters reads an excluded word: case-insensitively,
        as a part of the name. A word of letters and digits can only occur inside one of a name's tokens, so the
        distinct tokens (a few thousand, indexed at the first exclusion) are scanned instead of every name."""
        word = word.lower()
        word_rows = self._name_tokens()
        out = np.zeros(self.size, dtype=bool)
        if not _PLAIN_WORD.fullmatch(word):
            out[[row for row, name in enumerate(self._names) if word in name.lower()]] = True
            return out
        for tok, rows in word_rows.items():
            if word in tok:
                out[rows] = True
        return out

    def _name_tokens(self) -> dict[str, np.ndarray]:
        """Each distinct token of the product names -> the rows whose name has it (built once per snapshot)."""
        if self._word_rows is None:
            from ..understanding.vocabulary import tokens

            rows_of: dict[str, list[int]] = {}
            for row, name in enumerate(self._names):
                for tok in set(tokens(name.lower())):
                    rows_of.setdefault(tok, []).append(row)
            self._word_rows = {w: np.array(r, dtype=np.int64) for w, r in rows_of.items()}
        return self._word_rows

    def name_word_counts(self) -> dict[str, int]:
        """How many published products' names carry each word (the speller prefers the commoner word)."""
        if self._name_counts is None:
            self._name_counts = {w: len(rows) for w, rows in self._name_tokens().items()}
        return self._name_counts

    def wish_boost(self, *, usages: list[str], seasons: list[str],
                   against_types: list[str] | tuple[str, ...] = ()) -> np.ndarray | None:
        """A score bonus per row for products that meet the shopper's wishes (occasion, season), a penalty for
        kinds of product built against them (`against_types`)."""
        if not usages and not seasons and not against_types:
            return None
        boost = np.zeros(self.size, dtype=np.float32)
        if against_types:
            boost -= WISH_AGAINST_PENALTY * self._isin(self.article_type, self.type_codes, list(against_types))
        if usages:
            boost += WISH_USAGE_BONUS * self._isin(self.usage, self.usage_codes, usages)
        if seasons:
            boost += WISH_SEASON_BONUS * self._isin(self.season, self.season_codes, seasons)
        return boost

    def type_centroids(self) -> tuple[list[str], np.ndarray]:
        """Each article type's mean product vector (normalised): what the shop sells, as points to compare a
        request with. Computed once per snapshot."""
        if self._centroids is None:
            names = sorted(self.type_codes, key=self.type_codes.__getitem__)
            sums = np.zeros((len(names), DIMENSION), dtype=np.float32)
            np.add.at(sums, self.article_type[self.has_vector], self.vectors[self.has_vector])
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self._centroids = (names, sums / np.where(norms == 0, 1, norms))
        return self._centroids

    def rank(self, mask: np.ndarray, query: np.ndarray, *, k: int, exclude: Iterable[int] = (),
             boost: np.ndarray | None = None) -> list[tuple[int, float]]:
        m = mask.copy()
        for cid in exclude:
            row = self.row_of.get(int(cid))
            if row is not None:
                m[row] = False
        rows = np.flatnonzero(m)
        if rows.size == 0:
            return []
        if rows.size == self.size and boost is None:
            index, ids = self.faiss_index()
            scores_all, idx = index.search(query.reshape(1, -1).astype(np.float32), min(k * 4, rows.size))
            # An HNSW graph is per build: products unpublished since then are dropped here.
            pairs = [(int(ids[i]), float(s)) for i, s in zip(idx[0], scores_all[0], strict=False)
                     if i >= 0 and int(ids[i]) in self.row_of]
        else:
            scores = self.vectors[rows] @ query
            if boost is not None:
                scores = scores + boost[rows]
            if rows.size > k * 4:
                top = np.argpartition(-scores, k * 4 - 1)[: k * 4]
            else:
                top = np.arange(rows.size)
            pairs = [(int(self.catalog_ids[rows[i]]), float(scores[i])) for i in top]
        # Identical texts tie exactly; the catalogue id keeps the order stable between runs.
        pairs.sort(key=lambda p: (-round(p[1], 6), p[0]))
        return pairs[:k]

    def by_price(self, mask: np.ndarray, *, k: int, descending: bool = False) -> list[int]:
        """The catalogue ids of the k cheapest (or dearest) rows of the mask; equal prices in catalogue order."""
        rows = np.flatnonzero(mask)
        prices = -self.price_cents[rows] if descending else self.price_cents[rows]
        order = np.lexsort((self.catalog_ids[rows], prices))[:k]
        return [int(self.catalog_ids[rows[i]]) for i in order]

    def count(self, mask: np.ndarray) -> int:
        return int(mask.sum())

    def vector_of(self, catalog_id: int) -> np.ndarray | None:
        row = self.row_of.get(int(catalog_id))
        return None if row is None else self.vectors[row]

    def facets_of(self, catalog_id: int) -> dict[str, str] | None:
        row = self.row_of.get(int(catalog_id))
        if row is None:
            return None
        inv = lambda codes, arr: next(k for k, v in codes.items() if v == arr[row])  # noqa: E731
        return {"gender": inv(self.gender_codes, self.gender), "article_type": inv(self.type_codes, self.article_type),
                "colour": inv(self.colour_codes, self.colour), "usage": inv(self.usage_codes, self.usage)}


_snapshot: Snapshot | None = None
_snapshot_lock = threading.Lock()


def _stamp() -> tuple[Any, ...]:
    return get_store().stamp()


def _reset_snapshot() -> None:
    """This process changed the index or the catalogue: the next get_snapshot() reloads."""
    global _snapshot_forced
    with _snapshot_lock:
        _snapshot_forced = True
        forget = getattr(get_store(), "forget_stamp", None)
        if forget is not None:
            forget()


_snapshot_forced = False


def get_snapshot() -> Snapshot:
    """The process-wide snapshot, reloaded when another process published a new version or marked it stale.

    If the reload fails on a database error while a snapshot is loaded, that one keeps serving (logged, and
    /readyz says so) and the next call tries again."""
    global _snapshot, _snapshot_forced, _load_retry_at
    stamp = _stamp()
    snap = _snapshot
    if _load_retry_at is not None and time.monotonic() >= _load_retry_at:
        _load_retry_at, _snapshot_forced = None, True
    if snap is not None and snap.stamp == stamp and not _snapshot_forced:
        return snap
    with _snapshot_lock:
        if _snapshot is None or _snapshot.stamp != stamp or _snapshot_forced:
            try:
                _snapshot = Snapshot(manifest=read_manifest(), stamp=stamp)
                _snapshot_forced = False
                health_set("reload", None)
            except DatabaseError as exc:
                if _snapshot is None:
                    raise
                health_set("reload", f"could not reload the catalogue snapshot ({exc.__class__.__name__}); "
                                     f"serving the previous one")
        return _snapshot
