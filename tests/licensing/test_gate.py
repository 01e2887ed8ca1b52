"""The render gate: every consent term, every billability reason, exact money, idempotency."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.models import DeniedView, GrantStatus, RoyaltyEvent
from licensing.rules import grant_failure
from licensing.selectors import product_scope, twin_images_for_products
from licensing.services import ConsentDenied, Viewer, license_view
from tests.factories import (
    AgencyFactory,
    ArticleTypeFactory,
    BrandFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    MasterCategoryFactory,
    ProductFactory,
    RepresentationFactory,
    SubCategoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def deny(**kwargs) -> str:
    with pytest.raises(ConsentDenied) as info:
        license_view(**kwargs)
    return info.value.reason


def innerwear_product(brand):
    master = MasterCategoryFactory(name="Apparel")
    sub = SubCategoryFactory(master=master, name="Innerwear")
    return ProductFactory(brand=brand, article_type=ArticleTypeFactory(name="Briefs", sub_category=sub))


# --- licensed views -------------------------------------------------------------------------------


def test_covered_view_appends_one_billable_event_with_the_grant_rate(grant, product, shopper):
    lic = license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")

    event = RoyaltyEvent.objects.get()
    assert (lic.grant_id, lic.twin_id, lic.royalty_event_id, lic.billable) == (grant.pk, grant.twin_id, event.pk, True)
    assert lic.label == f"AI twin of {grant.twin.talent.display_name} · licensed"
    assert (lic.twin_slug, lic.channel, lic.licensed_at) == (grant.twin.slug, "storefront", event.at)
    assert (event.amount, event.agency_commission, event.talent_net, event.currency) == (
        Decimal("0.0500"), Decimal("0"), Decimal("0.0500"), "USD")
    assert (event.channel, event.territory, event.viewer_key) == ("storefront", "US", "s:shopper-1")
    grant.refresh_from_db()
    assert grant.billable_views == 1


def test_agency_commission_is_rounded_half_up_to_4_places_and_net_is_the_exact_remainder(shopper):
    # given 0.0125 per view and a 15% agency: 0.001875 -> 0.0019 commission, 0.0106 net
    grant = ConsentGrantFactory(rate_per_view=Decimal("0.0125"))
    RepresentationFactory(talent=grant.twin.talent, agency=AgencyFactory(commission_rate=Decimal("0.15")))
    product = ProductFactory(brand=grant.brand)

    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")

    event = RoyaltyEvent.objects.get()
    assert (event.amount, event.agency_rate, event.agency_commission, event.talent_net) == (
        Decimal("0.0125"), Decimal("0.1500"), Decimal("0.0019"), Decimal("0.0106"))
    assert event.agency_commission + event.talent_net == event.amount


def test_half_way_commission_rounds_up_not_to_even(shopper):
    # 0.0050 x 0.17 = 0.00085: half-up gives 0.0009 (half-even would give 0.0008)
    grant = ConsentGrantFactory(rate_per_view=Decimal("0.0050"))
    RepresentationFactory(talent=grant.twin.talent, agency=AgencyFactory(name="Half Way", commission_rate=Decimal("0.17")))
    license_view(twin=grant.twin, product=ProductFactory(brand=grant.brand), viewer=shopper, channel="storefront")
    event = RoyaltyEvent.objects.get()
    assert (event.agency_commission, event.talent_net) == (Decimal("0.0009"), Decimal("0.0041"))


def test_commission_applies_only_while_the_representation_runs(grant, product, shopper):
    now = timezone.now()
    RepresentationFactory(talent=grant.twin.talent, start=(now - timedelta(days=400)).date(),
                          end=(now - timedelta(days=10)).date())

    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")

    event = RoyaltyEvent.objects.get()
    assert (event.agency_id, event.agency_commission, event.talent_net) == (None, Decimal("0"), Decimal("0.0500"))


# --- denials: one per reason, nothing written to the ledger ------------------------------------


def assert_denied_only(reason: str, twin) -> None:
    assert RoyaltyEvent.objects.count() == 0
    assert list(DeniedView.objects.values_list("twin_id", "reason")) == [(twin.pk, reason)]


def test_no_grant_at_all(shopper):
    twin = DigitalTwinFactory()
    assert deny(twin=twin, product=ProductFactory(), viewer=shopper, channel="storefront") == "no_grant"
    assert_denied_only("no_grant", twin)


def test_grant_for_another_brand_only(grant, shopper):
    other = ProductFactory(brand=BrandFactory(name="Other Brand"))
    assert deny(twin=grant.twin, product=other, viewer=shopper, channel="storefront") == "brand"
    assert_denied_only("brand", grant.twin)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"status": GrantStatus.PROPOSED}, "unsigned"),
        ({"status": GrantStatus.REVOKED}, "revoked"),
        ({"status": GrantStatus.EXPIRED}, "expired"),
        ({"valid_until": timezone.now() - timedelta(seconds=1)}, "expired"),
        ({"valid_from": timezone.now() + timedelta(days=1), "valid_until": timezone.now() + timedelta(days=9)},
         "not_yet_valid"),
        ({"channels": ["assistant"]}, "channel"),
        ({"territories": ["GB", "FR"]}, "territory"),
        ({"allowed_master_categories": ["Footwear"]}, "category"),
        ({"excluded_article_types": ["Tshirts"]}, "category"),
        ({"view_cap": 3, "billable_views": 3}, "cap"),
    ],
)
def test_each_term_is_enforced(overrides, reason, shopper):
    grant = ConsentGrantFactory(**overrides)
    product = ProductFactory(brand=grant.brand)
    assert deny(twin=grant.twin, product=product, viewer=shopper, channel="storefront", territory="US") == reason
    assert_denied_only(reason, grant.twin)


def test_innerwear_exclusion_blocks_briefs_but_not_tees(shopper):
    grant = ConsentGrantFactory(excluded_article_types=["Bra", "Briefs", "Boxers"])
    tee = ProductFactory(brand=grant.brand)
    briefs = innerwear_product(grant.brand)

    assert license_view(twin=grant.twin, product=tee, viewer=shopper, channel="storefront").billable
    # the consent terms exclude the briefs ...
    assert grant_failure(grant, scope=product_scope(briefs), channel="storefront", territory="US",
                         at=timezone.now()) == (4, "category")
    assert RoyaltyEvent.objects.count() == 1


def test_the_gate_refuses_a_product_never_shown_on_a_twin_whatever_the_consent(shopper):
    # given a grant with no exclusions at all, and briefs (intimate apparel: never on a real person's likeness)
    grant = ConsentGrantFactory()
    briefs = innerwear_product(grant.brand)
    # when the gate is asked, then the slot rule refuses before any consent is consulted
    assert deny(twin=grant.twin, product=briefs, viewer=shopper, channel="storefront") == "never_on_twin"
    # and nothing is written: no royalty, no cap taken, and no refusal in the talent's log (not a consent matter)
    assert RoyaltyEvent.objects.count() == 0
    assert DeniedView.objects.count() == 0
    grant.refresh_from_db()
    assert grant.billable_views == 0


def test_unknown_channel_is_denied(grant, product, shopper):
    assert deny(twin=grant.twin, product=product, viewer=shopper, channel="billboard") == "channel"
    assert RoyaltyEvent.objects.count() == 0


def test_deactivated_twin_is_denied_even_with_a_stale_instance(grant, product, shopper):
    stale = grant.twin
    type(stale).objects.filter(pk=stale.pk).update(is_active=False)
    assert deny(twin=stale, product=product, viewer=shopper, channel="storefront") == "twin_inactive"


def test_denial_reports_the_grant_that_got_furthest(shopper):
    # given one revoked grant and one signed grant that only misses the territory
    revoked = ConsentGrantFactory(status=GrantStatus.REVOKED)
    ConsentGrantFactory(twin=revoked.twin, brand=revoked.brand, territories=["DE"])
    product = ProductFactory(brand=revoked.brand)
    assert deny(twin=revoked.twin, product=product, viewer=shopper, channel="storefront", territory="US") == "territory"


def test_revocation_takes_effect_on_the_next_view_and_earned_royalties_stay(grant, product, shopper):
    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")
    type(grant).objects.filter(pk=grant.pk).update(status=GrantStatus.REVOKED, revoked_at=timezone.now())

    assert deny(twin=grant.twin, product=product, viewer=Viewer(key="s:other"), channel="storefront") == "revoked"
    assert RoyaltyEvent.objects.filter(billable=True).count() == 1


# --- billability -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "reason"),
    [
        (Viewer(key="u:99", user_id=99, is_staff=True), "staff"),
        (Viewer(key="s:bot", user_agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), "bot"),
        (Viewer(key="s:unfurl", user_agent="facebookexternalhit/1.1"), "bot"),
        (Viewer(key="s:headless", user_agent="Mozilla/5.0 HeadlessChrome/142.0"), "bot"),
        (Viewer(key="s:pre", user_agent="Mozilla/5.0 Firefox/140.0", is_prefetch=True), "prefetch"),
    ],
)
def test_non_billable_views_are_recorded_with_a_reason_and_zero_amount(grant, product, viewer, reason):
    lic = license_view(twin=grant.twin, product=product, viewer=viewer, channel="storefront")

    event = RoyaltyEvent.objects.get()
    assert (lic.billable, event.billable, event.non_billable_reason) == (False, False, reason)
    assert (event.amount, event.agency_commission, event.talent_net) == (Decimal("0"), Decimal("0"), Decimal("0"))
    grant.refresh_from_db()
    assert grant.billable_views == 0


def test_the_talent_viewing_their_own_twin_is_not_billed(grant, product):
    me = grant.twin.talent.user
    license_view(twin=grant.twin, product=product, viewer=Viewer(key=f"u:{me.pk}", user_id=me.pk), channel="storefront")
    assert RoyaltyEvent.objects.get().non_billable_reason == "self"


def test_same_viewer_same_twin_and_product_inside_the_window_bills_once(grant, product, shopper, settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 600
    t0 = timezone.now()
    first = license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront", at=t0)
    second = license_view(twin=grant.twin, product=product, viewer=shopper, channel="assistant",
                          at=t0 + timedelta(seconds=599))
    after = license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront",
                         at=t0 + timedelta(seconds=601))
    other_product = license_view(twin=grant.twin, product=ProductFactory(brand=grant.brand), viewer=shopper,
                                 channel="storefront", at=t0 + timedelta(seconds=1))

    assert [first.billable, second.billable, after.billable, other_product.billable] == [True, False, True, True]
    # The repeat is recorded by the row of the view it repeats: it writes none of its own.
    assert second.royalty_event_id == first.royalty_event_id
    assert RoyaltyEvent.objects.count() == 3


def test_repeats_inside_the_window_do_not_grow_the_ledger(grant, product, shopper, settings):
    # Given a dedup window and a viewer who reloads the same image 50 times, plus a bot doing the same
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 600
    bot = Viewer(key="s:crawler", user_agent="Googlebot/2.1")
    t0 = timezone.now()

    # When
    views = [license_view(twin=grant.twin, product=product, viewer=v, channel="storefront",
                          at=t0 + timedelta(seconds=i))
             for i in range(50) for v in (shopper, bot)]

    # Then one row each: the shopper's billable view and the bot's exempt one
    assert sum(v.billable for v in views) == 1
    assert sorted(RoyaltyEvent.objects.values_list("non_billable_reason", flat=True)) == ["", "bot"]
    grant.refresh_from_db()
    assert grant.billable_views == 1


def test_a_prefetch_does_not_swallow_the_view_it_prefetched(grant, product, settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 600
    t0 = timezone.now()
    prefetch = license_view(twin=grant.twin, product=product, channel="storefront", at=t0,
                            viewer=Viewer(key="s:tab", is_prefetch=True))
    shown = license_view(twin=grant.twin, product=product, channel="storefront", at=t0 + timedelta(seconds=2),
                         viewer=Viewer(key="s:tab"))
    assert (prefetch.billable, shown.billable) == (False, True)
    assert RoyaltyEvent.objects.count() == 2


def test_dedup_window_zero_disables_dedup(grant, product, shopper, settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    results = [license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront").billable
               for _ in range(3)]
    assert results == [True, True, True]


# --- the cap -----------------------------------------------------------------------------------


def test_cap_counts_billable_views_only_and_then_voids_the_grant(product, settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    grant = ConsentGrantFactory(brand=product.brand, view_cap=2)
    bot = Viewer(key="s:bot", user_agent="Googlebot/2.1")

    assert license_view(twin=grant.twin, product=product, viewer=bot, channel="storefront").billable is False
    assert license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:a"), channel="storefront").billable
    assert license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:b"), channel="storefront").billable
    assert deny(twin=grant.twin, product=product, viewer=Viewer(key="s:c"), channel="storefront") == "cap"
    assert deny(twin=grant.twin, product=product, viewer=bot, channel="storefront") == "cap"

    grant.refresh_from_db()
    assert grant.billable_views == 2
    assert RoyaltyEvent.objects.filter(billable=True).count() == 2
    assert DeniedView.objects.filter(reason="cap").count() == 2


# --- idempotency -------------------------------------------------------------------------------


def test_a_repeated_idempotency_key_returns_the_same_licence_without_a_new_row(grant, product, shopper):
    first = license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront", idempotency_key="k-1")
    again = license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront", idempotency_key="k-1")

    assert again == first
    assert RoyaltyEvent.objects.count() == 1
    grant.refresh_from_db()
    assert grant.billable_views == 1


def test_an_idempotency_key_reused_for_another_view_is_refused(grant, product, shopper):
    license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront", idempotency_key="k-2")
    with pytest.raises(ValueError):
        license_view(twin=grant.twin, product=ProductFactory(brand=grant.brand), viewer=shopper,
                     channel="storefront", idempotency_key="k-2")
    assert RoyaltyEvent.objects.count() == 1


# --- twin_images_for_products: which twins may a product be shown on ------------------------------


def twins_covering(*, product, channel: str, territory: str | None = None) -> list:
    return twin_images_for_products(products=[product], channel=channel, territory=territory)[product.catalog_id]


def test_twins_covering_lists_only_twins_whose_consent_covers_the_view():
    brand = BrandFactory(name="Covered Brand")
    product = ProductFactory(brand=brand)
    ok = ConsentGrantFactory(brand=brand).twin
    ConsentGrantFactory(brand=brand, status=GrantStatus.REVOKED)
    ConsentGrantFactory(brand=brand, channels=["marketing"])
    ConsentGrantFactory(brand=brand, excluded_article_types=["Tshirts"])
    ConsentGrantFactory(brand=brand, territories=["FR"])
    ConsentGrantFactory(brand=brand, twin=DigitalTwinFactory(is_active=False))
    ConsentGrantFactory(brand=brand, view_cap=1, billable_views=1)
    ConsentGrantFactory(brand=BrandFactory(name="Elsewhere"))
    # a twin with two covering grants is listed once
    ConsentGrantFactory(brand=brand, twin=ok)

    assert twins_covering(product=product, channel="storefront", territory="US") == [ok]
    assert twins_covering(product=product, channel="storefront", territory="FR") != []


def test_twins_covering_sees_a_revocation_immediately(grant, product):
    assert twins_covering(product=product, channel="storefront") == [grant.twin]
    type(grant).objects.filter(pk=grant.pk).update(status=GrantStatus.REVOKED, revoked_at=timezone.now())
    assert twins_covering(product=product, channel="storefront") == []


def test_twins_covering_query_count_is_constant(django_assert_max_num_queries, django_assert_num_queries):
    product = ProductFactory(brand=BrandFactory(name="Counted Brand"))
    for _ in range(5):
        ConsentGrantFactory(brand=product.brand)
    # cold: the coverage token, the brand's signed grants, their twins with talents, the twins' poses
    with django_assert_max_num_queries(4):
        assert len(twins_covering(product=product, channel="storefront")) == 5
    # warm: the token only, however many twins
    with django_assert_num_queries(1):
        assert len(twins_covering(product=product, channel="storefront")) == 5


def test_license_view_query_budget(grant, product, shopper, django_assert_max_num_queries):
    # BEGIN, grant lock (+ twin and talent), dedup check, cap update, agency split, royalty row, COMMIT.
    with django_assert_max_num_queries(7):
        license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront")


@pytest.mark.parametrize("territory", ["USA", "U1", "", "  ", "ÜS", "X" * 40])
def test_malformed_territories_are_denied_not_crashing(grant, product, shopper, territory, settings):
    settings.LICENSING_DEFAULT_TERRITORY = "ZZZ"  # so "" and "  " don't fall back to a valid default
    assert deny(twin=grant.twin, product=product, viewer=shopper, channel="storefront",
                territory=territory) == "territory"
    assert RoyaltyEvent.objects.count() == 0


@pytest.mark.parametrize("key", ["", "k" * 81])
def test_out_of_range_idempotency_keys_are_refused(grant, product, shopper, key):
    with pytest.raises(ValueError):
        license_view(twin=grant.twin, product=product, viewer=shopper, channel="storefront", idempotency_key=key)
    assert RoyaltyEvent.objects.count() == 0


def test_viewer_for_request_keys_users_by_id_and_sessions_by_key_and_spots_prefetch(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from licensing.transport import viewer_for_request

    staff = UserFactory(username="staffer", is_staff=True)
    request = rf.get("/showcase/x.png", HTTP_USER_AGENT="Mozilla/5.0", HTTP_SEC_PURPOSE="prefetch;prerender")
    request.user = staff
    viewer = viewer_for_request(request)
    assert (viewer.key, viewer.user_id, viewer.is_staff, viewer.is_prefetch) == (f"u:{staff.pk}", staff.pk, True, True)

    anonymous = rf.get("/showcase/x.png", HTTP_USER_AGENT="Googlebot/2.1")
    anonymous.user, anonymous.session = AnonymousUser(), SessionStore()
    viewer = viewer_for_request(anonymous)
    assert viewer.key == f"s:{anonymous.session.session_key}" and viewer.user_id is None
    assert (viewer.is_staff, viewer.is_prefetch, viewer.user_agent) == (False, False, "Googlebot/2.1")
