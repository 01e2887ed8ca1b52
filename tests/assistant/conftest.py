from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import assistant_catalogue_create


@pytest.fixture(scope="session")
def assistant_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One directory for the whole session: the embedding cache in it means each short text is embedded once.
    return tmp_path_factory.mktemp("assistant-index")


@pytest.fixture
def assistant_settings(settings, assistant_index_dir: Path):  # type: ignore[no-untyped-def]
    from assistant.retrieval import index as index_mod

    settings.ASSISTANT_INDEX_DIR = assistant_index_dir
    settings.ASSISTANT_CHAT_MODEL = None
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
