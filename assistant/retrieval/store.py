"""Where index versions, the embedding cache, the stale marks and the manifest live.

Two stores with one interface (chosen by ASSISTANT_INDEX_STORE):

- "files" (the embedded default): files under ASSISTANT_INDEX_DIR, as a single machine has always had them
  (`current.json`, `stale.json`, `index-v<N>.npz`, `embeddings-<model>/`).
- "database" (scale-out, default when DATABASE_URL is PostgreSQL and REDIS_URL is set): rows in PostgreSQL
  (assistant.models.IndexManifest / IndexVersion / EmbeddingVector), so every machine sees the same ones.
  Version payloads can go to an object store instead (ASSISTANT_INDEX_BLOB_STORAGE names a `STORAGES` alias).
  One builder at a time across machines: a PostgreSQL advisory lock.

What a reader gets from either: `manifest()`, a cheap `stamp()` that changes when workers must reload,
`load(manifest)` (checksum verified: a half-written version is never loaded) and `embedding_cache()`.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from .embeddings import EmbeddingCache

logger = logging.getLogger(__name__)


class IndexLoadError(Exception):
    """A version could not be read or failed its checksum: the caller keeps serving what it has."""


@dataclass
class LoadedVersion:
    version: int
    catalog_ids: np.ndarray
    vectors: np.ndarray
    hnsw: Any = None  # a callable returning the faiss HNSW index, or None


def index_dir() -> Path:
    """Local index directory. For readers a missing directory reads as "no index yet" (every turn stats it, so
    no mkdir here); whatever writes into it calls ensure_index_dir()."""
    return Path(settings.ASSISTANT_INDEX_DIR)


def ensure_index_dir() -> Path:
    path = index_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def npz_bytes(ids: np.ndarray, vectors: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, catalog_ids=ids, vectors=vectors)
    return buf.getvalue()


def npz_read(payload: bytes | Path) -> tuple[np.ndarray, np.ndarray]:
    source = io.BytesIO(payload) if isinstance(payload, bytes | bytearray) else payload
    with np.load(source) as data:
        return data["catalog_ids"], data["vectors"]


# --- health, for /readyz ------------------------------------------------------------------------------

_health_lock = threading.Lock()
_health: dict[str, str] = {}


def health_set(key: str, problem: str | None) -> None:
    """Record (or clear) a problem with the index store; logged once when it appears and once when it clears."""
    with _health_lock:
        before = _health.get(key)
        if problem is None:
            _health.pop(key, None)
        else:
            _health[key] = problem
    if problem and problem != before:
        logger.error("search index: %s", problem)
    elif problem is None and before:
        logger.warning("search index: recovered (%s)", before)


def health_report() -> tuple[bool, str]:
    """(ready, text) for /readyz: not ready only when no version is loaded and none can be; serving the last
    good version while the store is unreachable is ready, and says so."""
    from . import index as index_mod

    with _health_lock:
        problems = dict(_health)
    loaded = index_mod.loaded_version()
    if not problems:
        return True, "ok"
    text = "; ".join(problems.values())
    if loaded:
        return True, f"degraded: serving index v{loaded} (last good); {text}"
    if "load" in problems or "store" in problems:
        return False, f"error: no index version loaded; {text}"
    return True, f"degraded: {text}"


# --- the embedded default -----------------------------------------------------------------------------

class FileStore:
    shared = False

    def manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads((index_dir() / "current.json").read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def stamp(self) -> tuple[Any, ...]:
        # Read on every get_snapshot (several times a turn): two stats (a missing file reads as None).
        directory = index_dir()
        out: list[Any] = []
        for name in ("current.json", "stale.json"):
            try:
                out.append(os.stat(directory / name).st_mtime_ns)
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def is_current(self, manifest: dict[str, Any] | None, digest: str) -> bool:
        return bool(manifest and manifest.get("digest") == digest and (index_dir() / manifest["file"]).exists())

    def load(self, manifest: dict[str, Any]) -> LoadedVersion:
        try:
            ids, vectors = npz_read(index_dir() / manifest["file"])
        except (OSError, KeyError, ValueError) as exc:
            raise IndexLoadError(f"could not read index file {manifest.get('file')}: {exc}") from exc
        hnsw_file = manifest.get("hnsw")
        return LoadedVersion(int(manifest.get("version", 0)), ids, vectors,
                             (lambda: _faiss_read_file(index_dir() / hnsw_file)) if hnsw_file else None)

    def publish(self, *, ids: np.ndarray, vectors: np.ndarray, hnsw_bytes: bytes | None, meta: dict[str, Any]) -> int:
        directory = ensure_index_dir()
        version = int((self.manifest() or {}).get("version", 0)) + 1
        name = f"index-v{version}.npz"
        tmp = directory / f".{name}.{os.getpid()}.tmp.npz"
        np.savez(tmp, catalog_ids=ids, vectors=vectors)
        os.replace(tmp, directory / name)
        hnsw_name = None
        if hnsw_bytes is not None:
            hnsw_name = f"index-v{version}.hnsw"
            tmp_hnsw = directory / f".{hnsw_name}.{os.getpid()}.tmp"
            tmp_hnsw.write_bytes(hnsw_bytes)
            os.replace(tmp_hnsw, directory / hnsw_name)
        write_json_atomic(directory / "current.json", {**meta, "version": version, "file": name, "hnsw": hnsw_name})
        # Keep the previous version for workers that are still reading it; drop older ones.
        for old in [*directory.glob("index-v*.npz"), *directory.glob("index-v*.hnsw")]:
            try:
                n = int(old.name.split("-v")[1].split(".")[0])
            except (IndexError, ValueError):
                continue
            if n < version - 1:
                old.unlink(missing_ok=True)
        return version

    def mark_stale(self, count: int) -> None:
        write_json_atomic(ensure_index_dir() / "stale.json", {"at": time.time_ns(), "count": count})

    def embedding_cache(self) -> EmbeddingCache:
        return EmbeddingCache(index_dir())

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[bool]:
        # One machine: the process-wide lock in index_build is the whole story.
        yield True

    def build_requests(self) -> int:
        return 0


def _faiss_read_file(path: Path) -> Any:
    import faiss

    try:
        # Memory-mapped and read-only where faiss supports it: the workers share the page cache.
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError:
        return faiss.read_index(str(path))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_store: Any = None


def get_store() -> Any:
    """The configured store (FileStore or shared.DatabaseStore), one per process."""
    global _store
    kind = settings.ASSISTANT_INDEX_STORE
    if _store is None or _store.kind != kind:
        if kind == "database":
            from .shared import DatabaseStore

            _store = DatabaseStore()
        else:
            _store = FileStore()
        _store.kind = kind
    return _store
