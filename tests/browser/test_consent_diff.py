"""A talent reads an amendment in the browser: what changed is marked next to what it replaces."""
from __future__ import annotations

from decimal import Decimal

import pytest

from licensing.services import grant_amend
from tests.factories import (
    AgencyFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    RepresentationFactory,
    TalentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_amendment_diff_and_a_failed_signature(live_server, page, artifacts_dir, width, height):
    # given a signed consent at 0.04 per view and an amendment to 0.055 with a 5,000-view cap
    page.set_viewport_size({"width": width, "height": height})
    agency = AgencyFactory(name="Northstar Models")
    talent = TalentFactory(display_name="Amara Okafor", user=UserFactory(username="amara"))
    RepresentationFactory(talent=talent, agency=agency)
    agent = UserFactory(username="northstar")
    agency.staff.add(agent)
    grant = ConsentGrantFactory(twin=DigitalTwinFactory(talent=talent), rate_per_view=Decimal("0.04"))
    new = grant_amend(grant=grant, proposed_by=agent, agency=agency, rate_per_view=Decimal("0.055"), view_cap=5000)
    not_found = []
    page.on("response", lambda r: not_found.append(r.url) if r.status == 404 else None)
    # when the talent opens it
    login(page, live_server.url, "amara")
    page.goto(f"{live_server.url}/talent/consents/{new.pk}/sign/")
    # then the two changed terms are marked, old next to new
    changed = page.locator("#terms-diff tr.lic-diff-changed")
    assert changed.count() == 2
    assert changed.nth(0).inner_text().split("\t")[1:] == ["0.04 USD", "0.055 USD"]
    assert changed.nth(1).inner_text().split("\t")[1:] == ["no cap", "5,000 billable views"]
    page.locator("#terms-diff").screenshot(path=str(artifacts_dir / f"consent-diff-{width}.png"))
    # and a wrong signature is said at the top of the page, linked to the field
    page.get_by_label("Type your full name to sign").fill("Somebody Else")
    page.get_by_label("I have read these terms").check()
    page.get_by_role("button", name="Sign this consent").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and summary.bounding_box()["y"] < page.locator("#terms-diff").bounding_box()["y"]
    page.screenshot(path=str(artifacts_dir / f"consent-sign-error-{width}.png"))
    assert not not_found, f"404s: {not_found}"
