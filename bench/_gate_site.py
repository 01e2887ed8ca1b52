"""Settings + URLs for bench/gate_vs_ungated_bench.py's live server: the project as is, plus one bench-only
route that serves pre-fetched twin-image bytes from a directory with no token, no database and no gate.

Used only as DJANGO_SETTINGS_MODULE=bench._gate_site by that benchmark's uvicorn subprocess.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from config.settings.development import *  # noqa: F401,F403

ROOT_URLCONF = "bench._gate_site"
UNGATED_DIR = Path(os.environ.get("BENCH_UNGATED_DIR", "/nonexistent"))
_NAME = re.compile(r"^[0-9]{1,6}$")


def ungated_image(request, name: str):  # type: ignore[no-untyped-def]
    from django.http import Http404, HttpResponse

    if not _NAME.match(name):
        raise Http404
    try:
        png = (UNGATED_DIR / f"{name}.png").read_bytes()
    except FileNotFoundError:
        raise Http404 from None
    # Same headers as the gated view, so the two differ only by the gate.
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _urlpatterns():  # type: ignore[no-untyped-def]
    from django.urls import path

    from config.urls import urlpatterns as project

    return [path("bench/ungated/<str:name>.png", ungated_image), *project]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # Resolved lazily: the URL modules import models, which need the settings above loaded first.
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)
