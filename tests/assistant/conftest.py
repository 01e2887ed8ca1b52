from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import assistant_catalogue_create


@pytest.fixture(scope="session")
def assistant_index_dir() -> Path:
    # Under the test data directory (outside the repo) and kept between runs: the embedding cache in it means
    # each short text is embedded once, ever. Index versions are rebuilt by every test that needs one.
    from django.conf import settings

    path = Path(settings.DATA_DIR) / "assistant-test-index"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def assistant_settings(settings, assistant_index_dir: Path):  # type: ignore[no-untyped-def]
    from assistant.retrieval import index as index_mod

    settings.ASSISTANT_INDEX_DIR = assistant_index_dir
    settings.ASSISTANT_CHAT_MODEL = None
    # Re-embedding in a background thread would race the test database; facets still refresh at once.
    settings.ASSISTANT_INDEX_BACKGROUND_REFRESH = False
    index_mod._reset_snapshot()
    yield settings
    index_mod._reset_snapshot()


@pytest.fixture
def catalogue(assistant_settings):  # type: ignore[no-untyped-def]
    """The small assistant catalogue, indexed. Use with @pytest.mark.django_db."""
    from assistant.retrieval.index import index_build

    products = assistant_catalogue_create()
    index_build(force=True)
    return products


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Every test starts with full buckets (per-address buckets would otherwise carry over in Redis)."""
    from tests.ratelimits import rate_limits_reset

    rate_limits_reset()
    yield
    rate_limits_reset()
