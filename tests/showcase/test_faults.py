"""Images served == billable rows written, under every failure (issue 20, item 5).

The licence and the image are produced in one transaction: a renderer that fails rolls the royalty row back,
a render cache that cannot be written (full or read-only disk) still serves the bytes in hand."""
from __future__ import annotations

import errno
from unittest import mock

import pytest
from django.test import Client

from licensing.models import ConsentGrant, RoyaltyEvent
from licensing.showcase import backends, services
from tests.showcase.test_serving import BROWSER_UA, page_image_url

pytestmark = pytest.mark.django_db


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _billable_rows() -> int:
    return RoyaltyEvent.objects.filter(billable=True).count()


def test_a_full_disk_still_serves_the_image_and_bills_it_once(client, product, grant) -> None:
    # Given a render cache whose writes fail with ENOSPC
    url = page_image_url(client, product)
    with mock.patch.object(services, "_write_atomic", side_effect=_disk_full):
        # When the image is fetched
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    # Then the rendered bytes are served, and billed exactly once
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert _billable_rows() == 1
    assert ConsentGrant.objects.get(pk=grant.pk).billable_views == 1


def test_a_read_only_cache_directory_still_serves_the_image(client, product) -> None:
    url = page_image_url(client, product)
    with mock.patch.object(services.tempfile, "mkstemp",
                           side_effect=OSError(errno.EROFS, "Read-only file system")):
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert _billable_rows() == 1
    assert list(services.render_dir().rglob("*.png")) == []  # nothing cached, nothing half-written


def test_a_failing_renderer_bills_nothing_and_falls_back(client, product, grant) -> None:
    # Given a renderer backend that fails
    url = page_image_url(client, product)
    with mock.patch.object(backends.LocalCompositorBackend, "render",
                           side_effect=backends.BackendError("try-on service down")):
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    # Then the plain picture is served and nothing was written: no royalty row, the cap untouched
    assert response.status_code == 302
    assert response["X-Showcase-Fallback"] == "render_failed"
    assert RoyaltyEvent.objects.count() == 0
    assert ConsentGrant.objects.get(pk=grant.pk).billable_views == 0


def test_an_unexpected_stamping_failure_is_a_500_with_nothing_billed(product, grant) -> None:
    client = Client(raise_request_exception=False)
    url = page_image_url(client, product)
    with mock.patch.object(services.renderer, "stamp", side_effect=MemoryError("out of memory")):
        response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)

    assert response.status_code == 500
    assert RoyaltyEvent.objects.count() == 0
    assert ConsentGrant.objects.get(pk=grant.pk).billable_views == 0


def test_images_served_equal_billable_rows_across_a_run_of_failures(product, grant) -> None:
    # Given fetches by distinct shoppers, one in three hitting a failing renderer, one in three a full disk
    served = 0
    for i in range(9):
        client = Client(raise_request_exception=False)
        url = page_image_url(client, product)
        fault = ({"target": backends.LocalCompositorBackend, "attribute": "render",
                  "side_effect": backends.BackendError("down")} if i % 3 == 0 else
                 {"target": services, "attribute": "_write_atomic", "side_effect": _disk_full} if i % 3 == 1 else None)
        if i % 3 == 0:
            # a fresh composite must be drawn for the renderer fault to bite: empty the cache
            for path in sorted(services.render_dir().rglob("*.png")):
                path.unlink()
        with mock.patch.object(**fault) if fault else mock.MagicMock():
            response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
        served += response.status_code == 200 and response["Content-Type"] == "image/png"

    # Then every image served was billed once, and nothing else was
    assert served == 6
    assert _billable_rows() == served
    assert ConsentGrant.objects.get(pk=grant.pk).billable_views == served
