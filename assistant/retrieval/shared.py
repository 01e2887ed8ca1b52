"""The shared index store for scale-out mode: PostgreSQL rows every machine reads (see store.py).

- IndexManifest (one row): the current version and the stale counter. Workers poll it (one primary-key read
  at most every ASSISTANT_INDEX_POLL_SECONDS), so a change made on any machine reaches every worker in
  about that time plus a snapshot reload.
- IndexVersion: a build's .npz bytes with their sha256, in the row or in an object store (`STORAGES` alias
  ASSISTANT_INDEX_BLOB_STORAGE). Version row and manifest change in one transaction, and a reader verifies
  the checksum, so a half-written or corrupted version is never loaded. A verified copy is kept on the local
  disk: a worker that restarts while the store is unreachable still has its last good version.
- EmbeddingVector: vectors by text hash, embedded once for every machine.
- Builds: one at a time across machines (pg_try_advisory_lock on a connection of its own); the others keep
  serving and leave their request in the stale counter, which the builder re-checks after it lets go.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Max

from .embeddings import DIMENSION, MODEL_NAME, EmbeddingCacheBase
from .store import (
    IndexLoadError,
    LoadedVersion,
    ensure_index_dir,
    health_set,
    index_dir,
    npz_bytes,
    npz_read,
    sha256,
    write_json_atomic,
)
from .text import text_hash

logger = logging.getLogger(__name__)

# pg_try_advisory_lock key of the index builder (any fixed bigint; "TWIN" in ASCII).
BUILD_LOCK_KEY = 0x5457494E


def _poll_seconds() -> float:
    return settings.ASSISTANT_INDEX_POLL_SECONDS


def _blob_storage() -> Any:
    alias = settings.ASSISTANT_INDEX_BLOB_STORAGE or ""
    if not alias:
        return None
    from django.core.files.storage import storages

    return storages[alias]


class DatabaseStore:
    shared = True

    def __init__(self) -> None:
        self._stamp: tuple[Any, ...] | None = None
        self._polled_at = 0.0
        self._lock = threading.Lock()

    # --- readers ------------------------------------------------------------------------------------

    def _manifest_row(self) -> Any:
        from assistant.models import IndexManifest

        return IndexManifest.objects.filter(pk=1).values("version", "stale_count").first()

    def manifest(self) -> dict[str, Any] | None:
        from assistant.models import IndexVersion

        row = self._manifest_row()
        if not row or not row["version"]:
            return None
        meta = IndexVersion.objects.filter(version=row["version"]).values("digest", "sha256", "meta").first()
        if meta is None:
            return None
        return {**meta["meta"], "version": row["version"], "digest": meta["digest"], "sha256": meta["sha256"]}

    def stamp(self) -> tuple[Any, ...]:
        """("db", version, stale count), read from PostgreSQL at most every poll interval. If the read fails,
        the last stamp stands (workers keep their snapshot) and /readyz says why."""
        now = time.monotonic()
        if self._stamp is not None and now - self._polled_at < _poll_seconds():
            return self._stamp
        with self._lock:
            if self._stamp is not None and now - self._polled_at < _poll_seconds():
                return self._stamp
            try:
                row = self._manifest_row() or {"version": 0, "stale_count": 0}
                health_set("store", None)
                self._stamp = ("db", row["version"], row["stale_count"])
            except DatabaseError as exc:
                health_set("store", f"shared index store unreachable ({exc.__class__.__name__}: {str(exc).strip()[:160]})")
                if self._stamp is None:
                    self._stamp = ("db", None, None)
            self._polled_at = now
            return self._stamp

    def forget_stamp(self) -> None:
        """This process changed the manifest: its next stamp() reads it at once."""
        self._polled_at = 0.0

    def is_current(self, manifest: dict[str, Any] | None, digest: str) -> bool:
        return bool(manifest and manifest.get("digest") == digest)

    def load(self, manifest: dict[str, Any]) -> LoadedVersion:
        version = int(manifest["version"])
        try:
            row = _version_row(version)
            if row is None:
                raise IndexLoadError(f"index v{version} is named current but has no row")
            payload = bytes(row["data"]) if row["data"] is not None else self._read_blob(row["blob_name"])
        except (DatabaseError, OSError) as exc:
            raise IndexLoadError(f"could not read index v{version} from the shared store "
                                 f"({exc.__class__.__name__}: {str(exc).strip()[:160]})") from exc
        if sha256(payload) != row["sha256"]:
            raise IndexLoadError(f"index v{version} failed its checksum (half-written or corrupted); not loaded")
        hnsw_bytes = bytes(row["hnsw"]) if row["hnsw"] is not None else None
        if hnsw_bytes is not None and sha256(hnsw_bytes) != row["hnsw_sha256"]:
            raise IndexLoadError(f"index v{version}'s HNSW graph failed its checksum; not loaded")
        try:
            ids, vectors = npz_read(payload)
        except (OSError, KeyError, ValueError) as exc:
            raise IndexLoadError(f"index v{version} is unreadable: {exc}") from exc
        self._keep_local_copy(version, row["sha256"], payload)
        return LoadedVersion(version, ids, vectors, (lambda: _faiss_from_bytes(hnsw_bytes)) if hnsw_bytes else None)

    def _read_blob(self, name: str) -> bytes:
        storage = _blob_storage()
        if storage is None:
            raise OSError(f"index blob {name} is in an object store, but ASSISTANT_INDEX_BLOB_STORAGE is not set")
        with storage.open(name, "rb") as fh:
            return fh.read()

    def _keep_local_copy(self, version: int, digest: str, payload: bytes) -> None:
        try:
            directory = ensure_index_dir()
            tmp = directory / ".shared-last.npz.tmp"
            tmp.write_bytes(payload)
            tmp.replace(directory / "shared-last.npz")
            write_json_atomic(directory / "shared-last.json", {"version": version, "sha256": digest})
        except OSError:
            logger.warning("could not keep a local copy of index v%s", version, exc_info=True)

    def fallback(self) -> LoadedVersion | None:
        """The verified local copy of the last version this machine loaded (after a restart with the store down)."""
        import json

        directory = index_dir()
        try:
            meta = json.loads((directory / "shared-last.json").read_text())
            payload = (directory / "shared-last.npz").read_bytes()
        except (OSError, ValueError):
            return None
        if sha256(payload) != meta.get("sha256"):
            return None
        ids, vectors = npz_read(payload)
        return LoadedVersion(int(meta["version"]), ids, vectors, None)

    # --- writers ------------------------------------------------------------------------------------

    def publish(self, *, ids: np.ndarray, vectors: np.ndarray, hnsw_bytes: bytes | None, meta: dict[str, Any]) -> int:
        from assistant.models import IndexManifest, IndexVersion

        payload = npz_bytes(ids, vectors)
        checksum = sha256(payload)
        storage = _blob_storage()
        IndexManifest.objects.get_or_create(pk=1)
        with transaction.atomic():
            manifest = IndexManifest.objects.select_for_update().get(pk=1)
            top = IndexVersion.objects.aggregate(top=Max("version"))["top"] or 0
            version = max(manifest.version, top) + 1
            blob_name = ""
            if storage is not None:
                blob_name = storage.save(f"index/index-v{version}-{checksum[:16]}.npz", _content(payload))
            IndexVersion.objects.create(
                version=version, digest=meta["digest"], sha256=checksum, data=None if blob_name else payload,
                blob_name=blob_name, hnsw=hnsw_bytes, hnsw_sha256=sha256(hnsw_bytes) if hnsw_bytes else "",
                meta={k: v for k, v in meta.items() if k != "digest"},
            )
            IndexManifest.objects.filter(pk=1).update(version=version)
            # The previous version stays for workers still switching; older ones go.
            old = list(IndexVersion.objects.filter(version__lt=version - 1).values_list("pk", "blob_name"))
            IndexVersion.objects.filter(pk__in=[pk for pk, _ in old]).delete()
            if storage is not None:
                names = [name for _, name in old if name]
                transaction.on_commit(lambda: [storage.delete(n) for n in names])
        self.forget_stamp()
        return version

    def mark_stale(self, count: int) -> None:
        from assistant.models import IndexManifest

        if not IndexManifest.objects.filter(pk=1).update(stale_count=F("stale_count") + 1):
            try:
                with transaction.atomic():
                    IndexManifest.objects.create(pk=1, stale_count=1)
            except IntegrityError:
                IndexManifest.objects.filter(pk=1).update(stale_count=F("stale_count") + 1)
        self.forget_stamp()

    def build_requests(self) -> int:
        row = self._manifest_row()
        return int(row["stale_count"]) if row else 0

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[bool]:
        """pg_try_advisory_lock on a connection of its own: held exactly as long as the build (Django may hand
        its own connection back to a pool mid-build), and released by PostgreSQL if this process dies."""
        import psycopg

        db = connection.settings_dict
        conn = psycopg.connect(dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                               host=db.get("HOST") or None, port=db.get("PORT") or None, autocommit=True,
                               connect_timeout=10)
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK_KEY]).fetchone()
            got = bool(row and row[0])
            yield got
        finally:
            conn.close()  # ends the session, which releases the lock

    def embedding_cache(self) -> DatabaseEmbeddingCache:
        return DatabaseEmbeddingCache()


_VERSION_COLUMNS = ("data", "blob_name", "sha256", "hnsw", "hnsw_sha256")


def _version_row(version: int) -> dict[str, Any] | None:
    """One version's payload columns. On PostgreSQL through a binary-format cursor: bytea then arrives as raw bytes
    instead of hex text, 1.0 vs 3.0 s for the 68 MB of 44k products (bench/shared_index_bench.py)."""
    from assistant.models import IndexVersion

    if connection.vendor != "postgresql":
        return IndexVersion.objects.filter(version=version).values(*_VERSION_COLUMNS).first()
    connection.ensure_connection()
    sql = f"SELECT {', '.join(_VERSION_COLUMNS)} FROM {IndexVersion._meta.db_table} WHERE version = %s"
    with connection.connection.cursor(binary=True) as cursor:
        found = cursor.execute(sql, [version]).fetchone()
    return dict(zip(_VERSION_COLUMNS, found, strict=False)) if found else None


def _content(payload: bytes) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(payload)


def _faiss_from_bytes(data: bytes) -> Any:
    import faiss

    return faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))


# Vectors read from PostgreSQL, kept for the life of the process (the builder reuses them between builds).
_vectors: dict[str, np.ndarray] = {}
_vectors_lock = threading.Lock()
FETCH_CHUNK = 2000


class DatabaseEmbeddingCache(EmbeddingCacheBase):
    """EmbeddingCache's interface over assistant.models.EmbeddingVector (one row per text hash)."""

    def _fetch(self, hashes: Iterable[str]) -> None:
        from assistant.models import EmbeddingVector

        wanted = [h for h in dict.fromkeys(hashes) if h not in _vectors]
        for start in range(0, len(wanted), FETCH_CHUNK):
            part = wanted[start : start + FETCH_CHUNK]
            rows = EmbeddingVector.objects.filter(model=MODEL_NAME, text_hash__in=part).values_list("text_hash", "vector")
            with _vectors_lock:
                for h, blob in rows:
                    _vectors[h] = np.frombuffer(bytes(blob), dtype="<f4")

    def __len__(self) -> int:
        from assistant.models import EmbeddingVector

        return EmbeddingVector.objects.filter(model=MODEL_NAME).count()

    def missing(self, texts: Iterable[str]) -> list[str]:
        texts = list(texts)
        hashes = [text_hash(t) for t in texts]
        self._fetch(hashes)
        seen: set[str] = set()
        out = []
        for t, h in zip(texts, hashes, strict=False):
            if h not in _vectors and h not in seen:
                seen.add(h)
                out.append(t)
        return out

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        from assistant.models import EmbeddingVector

        if not texts:
            return
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        hashes = [text_hash(t) for t in texts]
        # Another machine may have embedded the same text meanwhile: same text, same vector, first one kept.
        EmbeddingVector.objects.bulk_create(
            [EmbeddingVector(model=MODEL_NAME, text_hash=h, vector=v.tobytes()) for h, v in zip(hashes, vectors, strict=False)],
            batch_size=1000, ignore_conflicts=True,
        )
        with _vectors_lock:
            for h, v in zip(hashes, vectors, strict=False):
                _vectors[h] = v

    def get_many(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [text_hash(t) for t in texts]
        self._fetch(hashes)
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = _vectors[h]
        return out

    def compact(self, keep: Iterable[str] | None = None) -> None:
        """Rows are not chunks: nothing to fold. Vectors of texts no longer sold stay (the vocabulary's anchors
        live here too, and a product coming back needs no re-embedding)."""
