"""Invalid traffic is never billable (issue 20, item 2): made-up cookies, no cookies, one client hammering.

The red team's attack: a made-up `sessionid` cookie on a product page minted a twin-image URL bound to that
made-up key, and fetching it with the same cookie was billed; and one client with a fresh session per view
burnt a grant's cap."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from licensing.models import ConsentGrant, RoyaltyEvent
from licensing.services import Viewer, license_view
from licensing.transport import client_ip
from tests.factories import ArticleTypeFactory, ConsentGrantFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"
MADE_UP = "madeup0000000000000000000000000a"


@pytest.fixture(autouse=True)
def render_dir(settings, tmp_path):
    settings.SHOWCASE_RENDER_DIR = tmp_path / "renders"


@pytest.fixture
def dress(db):
    grant = ConsentGrantFactory()
    product = ProductFactory(brand=grant.brand, gender="Women", article_type=ArticleTypeFactory(name="Dresses"))
    VariantFactory(product=product, size="M")
    return product


def _image_url(client: Client, product, **extra) -> str:
    html = client.get(product.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA, **extra).content.decode()
    match = re.search(r'<img src="(/showcase/[^"]+\.png)"', html)
    assert match, "no twin image on the product page"
    return match.group(1)


def test_a_made_up_session_cookie_never_gets_a_billable_url(dress) -> None:
    # Given a client that presents a session key the server never issued
    client = Client()
    client.cookies["sessionid"] = MADE_UP
    url = _image_url(client, dress)

    # When it fetches the minted URL with that same made-up cookie
    client.cookies["sessionid"] = MADE_UP
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    # Then the URL was bound to a session the server issued, not to the made-up key: refused, nothing written
    assert response.status_code == 403
    assert RoyaltyEvent.objects.count() == 0
    assert not Session.objects.filter(session_key=MADE_UP).exists()


def test_the_session_the_server_issued_instead_is_an_ordinary_viewer(dress) -> None:
    client = Client()
    client.cookies["sessionid"] = MADE_UP
    url = _image_url(client, dress)  # the response sets the cookie of a session the server issued

    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    assert client.cookies["sessionid"].value != MADE_UP
    assert response.status_code == 200
    assert RoyaltyEvent.objects.get().billable is True


def test_fetching_without_a_cookie_is_refused_and_creates_no_session(dress) -> None:
    url = _image_url(Client(), dress)
    sessions = Session.objects.count()

    responses = [Client().get(url, HTTP_USER_AGENT=BROWSER_UA) for _ in range(5)]

    assert [r.status_code for r in responses] == [403] * 5
    assert RoyaltyEvent.objects.count() == 0
    assert Session.objects.count() == sessions


def test_one_client_with_a_fresh_session_per_view_is_billed_its_hourly_budget_only(dress, settings) -> None:
    # Given a budget of 3 billable views per client per hour, and one IP address dropping its cookies each time
    settings.LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR = 3
    statuses = []
    for _ in range(10):
        client = Client(REMOTE_ADDR="203.0.113.7")
        url = _image_url(client, dress)
        statuses.append(client.get(url, HTTP_USER_AGENT=BROWSER_UA).status_code)

    # Then every image is served, 3 are billed, and the excess is recorded once, as invalid traffic
    assert statuses == [200] * 10
    rows = list(RoyaltyEvent.objects.order_by("pk").values_list("billable", "non_billable_reason"))
    assert rows == [(True, "")] * 3 + [(False, "invalid")]
    assert ConsentGrant.objects.get().billable_views == 3

    # And another client is still billed
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get(_image_url(other, dress), HTTP_USER_AGENT=BROWSER_UA).status_code == 200
    assert ConsentGrant.objects.get().billable_views == 4


def test_one_client_cannot_burn_a_capped_grant(settings) -> None:
    # Given a grant capped at 100 views, of which one IP address may take 5% an hour
    settings.LICENSING_CAP_PERCENT_PER_CLIENT_HOUR = 5
    grant = ConsentGrantFactory(view_cap=100)
    products = [ProductFactory(brand=grant.brand) for _ in range(4)]
    t0 = timezone.now()

    # When that address views 40 times as 40 different viewers
    views = [license_view(twin=grant.twin, product=products[i % 4], channel="storefront",
                          viewer=Viewer(key=f"s:fresh-{i}", ip="203.0.113.7"), at=t0 + timedelta(seconds=i))
             for i in range(40)]

    # Then it took 5 views of the cap, and the ledger holds 5 billable rows and one invalid-traffic row
    assert sum(v.billable for v in views) == 5
    grant.refresh_from_db()
    assert grant.billable_views == 5
    assert RoyaltyEvent.objects.filter(billable=False, non_billable_reason="invalid").count() == 1
    assert RoyaltyEvent.objects.count() == 6


def test_the_budget_counts_per_viewer_even_without_an_address(grant, product, settings) -> None:
    settings.LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR = 2
    products = [product] + [ProductFactory(brand=grant.brand) for _ in range(3)]
    views = [license_view(twin=grant.twin, product=p, viewer=Viewer(key="s:binge"), channel="storefront")
             for p in products]
    assert [v.billable for v in views] == [True, True, False, False]
    assert RoyaltyEvent.objects.count() == 3


def test_the_budget_restarts_the_next_hour(grant, product, settings) -> None:
    settings.LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR = 1
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    t0 = timezone.now()
    first, second = (license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:x"), channel="storefront",
                                  at=t0 + timedelta(seconds=s)) for s in (0, 1))
    later = license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:x"), channel="storefront",
                         at=t0 + timedelta(hours=1, seconds=1))
    assert (first.billable, second.billable, later.billable) == (True, False, True)


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    forged = "1.2.3.4, 203.0.113.7"
    assert client_ip({"REMOTE_ADDR": "198.51.100.9", "HTTP_X_FORWARDED_FOR": forged}) == "198.51.100.9"
    assert client_ip({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": forged}) == "203.0.113.7"
    # the client's own entries left of the proxy's are never read, nor a chain of proxies
    assert client_ip({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.7, 10.0.0.2"}) \
        == "203.0.113.7"
    assert client_ip({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "not-an-ip"}) == "10.1.2.3"
    assert client_ip({"REMOTE_ADDR": "garbage"}) == ""


@pytest.mark.redis
def test_on_redis_the_counters_expire_with_their_hour(settings) -> None:
    # Given the scale-out setup, where the budgets live in Redis
    from licensing.services.traffic import _key, _redis, client_budget_take

    at = timezone.now()
    bucket = int(at.timestamp()) // 3600

    # When a view takes its budgets
    assert client_budget_take(ip="203.0.113.7", viewer_key="s:x", grant_id=7, view_cap=100, at=at)

    # Then each counter holds 1 and ends a minute after its hour, whoever counted first
    redis = _redis()
    for kind, who in (("v", "s:x"), ("ip", "203.0.113.7"), ("g7", "203.0.113.7")):
        assert int(redis.get(_key(bucket, kind, who))) == 1
        assert 3600 < redis.ttl(_key(bucket, kind, who)) <= 3660
