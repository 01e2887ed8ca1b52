"""The index type follows the catalogue size; filtered search stays exact; a new version is picked up."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval import index as index_mod
from assistant.retrieval.embeddings import query_encoder
from assistant.understanding.schema import Filters
from shop.models import Product
from tests.factories import assistant_catalogue_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(settings):  # type: ignore[no-untyped-def]
    # The assistant tests' index directory: its embedding cache means these short texts embed once, ever.
    directory = Path(settings.DATA_DIR) / "assistant-test-index"
    directory.mkdir(parents=True, exist_ok=True)
    settings.ASSISTANT_INDEX_DIR = directory
    settings.ASSISTANT_CHAT_MODEL = None
    index_mod._reset_snapshot()
    yield assistant_catalogue_create()
    index_mod._reset_snapshot()


def _exact_top(snap: index_mod.Snapshot, query: np.ndarray, mask: np.ndarray, k: int) -> list[float]:
    rows = np.flatnonzero(mask)
    return sorted((snap.vectors[rows] @ query).tolist(), reverse=True)[:k]


def test_a_small_catalogue_gets_an_exact_index_and_no_graph(indexed, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASSISTANT_HNSW_MIN_PRODUCTS = 200_000

    index_mod.index_build(force=True)

    manifest = index_mod.read_manifest()
    assert manifest["hnsw"] is None
    index, ids = index_mod.get_snapshot().faiss_index()
    assert type(index).__name__ == "IndexFlatIP" and len(ids) == Product.objects.filter(is_published=True).count()


def test_past_the_threshold_the_version_carries_an_hnsw_graph_and_results_keep_their_scores(indexed, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASSISTANT_HNSW_MIN_PRODUCTS = 1

    report = index_mod.index_build(force=True)

    manifest = index_mod.read_manifest()
    assert manifest["hnsw"] == f"index-v{report.version}.hnsw"
    assert (index_mod.index_dir() / manifest["hnsw"]).exists()
    snap = index_mod.get_snapshot()
    index, _ids = snap.faiss_index()
    assert type(index).__name__ == "IndexHNSWFlat"
    query = query_encoder("blue jeans for men")
    everything = snap.mask(Filters())
    got = snap.rank(everything, query, k=5)
    # Scores, not ids: identical product texts tie exactly. On a catalogue this small the graph is exact.
    assert [round(s, 5) for _, s in got] == [round(s, 5) for s in _exact_top(snap, query, everything, 5)]


def test_with_a_graph_filtered_search_stays_exact_and_unpublished_products_never_come_back(indexed, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASSISTANT_HNSW_MIN_PRODUCTS = 1
    index_mod.index_build(force=True)
    query = query_encoder("shoes")
    top_id = index_mod.get_snapshot().rank(index_mod.get_snapshot().mask(Filters()), query, k=1)[0][0]

    # Hidden after the build: the graph still holds its vector, the snapshot (facets from the DB) does not.
    Product.objects.filter(catalog_id=top_id).update(is_published=False)
    index_mod.mark_stale([top_id])
    snap = index_mod.get_snapshot()
    unfiltered = snap.rank(snap.mask(Filters()), query, k=10)
    assert unfiltered and top_id not in [cid for cid, _ in unfiltered]

    f = Filters(genders=["Men"])
    mask = snap.mask(f)
    filtered = snap.rank(mask, query, k=3)
    assert [round(s, 5) for _, s in filtered] == [round(s, 5) for s in _exact_top(snap, query, mask, 3)]
    men = set(Product.objects.filter(gender__in=f.expanded_genders(), is_published=True).values_list("catalog_id", flat=True))
    assert {cid for cid, _ in filtered} <= men


def test_a_worker_switches_to_a_new_version_written_by_another_build(indexed, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASSISTANT_HNSW_MIN_PRODUCTS = 200_000
    first = index_mod.index_build(force=True)
    before = index_mod.get_snapshot()
    assert before.version == first.version

    # Another process publishes a new version: only the files change (this process's cache is not reset).
    manifest = index_mod.read_manifest()
    manifest["version"] += 1
    index_mod._write_json_atomic(index_mod.index_dir() / "current.json", manifest)

    after = index_mod.get_snapshot()
    assert after is not before and after.version == first.version + 1
    assert index_mod.get_snapshot() is after  # and it is not reloaded again while nothing changes
