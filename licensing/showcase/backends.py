"""Renderer plugins. A backend turns (twin, product, pose, size) into an unlabelled composite PNG;
the label and provenance are stamped afterwards by the service, whatever the backend.

Each backend declares the licence of the model behind it. The open virtual try-on models
(IDM-VTON, OOTDiffusion, CatVTON) are CC BY-NC-SA 4.0: fine for research, not for a shop, so
production settings (`SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS = False`) refuse them at start-up.
"""
from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from . import renderer
from .figures import TwinSpec
from .renderer import ProductSpec

DEFAULT_BACKEND = "licensing.showcase.backends.LocalCompositorBackend"


@dataclass(frozen=True)
class CaptureRef:
    """A photograph of the real twin (uploaded in the admin) that a backend may condition on."""

    path: str
    angle: str
    lighting: str = ""
    metadata: dict = field(default_factory=dict)


@runtime_checkable
class RendererBackend(Protocol):
    name: str
    version: str
    model_licence: str  # SPDX identifier (or "LicenseRef-..." for proprietary terms)
    commercial_use_allowed: bool

    def render(self, *, twin: TwinSpec, product: ProductSpec, pose: str, size: str,
               captures: Sequence[CaptureRef] = ()) -> bytes:
        """An unlabelled PNG of the twin wearing the product. Must not stamp labels itself."""
        ...


class LocalCompositorBackend:
    """The default: vector figures and garment layers composed with Pillow, deterministic, offline."""

    name = renderer.RENDERER_NAME
    version = renderer.RENDERER_VERSION
    model_licence = "MIT"  # no trained model: the project's own drawing code
    commercial_use_allowed = True

    def render(self, *, twin: TwinSpec, product: ProductSpec, pose: str, size: str,
               captures: Sequence[CaptureRef] = ()) -> bytes:
        return renderer.composite_png(twin, product, pose=pose, size=size)


class BackendError(RuntimeError):
    pass


class HttpTryOnBackend:
    """A generative virtual try-on service over HTTP (e.g. an IDM-VTON server you run yourself).

    POSTs JSON {twin, product, pose, size, garment_svg, captures} to SHOWCASE_HTTP_TRYON_URL and
    expects image/png back. IDM-VTON's weights are CC BY-NC-SA 4.0, so this backend declares a
    non-commercial licence and is refused by production settings."""

    name = "http-tryon"
    version = "1.0"
    model_licence = "CC-BY-NC-SA-4.0"
    commercial_use_allowed = False

    def __init__(self, url: str | None = None, timeout: float | None = None) -> None:
        self.url = url or settings.SHOWCASE_HTTP_TRYON_URL
        self.timeout = timeout or float(settings.SHOWCASE_HTTP_TRYON_TIMEOUT)
        if not self.url:
            raise ImproperlyConfigured("HttpTryOnBackend needs SHOWCASE_HTTP_TRYON_URL.")

    def render(self, *, twin: TwinSpec, product: ProductSpec, pose: str, size: str,
               captures: Sequence[CaptureRef] = ()) -> bytes:
        from shop.illustrations import illustration_svg

        garment = illustration_svg(article_type=product.article_type, colour_hex=product.colour_hex,
                                   colour_name=product.colour_name, sub_category=product.sub_category,
                                   master_category=product.master_category)
        width, height = renderer.SIZES[size]
        payload = {
            "twin": {"id": twin.twin_id, "height_cm": twin.height_cm, "body_shape": twin.body_shape,
                     "clothing_size": twin.clothing_size, "monk_skin_tone": twin.monk_skin_tone},
            "product": {"id": product.catalog_id, "article_type": product.article_type, "colour": product.colour_name},
            "pose": pose, "width": width, "height": height,
            "garment_svg": base64.b64encode(garment).decode(),
            "captures": [{"path": c.path, "angle": c.angle, "lighting": c.lighting} for c in captures],
        }
        request = urllib.request.Request(self.url, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Accept": "image/png"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                body = response.read()
                ctype = response.headers.get("Content-Type", "")
        except OSError as exc:
            raise BackendError(f"try-on service failed: {exc}") from exc
        if not ctype.startswith("image/png") or not body.startswith(b"\x89PNG"):
            raise BackendError("try-on service did not return a PNG")
        return body


def backend_problem(backend_cls: type) -> str | None:
    """Why this backend may not run under the current settings, or None."""
    allow = settings.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS
    if not getattr(backend_cls, "commercial_use_allowed", False) and not allow:
        return (f"Renderer backend {backend_cls.__name__} uses a model licensed "
                f"{getattr(backend_cls, 'model_licence', 'unknown')!s}, which forbids commercial use; "
                f"SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS is False.")
    for attr in ("name", "version", "model_licence", "commercial_use_allowed", "render"):
        if not hasattr(backend_cls, attr):
            return f"Renderer backend {backend_cls.__name__} lacks {attr!r} (see RendererBackend)."
    return None


def backend_class() -> type:
    path = settings.SHOWCASE_RENDERER_BACKEND or DEFAULT_BACKEND
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SHOWCASE_RENDERER_BACKEND {path!r} cannot be imported: {exc}") from exc


_instance: tuple[str, bool, RendererBackend] | None = None


def get_backend() -> RendererBackend:
    """The configured backend; refuses non-commercial models unless explicitly allowed."""
    global _instance
    path = settings.SHOWCASE_RENDERER_BACKEND or DEFAULT_BACKEND
    allow = bool(settings.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS)
    if _instance is not None and _instance[:2] == (path, allow):
        return _instance[2]
    cls = backend_class()
    problem = backend_problem(cls)
    if problem:
        raise ImproperlyConfigured(problem)
    backend = cls()
    _instance = (path, allow, backend)
    return backend
