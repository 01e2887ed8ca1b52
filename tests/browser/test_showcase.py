"""A shopper in Debian's chromium opens a product page and sees the product on a licensed AI twin."""
from __future__ import annotations

import pytest

from licensing.models import RoyaltyEvent
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.viewport(1280, 1000)]



@pytest.fixture
def covered_product(settings, tmp_path):
    settings.SHOWCASE_RENDER_DIR = tmp_path / "renders"
    talent = TalentFactory(display_name="Priya Raman", monk_skin_tone=6, height_cm=165, body_shape="curvy",
                           clothing_size="XL", hair_style="long straight")
    twin = DigitalTwinFactory(talent=talent, slug="priya-twin")
    TwinPoseFactory(twin=twin, key="three_quarter", label="Three-quarter")
    other = DigitalTwinFactory(talent=TalentFactory(display_name="Mei Lin", monk_skin_tone=2, height_cm=155,
                                                    clothing_size="XS", hair_style="bob"), slug="mei-twin")
    grant = ConsentGrantFactory(twin=twin)
    ConsentGrantFactory(twin=other, brand=grant.brand)
    product = ProductFactory(catalog_id=4242, brand=grant.brand, gender="Women", name="Teal Kurta",
                             article_type=ArticleTypeFactory(name="Kurtas"), colour=ColourFactory(name="Teal", hex="#1b998b"))
    VariantFactory(product=product, size="XL", stock=3)
    return product, other, twin


def test_product_page_shows_a_labelled_twin_image(live_server, covered_product, page, artifacts_dir):
    product, other, priya = covered_product

    # the fair rotation picks either twin for a new session; the page asked for Priya's shows hers
    page.goto(live_server.url + product.get_absolute_url() + f"?twin={priya.pk}")

    img = page.locator(".see-it-on-figure img")
    img.wait_for()
    page.wait_for_function("() => { const i = document.querySelector('.see-it-on-figure img');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    assert img.evaluate("i => i.naturalWidth") == 640
    assert "/showcase/" in img.get_attribute("src")
    caption = page.locator(".see-it-on-figure figcaption").inner_text()
    assert "AI-generated image." in caption
    assert "AI twin of Priya Raman · licensed" in caption
    assert RoyaltyEvent.objects.filter(product=product).count() == 1  # the browser's fetch was licensed
    page.screenshot(path=str(artifacts_dir / "showcase-product-page.png"), full_page=True)

    # switch twin with a plain link (no JavaScript needed)
    page.get_by_role("link", name="Mei Lin").click()
    page.wait_for_url(f"**?twin={other.pk}**")
    page.wait_for_function("() => document.querySelector('.see-it-on-figure img').naturalWidth > 0")
    assert "AI twin of Mei Lin · licensed" in page.locator(".see-it-on-figure figcaption").inner_text()
