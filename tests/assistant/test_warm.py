"""A worker loads the assistant's index, vocabulary and query encoder before its first chat turn."""
from __future__ import annotations

import gc

import pytest

from assistant.retrieval import embeddings
from assistant.retrieval import index as index_mod
from assistant.services import assistant_warm

pytestmark = pytest.mark.django_db


def test_warm_loads_the_snapshot_and_the_query_encoder(catalogue):  # type: ignore[no-untyped-def]
    # Given a worker that has answered nothing yet,
    index_mod._reset_snapshot()
    embeddings.query_encoder._cache.clear()
    # when it warms up,
    seconds = assistant_warm()
    # then the snapshot is loaded and a query is already embedded, so the first turn loads neither.
    assert seconds > 0
    assert index_mod._snapshot is not None and index_mod._snapshot.size == len(catalogue_ids(catalogue))
    assert "fashion" in embeddings.query_encoder._cache


def test_warm_puts_what_it_loaded_out_of_the_cyclic_collectors_sight(catalogue):  # type: ignore[no-untyped-def]
    # Given a process with nothing frozen,
    gc.unfreeze()
    index_mod._reset_snapshot()
    try:
        # when it warms up,
        assistant_warm()
        # then the loaded snapshot is among the frozen objects a full collection skips.
        assert gc.get_freeze_count() > 0
        snapshot = index_mod._snapshot
        assert all(obj is not snapshot for obj in gc.get_objects(generation=2))
    finally:
        gc.unfreeze()


def catalogue_ids(catalogue) -> list[int]:  # type: ignore[no-untyped-def]
    return [p.catalog_id for products in catalogue.values() for p in products]
