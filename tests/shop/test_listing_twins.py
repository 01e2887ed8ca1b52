"""Product cards on AI twins: the listing and the home page show each wearable product on a licensed twin,
through the gate (shop.pages.on_product_cards, registered by licensing), with a bounded query count."""
from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from licensing.models import RoyaltyEvent
from licensing.services.consent import grant_revoke
from tests.factories import (
    ArticleTypeFactory,
    BrandFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    MasterCategoryFactory,
    ProductFactory,
    SubCategoryFactory,
    TalentFactory,
    TwinPoseFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db
URL = "/products/"
CARD = re.compile(r'<li class="product-card">.*?</li>', re.S)
TWIN_SRC = re.compile(r'<img src="(/showcase/[^"]+\.png)" alt="AI-generated image: [^"]+ shown on the AI twin of ([^"]+)"')


@pytest.fixture(autouse=True)
def render_dir(settings, tmp_path):
    settings.SHOWCASE_RENDER_DIR = tmp_path / "renders"


def _twin(name: str, size: str = "M"):
    twin = DigitalTwinFactory(talent=TalentFactory(display_name=name, gender_presentation="feminine", clothing_size=size))
    TwinPoseFactory(twin=twin, key="front", label="Front", position=0)
    return twin


@pytest.fixture
def wearable_page():
    """24 women's products a body wears (dresses, tops, shoes, watches) of six brands, and two twins whose
    shop-wide grants cover every brand the shop sells."""
    apparel = MasterCategoryFactory(name="Apparel")
    kinds = [
        ArticleTypeFactory(name="Dresses", sub_category=SubCategoryFactory(master=apparel, name="Dress")),
        ArticleTypeFactory(name="Tops", sub_category=SubCategoryFactory(master=apparel, name="Topwear")),
        ArticleTypeFactory(name="Heels", sub_category=SubCategoryFactory(
            master=MasterCategoryFactory(name="Footwear"), name="Shoes")),
        ArticleTypeFactory(name="Watches", sub_category=SubCategoryFactory(
            master=MasterCategoryFactory(name="Accessories"), name="Watches")),
    ]
    brands = [BrandFactory(name=f"Brand {i}") for i in range(6)]
    products = []
    for i in range(24):
        p = ProductFactory(catalog_id=5000 + i, name=f"Women Piece {i}", gender="Women",
                           article_type=kinds[i % 4], brand=brands[i % 6])
        VariantFactory(product=p, size="M")
        products.append(p)
    grants = [ConsentGrantFactory(twin=_twin(name), brand_scope="shop_all", brand=None)
              for name in ("Amara Okafor", "Lena Fischer")]
    return products, grants


def _cards(body: str) -> list[str]:
    return CARD.findall(body)


def test_a_listing_shows_wearable_cards_on_licensed_twins(client: Client, wearable_page, settings):
    # given 24 wearable products covered by two twins' shop-wide consents
    settings.SHOP_PAGE_SIZE = 24
    # when a shopper opens the listing
    body = client.get(URL, {"gender": "Women"}).content.decode()
    # then (at least 95% of) the wearable cards carry a gated twin image, its alt text and its visible label
    cards = _cards(body)
    assert len(cards) == 24
    on_twins = [TWIN_SRC.search(card) for card in cards]
    assert sum(1 for m in on_twins if m) / len(cards) >= 0.95
    for card, match in zip(cards, on_twins, strict=True):
        assert match is not None
        assert f'<span class="ai-label">AI twin of {match.group(2)} · licensed</span>' in card
    # each card has its own signed URL
    assert len({m.group(1) for m in on_twins}) == 24


def test_each_card_is_a_gated_view_when_fetched(client: Client, wearable_page, settings):
    # given a listing page of 24 twin cards
    settings.SHOP_PAGE_SIZE = 24
    urls = [m.group(1) for m in TWIN_SRC.finditer(client.get(URL, {"gender": "Women"}).content.decode())]
    assert RoyaltyEvent.objects.count() == 0  # minting a URL licenses nothing
    # when the browser fetches the 24 images
    responses = [client.get(url) for url in urls]
    # then each is a labelled PNG licensed by the gate: 24 views in the ledger
    assert [r.status_code for r in responses] == [200] * 24
    assert {r["Content-Type"] for r in responses} == {"image/png"}
    assert RoyaltyEvent.objects.count() == 24


def test_a_revoked_twin_leaves_the_next_listing(client: Client, wearable_page, settings):
    # given two twins on the listing's cards
    settings.SHOP_PAGE_SIZE = 24
    products, grants = wearable_page
    by_name = {g.twin.talent.display_name: g for g in grants}
    before = [m.group(2) for m in TWIN_SRC.finditer(client.get(URL, {"gender": "Women"}).content.decode())]
    assert len(before) == 24
    # when the twin on the first card revokes its grant (the rotation may put either twin there)
    shown, other = before[0], ({"Amara Okafor", "Lena Fischer"} - {before[0]}).pop()
    grant_revoke(grant=by_name[shown], user=by_name[shown].twin.talent.user)
    # then the next listing shows only the other twin, on every card
    after = [m.group(2) for m in TWIN_SRC.finditer(client.get(URL, {"gender": "Women"}).content.decode())]
    assert len(after) == 24 and set(after) == {other}
    # and when the other revokes too, every card falls back to its plain illustration
    grant_revoke(grant=by_name[other], user=by_name[other].twin.talent.user)
    body = client.get(URL, {"gender": "Women"}).content.decode()
    assert TWIN_SRC.search(body) is None and "AI twin of" not in "".join(_cards(body))
    assert len(_cards(body)) == 24


def test_cards_the_renderer_never_puts_on_a_twin_keep_their_picture(client: Client, wearable_page):
    # given a covered brand's girls' dress (children's products never reach a twin: licensing.rules)
    products, _ = wearable_page
    ProductFactory(catalog_id=6000, name="Girls Party Dress", gender="Girls", article_type=products[0].article_type,
                   brand=products[0].brand)
    # when
    body = client.get(URL, {"q": "girls party"}).content.decode()
    # then its card is the plain illustration
    (card,) = _cards(body)
    assert "/showcase/" not in card and 'alt="Girls Party Dress"' in card


def test_the_home_rows_show_clothes_on_twins(client: Client, wearable_page):
    # when the home page renders
    body = client.get(reverse("shop:home")).content.decode()
    # then its first row (women's tops) and the dresses row are on twins
    rows = re.findall(r'<section class="home-section" aria-labelledby="row-\d+">(.*?)</section>', body, re.S)
    assert rows and all(TWIN_SRC.search(card) for row in rows[:2] for card in _cards(row))


def test_a_listing_of_twin_cards_costs_a_constant_number_of_queries(client: Client, wearable_page, settings,
                                                                     django_assert_max_num_queries):
    # given a warm session and coverage cache
    settings.SHOP_PAGE_SIZE = 24
    client.get(URL, {"gender": "Women"})
    # when 24 twin cards render: the plain listing's 10, plus the coverage token and the page's variants
    # (the fit tie-break), in one batch: the same for 4 cards or 24
    with django_assert_max_num_queries(12):
        r = client.get(URL, {"gender": "Women"})
    assert len(TWIN_SRC.findall(r.content.decode())) == 24
