"""The render cache goes through STORAGES: with a `renders` alias (an object store across machines), images are
cached there and nothing is written to the local disk; a revocation still stops them on the next view."""
from __future__ import annotations

import pytest

from licensing.models import RoyaltyEvent
from licensing.services import grant_revoke
from licensing.showcase.renderer import read_provenance
from tests.showcase.test_serving import BROWSER_UA, page_image_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_renders(settings):  # type: ignore[no-untyped-def]
    from django.core.files.storage import storages

    settings.STORAGES = {**settings.STORAGES, "renders": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    yield storages["renders"]


def test_renders_are_cached_in_the_configured_storage_not_on_disk(client, product, render_dir, shared_renders) -> None:
    # Given a `renders` storage shared by every machine,
    url = page_image_url(client, product)
    # when the same twin image is viewed twice,
    first = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    second = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    # then the composite and the stamped image are in that storage, the disk holds none, and both views are
    # the same licensed, labelled image.
    names = _walk(shared_renders, "")
    assert len([n for n in names if n.endswith(".stamped.png")]) == 1
    assert len([n for n in names if not n.endswith(".stamped.png")]) == 1
    assert not render_dir.exists() or not list(render_dir.rglob("*.png"))
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert read_provenance(second.content)["Description"] == "AI twin of Amara Okafor · licensed"
    # the second is a repeat inside the dedup window: recorded by the first view's row, no row of its own
    assert list(RoyaltyEvent.objects.values_list("billable", flat=True)) == [True]


def test_a_revocation_stops_images_cached_in_the_shared_storage(client, product, grant, shared_renders) -> None:
    url = page_image_url(client, product)
    assert client.get(url, HTTP_USER_AGENT=BROWSER_UA).status_code == 200
    grant_revoke(grant=grant, user=grant.twin.talent.user)
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 302 and response["X-Showcase-Fallback"]
    assert RoyaltyEvent.objects.count() == 1


def _walk(storage, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    dirs, files = storage.listdir(prefix)
    out = [f"{prefix}{f}" for f in files]
    for d in dirs:
        out += _walk(storage, f"{prefix}{d}/")
    return out
