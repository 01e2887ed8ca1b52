"""Fixtures for the licensing suite."""
from __future__ import annotations

import pytest

from licensing.services import Viewer
from tests.factories import ConsentGrantFactory, ProductFactory


@pytest.fixture
def grant(db):
    return ConsentGrantFactory()


@pytest.fixture
def product(grant):
    return ProductFactory(brand=grant.brand)


@pytest.fixture
def shopper() -> Viewer:
    return Viewer(key="s:shopper-1", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
