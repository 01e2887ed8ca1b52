"""Fixtures for the reliability suite: one world with every role, a websocket helper, a fuzz-case counter.

The counter (tests.reliability.counting.CASES) is filled by the fuzz and injection tests and printed at
the end of the run, and written to test-artifacts/reliability-counts.json, so the figures the README
quotes come from an actual run.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.reliability.counting import CASES

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not CASES:
        return
    terminalreporter.section("reliability: cases tried")
    for name, n in sorted(CASES.items()):
        terminalreporter.write_line(f"{name:<48} {n:>7}")
    fuzz = sum(n for k, n in CASES.items() if k.startswith("fuzz:"))
    inj = sum(n for k, n in CASES.items() if k.startswith("injection:"))
    terminalreporter.write_line(f"{'TOTAL fuzz cases':<48} {fuzz:>7}")
    terminalreporter.write_line(f"{'TOTAL prompt-injection cases':<48} {inj:>7}")
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "reliability-counts.json").write_text(
            json.dumps({"cases": dict(sorted(CASES.items())), "fuzz_total": fuzz, "injection_total": inj}, indent=2)
        )
    except OSError:
        pass


@pytest.fixture(autouse=True)
def _isolated_renders(settings, tmp_path):
    settings.SHOWCASE_RENDER_DIR = tmp_path / "renders"
    settings.DATA_DIR = tmp_path / "data"
    (tmp_path / "data").mkdir()
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with full buckets (per-address buckets would otherwise carry over in Redis)."""
    from tests.ratelimits import rate_limits_reset

    rate_limits_reset()
    yield
    rate_limits_reset()


@dataclass
class World:
    users: dict[str, Any]
    product: Any
    plain_product: Any
    grant_a: Any
    grant_b: Any
    proposed_a: Any
    revoked_a: Any
    agency_x: Any
    agency_y: Any
    talent_a: Any
    talent_b: Any
    order_number: str

    def client(self, role: str) -> Client:
        c = Client()
        user = self.users.get(role)
        if user is not None:
            c.force_login(user)
        return c


ROLES = ("anonymous", "shopper", "merchandiser", "talent_a", "talent_b", "agency_x", "agency_y", "superuser")


@pytest.fixture
def world(db) -> World:
    """Every role of DESIGN.md: talent A (represented by agency X) and talent B (by agency Y), each with a
    signed grant for the same brand and one billable view this month; A also has a proposed and a revoked
    grant; the shopper has placed an order."""
    from licensing.services import Viewer, license_view
    from shop.models import Order, OrderLine
    from tests.factories import (
        AgencyFactory,
        ArticleTypeFactory,
        BrandFactory,
        ColourFactory,
        ConsentGrantFactory,
        DigitalTwinFactory,
        MasterCategoryFactory,
        ProductFactory,
        RepresentationFactory,
        SubCategoryFactory,
        TalentFactory,
        TwinPoseFactory,
        UserFactory,
        VariantFactory,
    )

    brand = BrandFactory(name="Acme")
    dresses = ArticleTypeFactory(name="Dresses", sub_category=SubCategoryFactory(
        name="Dress", master=MasterCategoryFactory(name="Apparel")))
    product = ProductFactory(catalog_id=700001, name="Acme Women Red Dress", brand=brand, gender="Women",
                             article_type=dresses, colour=ColourFactory(name="Red", hex="#c0392b"))
    VariantFactory(product=product, size="M", stock=50)
    plain = ProductFactory(catalog_id=700002, name="Acme Women Blue Dress", brand=brand, gender="Women",
                           article_type=dresses)
    VariantFactory(product=plain, size="S", stock=50)

    users = {
        "shopper": UserFactory(username="shopper"),
        "merchandiser": UserFactory(username="merch", is_staff=True),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        "agency_x": UserFactory(username="agent-x"),
        "agency_y": UserFactory(username="agent-y"),
    }
    users["merchandiser"].user_permissions.set(Permission.objects.filter(content_type__app_label="shop"))
    talent_a = TalentFactory(display_name="Amara Okafor", user=UserFactory(username="amara"))
    talent_b = TalentFactory(display_name="Bo Berg", user=UserFactory(username="bo"))
    users["talent_a"], users["talent_b"] = talent_a.user, talent_b.user
    agency_x = AgencyFactory(name="Xenon Models", commission_rate=Decimal("0.15"))
    agency_y = AgencyFactory(name="Yarrow Agency", commission_rate=Decimal("0.10"))
    agency_x.staff.add(users["agency_x"])
    agency_y.staff.add(users["agency_y"])
    RepresentationFactory(talent=talent_a, agency=agency_x)
    RepresentationFactory(talent=talent_b, agency=agency_y)
    twin_a = DigitalTwinFactory(talent=talent_a, slug="amara")
    twin_b = DigitalTwinFactory(talent=talent_b, slug="bo")
    for twin in (twin_a, twin_b):
        TwinPoseFactory(twin=twin, key="front", label="Front", position=0)
    grant_a = ConsentGrantFactory(twin=twin_a, brand=brand, rate_per_view=Decimal("0.0125"))
    grant_b = ConsentGrantFactory(twin=twin_b, brand=brand, rate_per_view=Decimal("0.0300"))
    other_brand = BrandFactory(name="Other Brand")
    proposed_a = ConsentGrantFactory(twin=twin_a, brand=other_brand, status="proposed")
    revoked_a = ConsentGrantFactory(twin=twin_a, brand=BrandFactory(name="Revoked Brand"), status="revoked")
    license_view(twin=twin_a, product=product, viewer=Viewer(key="s:seed"), channel="storefront")
    license_view(twin=twin_b, product=product, viewer=Viewer(key="s:seed"), channel="storefront")

    order = Order.objects.create(
        number="TS-RELIAB-0001", user=users["shopper"], full_name="Sam Shopper", email="sam@example.com",
        address="1 Test Street, Springfield", currency="USD", total=Decimal("19.99"),
    )
    variant = product.variants.get()
    OrderLine.objects.create(order=order, product=product, variant=variant, product_name=product.name,
                             size=variant.size, unit_price=product.price, quantity=1, line_total=product.price)
    return World(users=users, product=product, plain_product=plain, grant_a=grant_a, grant_b=grant_b,
                 proposed_a=proposed_a, revoked_a=revoked_a, agency_x=agency_x, agency_y=agency_y,
                 talent_a=talent_a, talent_b=talent_b, order_number=order.number)


@pytest.fixture
def ws_app() -> Iterator[Any]:
    """The websocket stack exactly as config.asgi builds it (origin check, session + auth, router)."""
    from config.asgi import application

    yield application.application_mapping["websocket"]


@pytest.fixture(scope="session")
def reliability_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reliability-index")


@pytest.fixture
def indexed_catalogue(db, settings, reliability_index_dir: Path) -> Iterator[dict[str, list]]:
    """The assistant's small test catalogue, indexed, with no chat model (the offline pipeline)."""
    from assistant.retrieval import index as index_mod
    from assistant.retrieval.index import index_build
    from tests.factories import assistant_catalogue_create

    settings.ASSISTANT_INDEX_DIR = reliability_index_dir
    settings.ASSISTANT_CHAT_MODEL = None
    index_mod._reset_snapshot()
    products = assistant_catalogue_create()
    index_build(force=True)
    _warm(index_mod)
    yield products
    index_mod._reset_snapshot()


def _warm(index_mod) -> None:  # type: ignore[no-untyped-def]
    """What a worker loads at start (ASSISTANT_WARM_ON_START, off in tests): the vocabulary's concept anchors and
    the query encoder. Without it the first fuzzed frame that reaches the embedding fallback pays the encoder's
    one-time load inside the frame's 20 s timeout, and on a busy machine runs out of it."""
    from assistant.retrieval.embeddings import query_encoder
    from assistant.understanding import semantic
    from assistant.understanding.vocabulary import vocabulary_from_db

    semantic.warm(vocabulary_from_db(version=str(index_mod.get_snapshot().stamp)))
    query_encoder("fashion")
