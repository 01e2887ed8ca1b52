"""Territory limits are enforced from the viewer's real country (issue 20, item 3).

The country comes from a trusted proxy's header when the request comes from a trusted proxy, otherwise from
the offline IP-to-country table (iptocc); never from Accept-Language. An unknown country is covered only by
worldwide grants. River's grant (US, GB, DE) must not serve a viewer in France."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from licensing.models import DeniedView, RoyaltyEvent
from licensing.transport import UNKNOWN_TERRITORY, meta_from_scope, viewer_territory
from tests.factories import (
    ArticleTypeFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    ProductFactory,
    TalentFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"
PARIS = "90.84.1.1"  # Orange France
LONDON = "81.2.69.142"
US = "8.8.8.8"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def render_dir(settings, tmp_path):
    settings.SHOWCASE_RENDER_DIR = tmp_path / "renders"
    settings.TRUSTED_PROXIES = []
    settings.LICENSING_PRIVATE_NETWORK_TERRITORY = ""


@pytest.fixture
def river_dress(db):
    twin = DigitalTwinFactory(talent=TalentFactory(display_name="River Sato"), slug="river-twin")
    grant = ConsentGrantFactory(twin=twin, territories=["US", "GB", "DE"])
    product = ProductFactory(brand=grant.brand, gender="Women", article_type=ArticleTypeFactory(name="Dresses"))
    VariantFactory(product=product, size="M")
    return product


def _image_url(client: Client, product, **meta) -> str | None:
    html = client.get(product.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA, **meta).content.decode()
    match = re.search(r'<img src="(/showcase/[^"]+\.png)"', html)
    return match.group(1) if match else None


@pytest.mark.parametrize(("meta", "country"), [
    ({"REMOTE_ADDR": PARIS}, "FR"),
    ({"REMOTE_ADDR": US}, "US"),
    ({"REMOTE_ADDR": "2a01:cb00::1"}, "FR"),
    ({"REMOTE_ADDR": PARIS, "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, "FR"),  # never the viewer's own words
    ({"REMOTE_ADDR": "127.0.0.1"}, UNKNOWN_TERRITORY),
    ({"REMOTE_ADDR": "192.168.1.20"}, UNKNOWN_TERRITORY),
    ({"REMOTE_ADDR": ""}, UNKNOWN_TERRITORY),
    # a country header from anyone but a trusted proxy is ignored
    ({"REMOTE_ADDR": PARIS, "HTTP_CLOUDFRONT_VIEWER_COUNTRY": "US"}, "FR"),
    ({"REMOTE_ADDR": PARIS, "HTTP_CF_IPCOUNTRY": "US"}, "FR"),
])
def test_the_viewer_country_comes_from_the_address(meta, country) -> None:
    assert viewer_territory(meta) == country


def test_a_trusted_proxy_names_the_country(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert viewer_territory({"REMOTE_ADDR": PROXY, "HTTP_CLOUDFRONT_VIEWER_COUNTRY": "fr"}) == "FR"
    assert viewer_territory({"REMOTE_ADDR": PROXY, "HTTP_CF_IPCOUNTRY": "GB"}) == "GB"
    # Cloudflare's "unknown" and "Tor" are no country; without a header, the forwarded client's address decides
    assert viewer_territory({"REMOTE_ADDR": PROXY, "HTTP_CF_IPCOUNTRY": "XX"}) == UNKNOWN_TERRITORY
    assert viewer_territory({"REMOTE_ADDR": PROXY, "HTTP_CF_IPCOUNTRY": "T1"}) == UNKNOWN_TERRITORY
    assert viewer_territory({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": PARIS}) == "FR"


def test_a_websocket_scope_reads_the_same_way() -> None:
    scope = {"client": [PARIS, 50123], "headers": [(b"cf-ipcountry", b"US"), (b"accept-language", b"en-US")]}
    assert viewer_territory(meta_from_scope(scope)) == "FR"


def test_a_viewer_in_france_is_refused_rivers_us_gb_de_grant(river_dress) -> None:
    # Given River's twin offered to a viewer in London, who passes the image URL on to a viewer in Paris
    london = Client(REMOTE_ADDR=LONDON)
    url = _image_url(london, river_dress)
    assert url is not None

    # When the Paris viewer's page loads, and the image is fetched from Paris (same session)
    paris_page_url = _image_url(Client(REMOTE_ADDR=PARIS), river_dress)
    response = london.get(url, HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=PARIS)

    # Then Paris is offered no River twin, and the fetch falls back to the plain picture, recorded as territory
    assert paris_page_url is None
    assert response.status_code == 302
    assert response["X-Showcase-Fallback"] == "territory"
    assert RoyaltyEvent.objects.count() == 0
    assert list(DeniedView.objects.values_list("reason", "territory")) == [("territory", "FR")]


def test_the_london_viewer_is_served_and_the_row_says_gb(river_dress) -> None:
    london = Client(REMOTE_ADDR=LONDON)
    response = london.get(_image_url(london, river_dress), HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 200
    assert list(RoyaltyEvent.objects.values_list("territory", "billable")) == [("GB", True)]


def test_a_trusted_proxy_header_decides_an_untrusted_one_does_not(river_dress, settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # Through the trusted proxy, CloudFront says France: refused even though the proxy's own address says nothing
    trusted = Client(REMOTE_ADDR=PROXY, HTTP_CLOUDFRONT_VIEWER_COUNTRY="US")
    url = _image_url(trusted, river_dress)
    assert url is not None
    refused = trusted.get(url, HTTP_USER_AGENT=BROWSER_UA, HTTP_CLOUDFRONT_VIEWER_COUNTRY="FR")
    # From Paris directly, a forged "US" header is ignored
    forger = Client(REMOTE_ADDR=PARIS, HTTP_CLOUDFRONT_VIEWER_COUNTRY="US")
    forged_page = _image_url(forger, river_dress)
    forged = trusted.get(url, HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=PARIS, HTTP_CLOUDFRONT_VIEWER_COUNTRY="US")
    served = trusted.get(url, HTTP_USER_AGENT=BROWSER_UA, HTTP_CLOUDFRONT_VIEWER_COUNTRY="US")

    assert refused["X-Showcase-Fallback"] == "territory"
    assert forged_page is None and forged["X-Showcase-Fallback"] == "territory"
    assert served.status_code == 200
    assert list(RoyaltyEvent.objects.values_list("territory", flat=True)) == ["US"]


def test_an_unknown_country_is_covered_only_by_worldwide_grants(river_dress) -> None:
    # From loopback (no country): River's territory-limited grant refuses, a worldwide grant serves
    local = Client(REMOTE_ADDR="127.0.0.1")
    assert _image_url(local, river_dress) is None
    worldwide = ConsentGrantFactory(territories=["*"])
    product = ProductFactory(brand=worldwide.brand, gender="Women", article_type=ArticleTypeFactory(name="Dresses"))
    url = _image_url(local, product)
    assert local.get(url, HTTP_USER_AGENT=BROWSER_UA).status_code == 200
    assert list(RoyaltyEvent.objects.values_list("territory", flat=True)) == [UNKNOWN_TERRITORY]


def test_the_chat_offers_twins_for_the_shoppers_country(river_dress) -> None:
    from assistant.models import Conversation
    from assistant.services import show_on_twin

    convo = Conversation.objects.create(session_key="territory-chat")
    in_paris = show_on_twin(conversation=convo, product_id=river_dress.catalog_id, twin_id=None,
                            session_key="territory-chat", territory="FR")
    in_london = show_on_twin(conversation=convo, product_id=river_dress.catalog_id, twin_id=None,
                             session_key="territory-chat", territory="GB")

    assert in_paris.products[0]["twin"] is None
    assert in_london.products[0]["twin"]["name"] == "River Sato"
