"""Consent pages a model's agent would trust: the amendment diff, errors summarised at the top, duplicate
proposals refused with a link, proposals opened and withdrawn by their proposer, the brand filter."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from licensing.models import ConsentEvent, ConsentGrant, GrantStatus
from licensing.services import grant_amend
from tests.factories import BrandFactory, UserFactory
from tests.licensing.test_pages import _proposal, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _amend(world, **changes):  # noqa: F811
    return grant_amend(grant=world["grant_a"], proposed_by=world["agent_a"], agency=world["agency_a"], **changes)


def test_the_sign_page_shows_an_amendment_side_by_side_with_the_version_it_replaces(client, world):  # noqa: F811
    # given an amendment raising the rate and adding a 5,000-view cap
    new = _amend(world, rate_per_view=Decimal("0.055"), view_cap=5000)
    # when the talent opens it to sign
    client.force_login(world["a"].user)
    r = client.get(reverse("licensing:talent_consent_sign", args=[new.pk]))
    body = r.content.decode()
    # then both changes are marked, the rest shown as unchanged
    assert '<table class="lic-diff-table" id="terms-diff">' in body
    assert "<td><del>0.0125 USD</del></td>\n        <td><ins>0.055 USD</ins></td>" in body
    assert "<td><del>no cap</del></td>\n        <td><ins>5,000 billable views</ins></td>" in body
    assert [row.label for row in r.context["diff"] if row.changed] == ["Rate per billable view", "View cap"]
    assert body.count('class="lic-diff-changed"') == 2
    # and the same table is on the consent's own page; a first version has none
    assert "terms-diff" in client.get(reverse("licensing:talent_consent_detail", args=[new.pk])).content.decode()
    assert "terms-diff" not in client.get(
        reverse("licensing:talent_consent_detail", args=[world["grant_a"].pk])).content.decode()


def test_a_failed_signature_is_summarised_at_the_top_and_shown_at_the_field(client, world):  # noqa: F811
    new = _amend(world, rate_per_view=Decimal("0.02"))
    client.force_login(world["a"].user)
    r = client.post(reverse("licensing:talent_consent_sign", args=[new.pk]),
                    {"typed_name": "Someone Else", "terms_sha256": new.terms_sha256, "agree": "on"})
    assert r.status_code == 400
    body = r.content.decode()
    assert body.index('id="error-summary"') < body.index('id="terms-h"')  # above the long terms
    assert '<a href="#id_typed_name">' in body
    assert ConsentGrant.objects.get(pk=new.pk).status == GrantStatus.PROPOSED


def test_a_second_consent_for_the_same_twin_and_brand_is_refused_with_a_link(client, world):  # noqa: F811
    client.force_login(world["agent_a"])
    before = ConsentGrant.objects.count()
    # when proposing for a twin and brand that already have a signed consent
    r = client.post(reverse("licensing:consent_propose"), _proposal(world, brand=world["grant_a"].brand_id))
    # then it is refused, next to the brand and at the top, with a link to amend the signed one
    assert r.status_code == 400
    assert list(r.context["form"].errors) == ["brand"]
    link = f'<a href="/consents/{world["grant_a"].pk}/amend/">#{world["grant_a"].pk}</a>'
    assert r.content.decode().count(link) == 2  # the summary and the field
    assert ConsentGrant.objects.count() == before
    # and a pending proposal links to that proposal
    fresh = BrandFactory(name="Second Brand")
    assert client.post(reverse("licensing:consent_propose"), _proposal(world, brand=fresh.pk)).status_code == 302
    pending = ConsentGrant.objects.latest("pk")
    r = client.post(reverse("licensing:consent_propose"), _proposal(world, brand=fresh.pk))
    assert r.status_code == 400 and f'<a href="/consents/{pending.pk}/">#{pending.pk}</a>' in r.content.decode()
    assert "is already waiting for the talent's signature" in r.content.decode()


def test_the_proposer_opens_and_withdraws_a_proposal(client, world):  # noqa: F811
    # given a proposal by Northstar's agent
    client.force_login(world["agent_a"])
    client.post(reverse("licensing:consent_propose"), _proposal(world))
    grant = ConsentGrant.objects.latest("pk")
    url = reverse("licensing:consent_proposal", args=[grant.pk])
    # the dashboard links it, and it opens with a withdraw button
    assert f'href="{url}"' in client.get(reverse("licensing:agency_dashboard")).content.decode()
    assert "Withdraw this proposal" in client.get(url).content.decode()
    # nobody else may withdraw it (another agency: not even see it)
    other = client.__class__()
    other.force_login(world["agent_b"])
    assert other.get(url).status_code == 404
    assert other.post(reverse("licensing:consent_withdraw", args=[grant.pk])).status_code == 404
    staff = client.__class__()
    staff.force_login(UserFactory(username="merch-x", is_staff=True))
    assert "Withdraw this proposal" not in staff.get(url).content.decode()
    assert staff.post(reverse("licensing:consent_withdraw", args=[grant.pk])).status_code == 404
    assert ConsentGrant.objects.get(pk=grant.pk).status == GrantStatus.PROPOSED
    # when the proposer withdraws it
    r = client.post(reverse("licensing:consent_withdraw", args=[grant.pk]), follow=True)
    # then it is revoked, logged once, and a second withdrawal changes nothing
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED and grant.revoked_at is not None
    assert "You withdrew proposal" in r.content.decode()
    events = list(ConsentEvent.objects.filter(grant=grant).values_list("kind", flat=True))
    assert events == ["proposed", "revoked"]
    r = client.post(reverse("licensing:consent_withdraw", args=[grant.pk]), follow=True)
    assert "no longer waiting for a signature" in r.content.decode()
    assert ConsentEvent.objects.filter(grant=grant).count() == 2


def test_the_brand_picker_has_a_filter_box(client, world):  # noqa: F811
    client.force_login(world["agent_a"])
    body = client.get(reverse("licensing:consent_propose")).content.decode()
    assert 'data-filter-for="id_brand"' in body and 'data-filterable="brand"' in body
    assert '/static/js/select-filter.js' in body
