"""Fixtures for the showcase suite: a covered product and a twin with two poses."""
from __future__ import annotations

import pytest

from tests.factories import (
    ArticleTypeFactory,
    ColourFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    ProductFactory,
    TalentFactory,
    TwinPoseFactory,
    VariantFactory,
)


@pytest.fixture(autouse=True)
def render_dir(settings, tmp_path):
    settings.SHOWCASE_RENDER_DIR = tmp_path / "renders"
    return settings.SHOWCASE_RENDER_DIR


@pytest.fixture
def twin(db):
    talent = TalentFactory(display_name="Amara Okafor", gender_presentation="feminine", monk_skin_tone=9,
                           height_cm=178, body_shape="hourglass", clothing_size="M", hair_style="braids")
    twin = DigitalTwinFactory(talent=talent, slug="amara-twin")
    TwinPoseFactory(twin=twin, key="front", label="Front", position=0)
    TwinPoseFactory(twin=twin, key="three_quarter", label="Three-quarter", position=1)
    return twin


@pytest.fixture
def grant(twin):
    return ConsentGrantFactory(twin=twin)


@pytest.fixture
def product(grant):
    p = ProductFactory(brand=grant.brand, gender="Women", name="Red Summer Dress",
                       article_type=ArticleTypeFactory(name="Dresses"), colour=ColourFactory(name="Red", hex="#c0392b"))
    VariantFactory(product=p, size="M")
    return p
