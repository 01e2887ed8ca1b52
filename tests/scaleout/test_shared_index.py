"""The shared index store (ASSISTANT_INDEX_STORE = "database"): what one machine builds, another loads from
PostgreSQL without embedding anything; one builder at a time; a bad version is never loaded; faults keep the
last good version serving and /readyz says why."""
from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError, connection

from assistant.models import EmbeddingVector, IndexManifest, IndexVersion
from assistant.retrieval import embeddings, shared, store
from assistant.retrieval import index as index_mod
from assistant.understanding.schema import Filters

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _new_machine(settings, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """Forget everything this process holds in memory or on its disk, as a fresh worker on another machine."""
    settings.ASSISTANT_INDEX_DIR = tmp_path / name
    shared._vectors.clear()
    index_mod._loaded = index_mod._loaded_key = None
    store._store = None
    store._health.clear()
    index_mod._reset_snapshot()


@pytest.fixture
def shared_store(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.ASSISTANT_CHAT_MODEL = None
    settings.ASSISTANT_INDEX_BACKGROUND_REFRESH = False
    settings.ASSISTANT_INDEX_STORE = "database"
    settings.ASSISTANT_INDEX_POLL_SECONDS = 0
    _new_machine(settings, tmp_path, "machine-a")
    yield settings
    _new_machine(settings, tmp_path, "gone")
    store._store = None


@pytest.fixture
def built(shared_store):  # type: ignore[no-untyped-def]
    from tests.factories import assistant_catalogue_create

    products = assistant_catalogue_create()
    report = index_mod.index_build(force=True)
    return products, report


def _no_embedding(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise AssertionError("this machine must not embed the catalogue")


def test_a_build_publishes_version_embeddings_and_manifest_rows(built) -> None:
    products, report = built
    count = sum(len(v) for v in products.values())
    # Then the version, its checksum, the embeddings and the manifest are rows every machine can read.
    manifest = IndexManifest.objects.get(pk=1)
    assert manifest.version == report.version
    row = IndexVersion.objects.get(version=report.version)
    assert row.meta["products"] == count and len(row.sha256) == 64
    assert store.sha256(bytes(row.data)) == row.sha256
    assert EmbeddingVector.objects.filter(model=embeddings.MODEL_NAME).count() >= count


def test_a_worker_on_an_empty_disk_serves_the_shared_version_without_embedding(built, settings, tmp_path, monkeypatch) -> None:
    products, report = built
    expected = index_mod.get_snapshot().rank(index_mod.get_snapshot().mask(Filters()), _query(), k=5)
    # Given another machine with nothing on its disk and nothing in memory,
    _new_machine(settings, tmp_path, "machine-b")
    monkeypatch.setattr(embeddings, "encode_documents", _no_embedding)  # both caches embed through it
    monkeypatch.setattr(store.EmbeddingCache, "ensure", _no_embedding)
    # when it loads the index (and builds: nothing changed, so nothing is embedded or published),
    snap = index_mod.get_snapshot()
    again = index_mod.index_build()
    # then it serves the same version, with every product's vector, and ranks exactly as machine A.
    assert snap.version == report.version and bool(snap.has_vector.all())
    assert snap.rank(snap.mask(Filters()), _query(), k=5) == expected
    assert again.unchanged and again.version == report.version
    assert not list((tmp_path / "machine-b").glob("embeddings-*"))


def test_a_half_written_version_is_never_loaded_and_the_last_good_one_keeps_serving(built, settings, tmp_path, client) -> None:
    products, report = built
    good = index_mod.get_snapshot()
    assert good.version == report.version
    # Given a newer version whose payload does not match its checksum (a write cut short),
    row = IndexVersion.objects.get(version=report.version)
    IndexVersion.objects.create(version=report.version + 1, digest="x" * 32, sha256=row.sha256,
                                data=bytes(row.data)[: len(row.data) // 2], meta=row.meta)
    IndexManifest.objects.filter(pk=1).update(version=report.version + 1)
    # when a worker notices it,
    snap = index_mod.get_snapshot()
    # then it keeps the last good vectors, and /readyz says why (still ready: it serves).
    assert snap.version == report.version and bool(snap.has_vector.all())
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["checks"]["search_index"] == (
        f"degraded: serving index v{report.version} (last good); index v{report.version + 1} failed its "
        "checksum (half-written or corrupted); not loaded")


def test_a_fresh_worker_with_only_a_bad_version_is_not_ready(built, settings, tmp_path, client) -> None:
    products, report = built
    IndexVersion.objects.filter(version=report.version).update(sha256="0" * 64)
    # Given a new machine, whose only candidate version fails its checksum,
    _new_machine(settings, tmp_path, "machine-c")
    snap = index_mod.get_snapshot()
    # then it loads no vectors, and /readyz answers 503 with the reason.
    assert snap.version == 0 and not snap.has_vector.any()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["search_index"] == (
        f"error: no index version loaded; index v{report.version} failed its checksum (half-written or "
        "corrupted); not loaded")


def test_one_builder_at_a_time_across_machines(built, settings) -> None:
    products, report = built
    versions = IndexVersion.objects.count()
    db = connection.settings_dict
    # Given another machine holding the build lock,
    with psycopg.connect(dbname=db["NAME"], user=db["USER"] or None, host=db["HOST"] or None,
                         port=db["PORT"] or None, autocommit=True) as other:
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [shared.BUILD_LOCK_KEY]).fetchone()[0]
        # when this one is asked to build,
        skipped = index_mod.index_build(force=True)
    # then it returns at once, publishes nothing, and keeps serving the current version.
    assert skipped.skipped
    assert IndexVersion.objects.count() == versions
    assert IndexManifest.objects.get(pk=1).version == report.version
    # Once the lock is free, it builds.
    assert index_mod.index_build(force=True).version == report.version + 1


def test_a_stale_mark_reaches_other_workers_through_the_manifest_row(built, settings, tmp_path) -> None:
    products, report = built
    stale_before = IndexManifest.objects.get(pk=1).stale_count
    snap = index_mod.get_snapshot()
    index_mod.mark_stale([1, 2])
    assert IndexManifest.objects.get(pk=1).stale_count == stale_before + 1
    assert index_mod.get_snapshot() is not snap


def test_the_store_unreachable_keeps_the_loaded_snapshot_serving(built, monkeypatch, client) -> None:
    products, report = built
    snap = index_mod.get_snapshot()
    # Given the manifest row cannot be read any more (PostgreSQL or the network gone),
    def down(self):  # type: ignore[no-untyped-def]
        raise DatabaseError("connection refused")

    monkeypatch.setattr(shared.DatabaseStore, "_manifest_row", down)
    # then the worker keeps its snapshot, and /readyz says why.
    assert index_mod.get_snapshot() is snap
    check = client.get("/readyz").json()["checks"]["search_index"]
    assert check == (f"degraded: serving index v{report.version} (last good); shared index store unreachable "
                     "(DatabaseError: connection refused)")


def test_a_build_that_fails_midway_publishes_nothing(built, monkeypatch, client) -> None:
    products, report = built
    from shop.models import Product

    Product.objects.filter(pk=products[next(iter(products))][0].pk).update(name="Renamed Zephyr Quill Shirt")

    def cut(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(shared.DatabaseEmbeddingCache, "add", cut)
    with pytest.raises(DatabaseError):
        index_mod.index_build()
    assert IndexManifest.objects.get(pk=1).version == report.version
    assert index_mod.get_snapshot().version == report.version
    check = client.get("/readyz").json()["checks"]["search_index"]
    assert check.startswith(f"degraded: serving index v{report.version} (last good); index build failed "
                            "(DatabaseError: server closed the connection unexpectedly)")


def _query():  # type: ignore[no-untyped-def]
    return embeddings.query_encoder("white shirt")


def test_a_restart_with_the_version_store_unreachable_serves_the_verified_local_copy(built, settings, tmp_path,
                                                                                     monkeypatch, client) -> None:
    products, report = built
    assert index_mod.get_snapshot().version == report.version  # this machine loaded it once (local copy kept)
    # Given the worker restarts (nothing in memory, same disk) while version payloads cannot be read,
    _new_machine(settings, tmp_path, "machine-a")

    def unreachable(self, manifest):  # type: ignore[no-untyped-def]
        raise store.IndexLoadError(f"could not read index v{manifest['version']} from the shared store "
                                   "(OSError: object store unreachable)")

    monkeypatch.setattr(shared.DatabaseStore, "load", unreachable)
    # then it serves the last version it verified, and says so.
    snap = index_mod.get_snapshot()
    assert snap.version == report.version and bool(snap.has_vector.all())
    assert client.get("/readyz").json()["checks"]["search_index"] == (
        f"degraded: serving index v{report.version} (last good); could not read index v{report.version} from the "
        "shared store (OSError: object store unreachable)")


def test_a_version_that_failed_to_load_is_tried_again_without_waiting_for_the_next_change(built, settings, tmp_path,
                                                                                       monkeypatch) -> None:
    products, report = built
    _new_machine(settings, tmp_path, "machine-d")  # nothing loaded, no local copy
    real_load = shared.DatabaseStore.load
    calls: list[int] = []

    def flaky(self, manifest):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise store.IndexLoadError("could not read index from the shared store (OperationalError: timeout)")
        return real_load(self, manifest)

    monkeypatch.setattr(shared.DatabaseStore, "load", flaky)
    # Given the first load failed (the store blipped),
    assert index_mod.get_snapshot().version == 0
    # when the retry interval has passed (no catalogue change meanwhile),
    monkeypatch.setattr(index_mod, "_load_retry_at", 0.0)
    # then the next turn loads the version, and /readyz clears.
    assert index_mod.get_snapshot().version == report.version
    assert store.health_report() == (True, "ok")


def test_an_hnsw_graph_travels_with_its_version(shared_store, settings, tmp_path) -> None:
    import faiss

    from tests.factories import assistant_catalogue_create

    # Given a catalogue large enough (by setting) for an HNSW graph,
    settings.ASSISTANT_HNSW_MIN_PRODUCTS = 1
    assistant_catalogue_create()
    report = index_mod.index_build(force=True)
    row = IndexVersion.objects.get(version=report.version)
    assert row.hnsw is not None and store.sha256(bytes(row.hnsw)) == row.hnsw_sha256
    # when a machine with an empty disk loads that version,
    _new_machine(settings, tmp_path, "machine-e")
    index, ids = index_mod.get_snapshot().faiss_index()
    # then its unfiltered search goes through the graph it was published with.
    assert isinstance(index, faiss.IndexHNSWFlat) and index.ntotal == len(ids) == row.meta["products"]


# --- version payloads in an object store (ASSISTANT_INDEX_BLOB_STORAGE): the same guarantees, and the log says it --

@pytest.fixture
def blob_built(shared_store, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.factories import assistant_catalogue_create

    settings.STORAGES = {**settings.STORAGES, "index-blobs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "bucket")}}}
    settings.ASSISTANT_INDEX_BLOB_STORAGE = "index-blobs"
    products = assistant_catalogue_create()
    report = index_mod.index_build(force=True)
    row = IndexVersion.objects.get(version=report.version)
    assert row.data is None and row.blob_name  # the payload went to the object store, its checksum to the row
    return products, report


def _search_index_log(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "assistant.retrieval.store"]


def test_an_object_store_payload_cut_short_is_never_loaded(blob_built, caplog, client) -> None:
    from django.core.files.storage import storages

    from shop.models import Product

    products, report = blob_built
    assert index_mod.get_snapshot().version == report.version
    # Given a newer version whose upload was cut short (its row's checksum is of the whole payload),
    Product.objects.filter(pk=products["Shirts"][0].pk).update(name="Renamed Zephyr Quill Shirt")
    newer = index_mod.index_build()
    bucket = storages["index-blobs"]
    path = Path(bucket.path(IndexVersion.objects.get(version=newer.version).blob_name))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    # when a worker that serves the previous version notices the newer one,
    caplog.set_level("WARNING", logger="assistant.retrieval.store")
    snap = index_mod.get_snapshot()
    # then it does not load it, keeps serving what it had, says why on /readyz and once in the log.
    problem = f"index v{newer.version} failed its checksum (half-written or corrupted); not loaded"
    assert snap.version == report.version and bool(snap.has_vector.all())
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["search_index"] == f"degraded: serving index v{report.version} (last good); {problem}"
    assert _search_index_log(caplog) == [("ERROR", f"search index: {problem}")]


def test_a_fresh_worker_with_the_object_store_unreachable_at_start_is_not_ready_until_it_comes_back(
        blob_built, settings, tmp_path, monkeypatch, caplog, client) -> None:
    from django.core.files.storage import FileSystemStorage

    products, report = blob_built
    # Given a new machine (empty disk, nothing loaded) that cannot reach the object store,
    _new_machine(settings, tmp_path, "machine-f")
    real_open = FileSystemStorage.open

    def unreachable(self, name, mode="rb"):  # type: ignore[no-untyped-def]
        raise OSError("connection refused")

    monkeypatch.setattr(FileSystemStorage, "open", unreachable)
    caplog.set_level("WARNING", logger="assistant.retrieval.store")
    # when it starts serving,
    snap = index_mod.get_snapshot()
    # then it has no vectors, /readyz answers 503 with the reason, and the log says it once.
    problem = f"could not read index v{report.version} from the shared store (OSError: connection refused)"
    assert snap.version == 0 and not snap.has_vector.any()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["search_index"] == f"error: no index version loaded; {problem}"
    assert _search_index_log(caplog) == [("ERROR", f"search index: {problem}")]
    # When the store is back, the retry loads the version, /readyz clears and the log says it recovered.
    monkeypatch.setattr(FileSystemStorage, "open", real_open)
    monkeypatch.setattr(index_mod, "_load_retry_at", 0.0)
    assert index_mod.get_snapshot().version == report.version
    assert client.get("/readyz").json()["checks"]["search_index"] == "ok"
    assert _search_index_log(caplog)[-1] == ("WARNING", f"search index: recovered ({problem})")


def test_an_upload_that_fails_mid_build_publishes_nothing(blob_built, monkeypatch, caplog, client) -> None:
    from django.core.files.storage import FileSystemStorage

    from shop.models import Product

    products, report = blob_built
    assert index_mod.get_snapshot().version == report.version
    versions = list(IndexVersion.objects.values_list("version", "sha256"))
    Product.objects.filter(pk=products["Shirts"][0].pk).update(name="Renamed Zephyr Quill Shirt")

    # Given the object store goes away while the new version is uploaded,
    def cut(self, name, content, max_length=None):  # type: ignore[no-untyped-def]
        raise OSError("connection reset by peer")

    monkeypatch.setattr(FileSystemStorage, "save", cut)
    caplog.set_level("WARNING", logger="assistant.retrieval.store")
    # when the build runs, it fails, and nothing is published: no version row, the manifest unchanged,
    with pytest.raises(OSError):
        index_mod.index_build()
    assert list(IndexVersion.objects.values_list("version", "sha256")) == versions
    assert IndexManifest.objects.get(pk=1).version == report.version
    # and workers keep serving the last good version, /readyz and the log say why.
    problem = "index build failed (OSError: connection reset by peer); the current version stays"
    assert index_mod.get_snapshot().version == report.version
    assert client.get("/readyz").json()["checks"]["search_index"] == (
        f"degraded: serving index v{report.version} (last good); {problem}")
    assert _search_index_log(caplog) == [("ERROR", f"search index: {problem}")]
