"""Suite-wide fixtures and the rules for what runs where.

- `@pytest.mark.postgres` tests run only when the suite runs against PostgreSQL (the second pass of
  scripts/test); on SQLite they are skipped with a reason.
- `@pytest.mark.browser` tests run only when Debian's chromium is at /usr/bin/chromium.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true") if os.environ.get("TWINSHOP_BROWSER_TESTS") else None

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(getattr(settings, "REDIS_URL", None))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass)"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (runs in the PostgreSQL + Redis pass)"))
        if "browser" in item.keywords and not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason="needs Debian's chromium at /usr/bin/chromium"))


@pytest.fixture(autouse=True)
def _fresh_caches():
    """The gate's per-client hourly budgets live in the shared cache: each test starts with them unspent. The
    catalogue version goes with it, so the process's lookup tables (shop.lookups) are dropped too: a rolled-back
    test's brand may come back under the same id with another name."""
    from django.core.cache import cache

    from shop.lookups import lookups_forget

    cache.clear()
    lookups_forget()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
