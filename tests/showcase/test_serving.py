"""Serving twin images: signed tokens, the gate on every fetch, label + provenance, fallback, revocation."""
from __future__ import annotations

import io
import re
import time
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from PIL import Image

from licensing.models import DeniedView, RoyaltyEvent
from licensing.services import grant_revoke
from licensing.showcase import backends
from licensing.showcase.checks import check_renderer_backend
from licensing.showcase.renderer import DIGITAL_SOURCE_TYPE, RENDERER_NAME, RENDERER_VERSION, read_provenance
from licensing.showcase.selectors import twin_image_for
from shop.templatetags.shop_media import product_image_url
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


def page_image_url(client: Client, product) -> str:
    html = client.get(product.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    match = re.search(r'<img src="(/showcase/[^"]+\.png)"', html)
    assert match, "no twin image on the product page"
    return match.group(1)


def test_product_page_shows_a_licensed_twin_image_with_words(client, product, twin) -> None:
    html = client.get(product.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert "See it on an AI twin" in html
    assert "AI-generated image." in html
    assert "AI twin of Amara Okafor · licensed" in html
    assert RoyaltyEvent.objects.count() == 0  # minting a URL takes no licence


@pytest.mark.parametrize("twin_param", ["²", "٣", "-1", "99999999999999", "abc"])
def test_a_twin_parameter_that_names_no_twin_shows_the_default_twin(client, product, twin, twin_param) -> None:
    # hypothesis found "²": str.isdigit() accepts it and int() then raised (a 500)
    response = client.get(product.get_absolute_url(), {"twin": twin_param}, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 200
    assert "AI twin of Amara Okafor · licensed" in response.content.decode()
    assert RoyaltyEvent.objects.count() == 0


def test_fetching_the_image_takes_a_licence_and_serves_label_and_provenance(client, product, twin, grant) -> None:
    url = page_image_url(client, product)

    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store, max-age=0"
    img = Image.open(io.BytesIO(response.content))
    assert img.size == (640, 800)
    chunks = read_provenance(response.content)
    assert chunks["Description"] == "AI twin of Amara Okafor · licensed"
    assert chunks["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert chunks["twin"] == "amara-twin"
    assert chunks["grant_id"] == str(grant.pk)
    assert chunks["renderer"] == RENDERER_NAME and chunks["renderer_version"] == RENDERER_VERSION
    assert f"<twinshop:grant_id>{grant.pk}</twinshop:grant_id>" in chunks["XML:com.adobe.xmp"]
    event = RoyaltyEvent.objects.get()
    assert (event.twin_id, event.product_id, event.channel, event.billable) == (twin.pk, product.pk, "storefront", True)


def test_every_served_image_is_stamped_even_from_the_cache(client, product, render_dir) -> None:
    url = page_image_url(client, product)

    first = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    second = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    composites = [p for p in render_dir.rglob("*.png") if not p.name.endswith(".stamped.png")]
    stamped = list(render_dir.rglob("*.stamped.png"))
    assert len(composites) == 1 and len(stamped) == 1
    assert read_provenance(composites[0].read_bytes()) == {}  # the shared composite holds no label
    assert read_provenance(stamped[0].read_bytes())["Description"] == "AI twin of Amara Okafor · licensed"
    for response in (first, second):
        assert read_provenance(response.content)["Description"] == "AI twin of Amara Okafor · licensed"
    assert first.content == second.content
    # a cache hit is still a licensed view; this repeat inside the dedup window is recorded by the first's row
    assert RoyaltyEvent.objects.filter(billable=True).count() == 1
    assert RoyaltyEvent.objects.count() == 1


def test_tampered_token_is_403_and_records_nothing(client, product) -> None:
    url = page_image_url(client, product)
    token = url.removeprefix("/showcase/").removesuffix(".png")
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]

    for bad in (f"/showcase/{tampered}.png", "/showcase/garbage.png", "/showcase/%00.png"):
        assert client.get(bad).status_code == 403
    assert RoyaltyEvent.objects.count() == 0


def test_expired_token_is_403(client, product, settings) -> None:
    settings.SHOWCASE_TOKEN_MAX_AGE_SECONDS = 60
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3600):
        url = page_image_url(client, product)

    response = client.get(url)

    assert response.status_code == 403
    assert b"expired" in response.content
    assert RoyaltyEvent.objects.count() == 0


def test_token_replayed_in_another_session_is_403(client, product) -> None:
    url = page_image_url(client, product)

    assert Client().get(url).status_code == 403
    assert RoyaltyEvent.objects.count() == 0


def _claim(url: str, session_key: str):  # type: ignore[no-untyped-def]
    from licensing.showcase.tokens import token_read

    return token_read(url.removeprefix("/showcase/").removesuffix(".png"), session_key=session_key)


def test_an_anonymous_shoppers_image_is_licensed_without_loading_the_session(client, product) -> None:
    # given the URL an anonymous shopper's product page carries
    url = page_image_url(client, product)
    session_key = client.session.session_key
    assert _claim(url, session_key).anonymous is True

    # when it is fetched (the session store's load() would fail the request if it were called)
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    with mock.patch.object(store, "load", side_effect=AssertionError("session loaded")) as load:
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    # then the view is licensed and billed to that session, exactly as the session would have said
    assert response.status_code == 200 and load.call_count == 0
    event = RoyaltyEvent.objects.get()
    assert (event.viewer_key, event.billable) == (f"s:{session_key}", True)


def test_a_logged_in_viewers_image_is_attributed_by_the_session(client, product, django_user_model) -> None:
    # given a staff member logged in, on a product page
    staff = django_user_model.objects.create_user(username="merch", password="pass-word-123", is_staff=True)
    client.force_login(staff)
    url = page_image_url(client, product)
    assert _claim(url, client.session.session_key).anonymous is False

    # when the image is fetched
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    # then the gate read who is logged in: staff views are recorded but never billed
    assert response.status_code == 200
    event = RoyaltyEvent.objects.get()
    assert (event.viewer_key, event.billable, event.non_billable_reason) == (f"u:{staff.pk}", False, "staff")


def test_an_anonymous_url_stops_working_once_its_shopper_logs_in(client, product, django_user_model) -> None:
    # given a URL minted while anonymous
    url = page_image_url(client, product)

    # when the shopper logs in (a new session key) and the old page fetches it
    client.force_login(django_user_model.objects.create_user(username="sam", password="pass-word-123", is_staff=True))
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    # then it is refused: a URL flagged anonymous never serves a logged-in session, and nothing is recorded
    assert response.status_code == 403 and b"other session" in response.content
    assert RoyaltyEvent.objects.count() == 0 and DeniedView.objects.count() == 0


def test_revocation_is_honoured_on_the_next_request(client, product, grant, twin) -> None:
    url = page_image_url(client, product)
    assert client.get(url, HTTP_USER_AGENT=BROWSER_UA).status_code == 200
    assert RoyaltyEvent.objects.count() == 1

    grant_revoke(grant=grant, user=twin.talent.user)
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 302
    assert response["Location"] == product_image_url(product)
    assert response["Cache-Control"] == "private, no-store, max-age=0"
    assert response["X-Showcase-Fallback"] == "revoked"
    assert RoyaltyEvent.objects.count() == 1  # no new royalty row; the earned one stays
    assert DeniedView.objects.filter(reason="revoked").count() == 1
    html = client.get(product.get_absolute_url()).content.decode()
    assert "/showcase/" not in html
    assert "No AI twin is licensed to show this product right now." in html


def test_uncovered_category_falls_back_to_the_illustration(client, twin) -> None:
    grant = ConsentGrantFactory(twin=twin, allowed_master_categories=["Footwear"])
    product = ProductFactory(brand=grant.brand, gender="Women")
    # a URL minted while covered would still be gated: mint one directly
    image = twin_image_for(product=product, session_key=_session(client), channel="storefront",
                           twins=[twin])

    response = client.get(image.url)

    assert response.status_code == 302
    assert response["X-Showcase-Fallback"] == "category"
    assert client.get(response["Location"]).status_code == 200
    assert RoyaltyEvent.objects.count() == 0


def _session(client: Client) -> str:
    client.get("/")
    session = client.session
    if not session.session_key:
        session.save()
        client.cookies["sessionid"] = session.session_key
    return client.cookies["sessionid"].value


def test_prefetch_and_bots_are_served_but_not_billed(client, product) -> None:
    url = page_image_url(client, product)

    assert client.get(url, HTTP_SEC_PURPOSE="prefetch", HTTP_USER_AGENT=BROWSER_UA).status_code == 200
    event = RoyaltyEvent.objects.get()
    assert event.billable is False and event.non_billable_reason == "prefetch"


def test_never_on_twin_products_offer_no_twin(client, grant) -> None:
    product = ProductFactory(brand=grant.brand, gender="Boys")

    html = client.get(product.get_absolute_url()).content.decode()

    assert "/showcase/" not in html
    assert "shown as an illustration only" in html


def test_shopper_can_switch_twin_without_javascript(client, product, grant) -> None:
    other_talent = TalentFactory(display_name="Mei Lin", clothing_size="XS", height_cm=155)
    other = DigitalTwinFactory(talent=other_talent)
    ConsentGrantFactory(twin=other, brand=grant.brand)

    default = client.get(product.get_absolute_url()).content.decode()
    switched = client.get(product.get_absolute_url() + f"?twin={other.pk}").content.decode()

    assert f'href="?twin={other.pk}#see-it-on"' in default
    caption = default.split("<figcaption>")[1].split("</figcaption>")[0]
    # the default is the rotation's choice for this session: one of the two covering twins
    assert ("AI twin of Amara Okafor · licensed" in caption) != ("AI twin of Mei Lin · licensed" in caption)
    assert "AI twin of Mei Lin · licensed" in switched.split("<figcaption>")[1].split("</figcaption>")[0]
    # nonsense ?twin values fall back to the default choice, never a 500
    for junk in ("abc", "-1", "99999999999999999999", "0"):
        assert client.get(product.get_absolute_url() + f"?twin={junk}").status_code == 200


def test_default_choice_and_preferences(grant, twin) -> None:
    brand = grant.brand
    tall = DigitalTwinFactory(talent=TalentFactory(display_name="Tall", gender_presentation="feminine", height_cm=190,
                                                   clothing_size="S"))
    xl = DigitalTwinFactory(talent=TalentFactory(display_name="XL", gender_presentation="feminine", height_cm=165,
                                                 clothing_size="XL"))
    man = DigitalTwinFactory(talent=TalentFactory(display_name="Man", gender_presentation="masculine", height_cm=200,
                                                  clothing_size="M"))
    for t in (tall, xl, man):
        ConsentGrantFactory(twin=t, brand=brand)
    dress = ProductFactory(brand=brand, gender="Women", article_type=ArticleTypeFactory(name="Dresses"))
    VariantFactory(product=dress, size="M")

    def pick(session="sess", **prefer) -> str:
        return twin_image_for(product=dress, session_key=session, channel="storefront",
                              prefer=prefer or None).twin_name

    # by default the rotation: a feminine twin, the same one for a session, different ones across sessions
    defaults = {pick(session=f"s{i}") for i in range(60)}
    assert defaults == {"Amara Okafor", "Tall", "XL"}
    assert pick() == pick()
    assert pick(taller=True) == "Tall"  # tallest among matching presentation
    assert pick(size="XL") == "XL"
    assert pick(gender="masculine") == "Man"


def test_production_refuses_non_commercial_backends(settings) -> None:
    settings.SHOWCASE_RENDERER_BACKEND = "licensing.showcase.backends.HttpTryOnBackend"
    settings.SHOWCASE_HTTP_TRYON_URL = "http://127.0.0.1:9/tryon"
    settings.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS = False

    errors = check_renderer_backend()

    assert [e.id for e in errors] == ["showcase.E001"]
    assert "CC-BY-NC-SA-4.0" in errors[0].msg
    with pytest.raises(ImproperlyConfigured):
        backends.get_backend()

    settings.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS = True
    assert check_renderer_backend() == []
    assert isinstance(backends.get_backend(), backends.HttpTryOnBackend)


def test_production_settings_disallow_non_commercial(monkeypatch) -> None:
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "production-like-key-" + "k9Qz-7xW" * 5)
    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")

    assert production.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS is False
    assert backends.backend_problem(backends.LocalCompositorBackend) is None


def test_backend_protocol_is_declared() -> None:
    local = backends.LocalCompositorBackend()

    assert isinstance(local, backends.RendererBackend)
    assert (local.model_licence, local.commercial_use_allowed) == ("MIT", True)
    assert (backends.HttpTryOnBackend.model_licence, backends.HttpTryOnBackend.commercial_use_allowed) == (
        "CC-BY-NC-SA-4.0", False)


def test_unknown_product_in_valid_token_is_404(client, product) -> None:
    url = page_image_url(client, product)
    product.is_published = False
    product.save()

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405


def test_c2pa_manifest_when_a_signing_certificate_is_configured(client, product, grant, settings, tmp_path) -> None:
    pytest.importorskip("c2pa")
    from licensing.showcase.c2pa_manifest import make_test_chain, read_manifest

    cert, key = make_test_chain(tmp_path / "c2pa")
    settings.SHOWCASE_C2PA_CERT, settings.SHOWCASE_C2PA_KEY = str(cert), str(key)
    url = page_image_url(client, product)

    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 200
    manifest = read_manifest(response.content)
    active = manifest["manifests"][manifest["active_manifest"]]
    licence = next(a for a in active["assertions"] if a["label"] == "com.twinshop.licence")["data"]
    assert licence["grant_id"] == str(grant.pk)
    actions = next(a for a in active["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert actions[0]["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    # a development CA is (rightly) not trusted; the manifest itself is intact
    assert {s["code"] for s in manifest.get("validation_status", [])} <= {"signingCredential.untrusted"}
    assert read_provenance(response.content)["grant_id"] == str(grant.pk)  # XMP/iTXt survive signing


def test_http_tryon_backend_posts_the_garment_and_returns_its_png(settings) -> None:
    """Against a real local HTTP server standing in for a try-on service."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from licensing.showcase.figures import TwinSpec
    from licensing.showcase.renderer import ProductSpec, composite_png

    answer = composite_png(TwinSpec(1, "A"), None)
    seen: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            seen.update(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        backend = backends.HttpTryOnBackend(url=f"http://127.0.0.1:{server.server_port}/tryon", timeout=5)
        png = backend.render(twin=TwinSpec(3, "B", height_cm=181), product=ProductSpec(7, "Tee", "Tshirts", colour_hex="#ff0000",
                                                                                        colour_name="Red"),
                             pose="front", size="page")
    finally:
        server.shutdown()

    assert png == answer
    assert seen["product"] == {"id": 7, "article_type": "Tshirts", "colour": "Red"}
    assert (seen["width"], seen["height"], seen["twin"]["height_cm"]) == (640, 800, 181)
    assert seen["garment_svg"]
    with pytest.raises(backends.BackendError):
        backends.HttpTryOnBackend(url="http://127.0.0.1:9/nothing", timeout=1).render(
            twin=TwinSpec(3, "B"), product=ProductSpec(7, "Tee", "Tshirts"), pose="front", size="card")


def test_covered_product_page_runs_in_bounded_queries(client, product, grant, django_assert_max_num_queries) -> None:
    client.get("/")  # the session exists already, as for any returning shopper
    # The first page of a process (or after a consent change) loads the coverage cache: the token, the brand's
    # signed grants, their twins with talents, and the twins' poses.
    with django_assert_max_num_queries(14):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    # Every later page reads only the coverage token of all that.
    with django_assert_max_num_queries(10):
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert "/showcase/" in response.content.decode()


def test_shopper_can_switch_pose(client, product, twin) -> None:
    front = client.get(product.get_absolute_url()).content.decode()
    turned = client.get(product.get_absolute_url() + f"?twin={twin.pk}&pose=three_quarter")
    url = re.search(r'<img src="(/showcase/[^"]+\.png)"', turned.content.decode()).group(1)

    assert f'href="?twin={twin.pk}&amp;pose=three_quarter#see-it-on"' in front
    assert 'aria-current="true" class="selected">Three-quarter' in turned.content.decode()
    assert read_provenance(client.get(url).content)["XML:com.adobe.xmp"].count("<twinshop:pose>three_quarter<") == 1
    assert client.get(product.get_absolute_url() + "?pose=upside_down").status_code == 200


def test_start_up_fails_with_a_non_commercial_backend_in_production(settings) -> None:
    from django.apps import apps

    settings.SHOWCASE_RENDERER_BACKEND = "licensing.showcase.backends.HttpTryOnBackend"
    settings.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS = False

    with pytest.raises(ImproperlyConfigured, match="forbids commercial use"):
        apps.get_app_config("showcase").ready()


def test_gated_image_view_runs_in_bounded_queries(client, product, grant, django_assert_max_num_queries) -> None:
    """One twin-image fetch through the gate: session (none when cached in Redis), product, then one
    transaction of BEGIN, grant lock (twin and talent come with it), dedup check, cap update and agency split
    (views that write a row only), royalty row, COMMIT. No savepoint for the gate inside the render's
    transaction (a refusal writes nothing the image's failure would have to undo). The view reads no twin, and
    the product's brand, colour and categories come from the worker's lookup tables, read once per process."""
    from shop.lookups import catalogue_lookups

    url = page_image_url(client, product)
    catalogue_lookups()
    with django_assert_max_num_queries(8):
        first = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    with django_assert_max_num_queries(5):
        again = client.get(url, HTTP_USER_AGENT=BROWSER_UA)  # deduplicated: no cap update, no split, no row

    assert first.status_code == again.status_code == 200
    assert list(RoyaltyEvent.objects.order_by("pk").values_list("billable", flat=True)) == [True]


def test_the_twin_sits_next_to_the_garment_and_its_picker_swaps_in_place(client, product, twin) -> None:
    # given a product a twin may wear
    html = client.get(product.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    # then the twin panel comes with the garment's picture, before the product's details and the cart form
    visuals = html.index('<div class="product-visuals with-twin">')
    assert visuals < html.index('id="see-it-on"') < html.index('class="product-info"') < html.index('class="add-to-cart"')
    # and the picker is enhanced by a local script (no CDN), its plain links still work without it
    assert '<script src="/static/js/see-it-on.js" defer></script>' in html
    assert f'href="?twin={twin.pk}&amp;pose=three_quarter#see-it-on"' in html
