"""Showcase writes: produce a licensed, labelled twin image (the gate first, always)."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction

from licensing.models import TwinCapture
from licensing.services import ConsentDenied, RenderLicense, Viewer, license_view

from . import renderer
from .backends import CaptureRef, LocalCompositorBackend, RendererBackend, get_backend
from .figures import POSES, TwinSpec, spec_for_twin
from .renderer import ProductSpec, product_spec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShowcaseImage:
    png: bytes
    grant_id: int
    royalty_event_id: int | None  # None: a repeat inside the dedup window, recorded by the row it repeats
    billable: bool
    label: str
    cache_hit: bool


def render_dir() -> Path:
    return Path(settings.SHOWCASE_RENDER_DIR)


def render_storage() -> Storage:
    """The render cache's storage: the `renders` alias of STORAGES when configured (an object store shared by
    every machine, deploy/README.md), else a FileSystemStorage over render_dir()."""
    if "renders" in settings.STORAGES:
        return storages["renders"]
    location = str(render_dir())
    storage = _local_storages.get(location)
    if storage is None:
        storage = _local_storages[location] = FileSystemStorage(location=location)
    return storage


_local_storages: dict[str, FileSystemStorage] = {}


def _cache_read(path: Path) -> bytes | None:
    storage = render_storage()
    if isinstance(storage, FileSystemStorage):
        try:
            return Path(storage.path(_cache_name(path))).read_bytes()
        except FileNotFoundError:
            return None
    try:
        with storage.open(_cache_name(path), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _cache_write(path: Path, data: bytes) -> None:
    storage = render_storage()
    if isinstance(storage, FileSystemStorage):
        _write_atomic(Path(storage.path(_cache_name(path))), data)
    else:
        # An object store's PUT is atomic; the same name always holds the same bytes, so a race only wastes a write.
        storage.save(_cache_name(path), ContentFile(data))


def _cache_name(path: Path) -> str:
    """A cache key (composite_path/stamped_path) as a storage name: relative to render_dir(), '/'-separated."""
    return path.relative_to(render_dir()).as_posix()


def composite_path(*, backend: RendererBackend, twin: TwinSpec, product: ProductSpec, pose: str, size: str) -> Path:
    """Cache path keyed by (twin, pose, product, renderer version); the file name also carries a
    fingerprint of what the drawing depends on, so an edited product or talent never hits a stale file."""
    fp = hashlib.sha256(f"{twin.fingerprint()}#{product.fingerprint()}".encode()).hexdigest()[:16]
    return (render_dir() / f"{backend.name}-{backend.version}" / str(twin.twin_id) / pose
            / f"{product.catalog_id}-{size}-{fp}.png")


def composite_get(*, twin: TwinSpec, product: ProductSpec, pose: str, size: str,
                  backend: RendererBackend | None = None, captures=()) -> tuple[bytes, bool]:
    """The unlabelled composite from the disk cache, rendering it on a miss. (bytes, was_cached)."""
    backend = backend or get_backend()
    path = composite_path(backend=backend, twin=twin, product=product, pose=pose, size=size)
    cached = _cache_get(path)
    if cached is not None:
        return cached, True
    png = backend.render(twin=twin, product=product, pose=pose, size=size, captures=captures)
    _cache_put(path, png)
    return png, False


def showcase_render(*, twin, product, viewer: Viewer, channel: str, pose: str = "front", size: str = "card",
                    territory: str | None = None) -> ShowcaseImage:
    """License the view (raises licensing.services.ConsentDenied) and produce its image, in one transaction:
    the licence commits only once the bytes are in hand, so a view is never billed without an image (a
    failing renderer rolls the royalty row back; a failing cache write is logged and the bytes still served).
    Nothing is served without a fresh licence.

    `twin` is only identified by its pk here: what is drawn comes from the licence's fresh read."""
    if size not in renderer.SIZES:
        raise ValueError(f"unknown size {size!r}")
    pose = pose if pose in POSES else "front"
    backend = get_backend()
    denied: ConsentDenied | None = None
    with transaction.atomic():
        try:
            licence = license_view(twin=twin, product=product, viewer=viewer, channel=channel, territory=territory)
        except ConsentDenied as exc:
            denied = exc  # leave the block normally: the denial's own row commits
        else:
            png, hit = _licensed_png(licence, twin=twin, product=product, pose=pose, size=size, backend=backend)
    if denied is not None:
        raise denied
    return ShowcaseImage(png=png, grant_id=licence.grant_id, royalty_event_id=licence.royalty_event_id,
                         billable=licence.billable, label=licence.label, cache_hit=hit)


def _licensed_png(licence: RenderLicense, *, twin, product, pose: str, size: str,
                  backend: RendererBackend) -> tuple[bytes, bool]:
    """The cached composite with this licence's label and provenance stamped in. (bytes, was_cached)"""
    # Drawn from the twin and talent as the gate read them inside its transaction (the caller may pass
    # no more than a primary key).
    twin = licence.twin if licence.twin is not None else twin
    tw, ps = spec_for_twin(twin), product_spec(product)
    # Per-view facts (the royalty row, the time) stay in the ledger, not in the file: the stamped image then
    # depends only on (composite, grant, label, channel) and is cached too. It is still only ever served after
    # the licence above, so a revocation stops it on the next request.
    provenance = {
        "digitalSourceType": renderer.DIGITAL_SOURCE_TYPE,
        "twin": licence.twin_slug,
        "twin_id": str(licence.twin_id),
        "talent": licence.talent_name,
        "grant_id": str(licence.grant_id),
        "channel": licence.channel,
        "label": licence.label,
        "renderer": backend.name,
        "renderer_version": backend.version,
        "model_licence": backend.model_licence,
        "pose": pose,
        "product": str(product.catalog_id),
    }
    cpath = composite_path(backend=backend, twin=tw, product=ps, pose=pose, size=size)
    spath = stamped_path(cpath, label=licence.label, provenance=provenance)
    cached = _cache_get(spath)
    if cached is not None:
        return cached, True
    composite, hit = composite_get(twin=tw, product=ps, pose=pose, size=size, backend=backend,
                                   captures=twin_captures(twin, backend))
    # The label goes on the side away from the product (a card framed on the feet carries it at the top).
    side = renderer.layout(tw, ps, pose=pose, size=size, label=licence.label).label_side
    png = c2pa_sign(renderer.stamp(composite, label=licence.label, provenance=provenance, side=side), provenance)
    _cache_put(spath, png)
    return png, hit


def _cache_get(path: Path) -> bytes | None:
    try:
        return _cache_read(path)
    except Exception:  # noqa: BLE001 - unreadable (permissions, I/O, the object store): render afresh instead
        log.exception("render cache unreadable at %s", path)
        return None


def _cache_put(path: Path, png: bytes) -> None:
    """Cache the bytes; a full or read-only disk costs a re-render next time, never the image in hand."""
    try:
        _cache_write(path, png)
    except Exception:  # noqa: BLE001 - full or read-only disk, object store down: the bytes in hand still serve
        log.exception("render cache write failed at %s; serving the image uncached", path)


def twin_captures(twin, backend: RendererBackend) -> tuple[CaptureRef, ...]:
    """The twin's uploaded captures, for backends that condition on photographs (not the local one)."""
    if isinstance(backend, LocalCompositorBackend):
        return ()
    return tuple(
        CaptureRef(path=_capture_location(c.image), angle=c.angle, lighting=c.lighting, metadata=c.metadata or {})
        for c in TwinCapture.objects.filter(twin=twin).order_by("-captured_at", "pk") if c.image
    )


def _capture_location(image) -> str:
    """A local path where the media storage has one (FileSystemStorage), else its URL (an object store)."""
    try:
        return image.path
    except NotImplementedError:
        return image.url


def stamped_path(composite_file: Path, *, label: str, provenance: dict[str, str]) -> Path:
    signed = bool(settings.SHOWCASE_C2PA_CERT and settings.SHOWCASE_C2PA_KEY)
    key = hashlib.sha256(repr((label, sorted(provenance.items()), signed)).encode()).hexdigest()[:16]
    return composite_file.with_name(f"{composite_file.stem}.{key}.stamped.png")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write-then-rename: concurrent workers never read a half-written file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)  # a full disk leaves no half-written temporary behind
        raise


def c2pa_sign(png: bytes, provenance: dict[str, str]) -> bytes:
    """Embed a C2PA manifest when a signing certificate is configured (SHOWCASE_C2PA_CERT/KEY)."""
    cert = settings.SHOWCASE_C2PA_CERT
    key = settings.SHOWCASE_C2PA_KEY
    if not (cert and key):
        return png
    from .c2pa_manifest import sign_png

    try:
        return sign_png(png, provenance, cert_path=cert, key_path=key)
    except Exception:  # the visible label and XMP are already in; a C2PA failure must not break the image
        log.exception("C2PA signing failed; serving the image with XMP provenance only")
        return png
