"""Consent for a multi-brand shop: a grant names one brand, or the shop for every brand it sells or a listed set.
The talent still signs each grant; the gate, the coverage readers and the pages say plainly which."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from licensing.models import BrandScope, ConsentEvent, ConsentGrant, DenialReason, GrantBrand, GrantStatus, RoyaltyEvent
from licensing.selectors import csv_rows, twin_images_for_products, with_listed_brand_ids
from licensing.services import (
    ConsentDenied,
    Viewer,
    grant_covers_brand,
    grant_propose,
    grant_revoke,
    grant_sign,
    license_view,
)
from tests.factories import (
    AgencyFactory,
    BrandFactory,
    ConsentGrantFactory,
    DigitalTwinFactory,
    ProductFactory,
    RepresentationFactory,
    TalentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

def twins_covering(*, product, channel: str) -> list:
    return twin_images_for_products(products=[product], channel=channel)[product.catalog_id]


PURPOSE = "Show the twin wearing any product Twinshop sells on product pages and in the assistant."
SHOPPER = Viewer(key="s:shop-scope", user_agent="Mozilla/5.0 Firefox/140.0")


@pytest.fixture
def twin():
    return DigitalTwinFactory(talent=TalentFactory(display_name="Noa Cohen"))


@pytest.fixture
def merch():
    return UserFactory(username="merch", is_staff=True)


def propose(twin, by, **overrides):
    now = timezone.now()
    kwargs = {"twin": twin, "proposed_by": by, "purpose": PURPOSE, "channels": ["storefront", "assistant"],
              "territories": ["*"], "valid_from": now - timedelta(days=1), "valid_until": now + timedelta(days=30),
              "rate_per_view": "0.0300", "excluded_article_types": ["Briefs"]}
    kwargs.update(overrides)
    return grant_propose(**kwargs)


def sign(grant):
    return grant_sign(grant=grant, user=grant.twin.talent.user, typed_name=grant.twin.talent.display_name,
                      shown_terms_sha256=grant.terms_sha256, ip="203.0.113.9", user_agent="Firefox")


def test_a_shop_wide_grant_covers_a_product_of_any_brand_the_shop_sells(twin, merch):
    # Given a signed grant from the shop for every brand it sells, and products of two unrelated brands
    grant = sign(propose(twin, merch, brand_scope=BrandScope.SHOP_ALL))
    shirt, shoe = ProductFactory(brand=BrandFactory(name="Puma")), ProductFactory(brand=BrandFactory(name="Nike"))

    # When each is viewed
    licences = [license_view(twin=twin, product=p, viewer=SHOPPER, channel="storefront") for p in (shirt, shoe)]

    # Then both are licensed under the shop's grant and billed to it
    assert [lic.grant_id for lic in licences] == [grant.pk, grant.pk]
    assert list(RoyaltyEvent.objects.order_by("pk").values_list("brand__name", "grant_id")) == [
        ("Puma", grant.pk), ("Nike", grant.pk)]
    assert twins_covering(product=shoe, channel="assistant") == [twin]


def test_a_shop_wide_grant_covers_nothing_outside_its_terms(twin, merch):
    # Given a shop grant for storefront and assistant, excluding jeans
    sign(propose(twin, merch, brand_scope=BrandScope.SHOP_ALL, excluded_article_types=["Jeans"]))
    jeans = ProductFactory(article_type__name="Jeans")
    tee = ProductFactory()

    # Then jeans, the marketing channel and a different twin are refused
    for kwargs, reason in (({"product": jeans, "channel": "storefront"}, DenialReason.CATEGORY),
                           ({"product": tee, "channel": "marketing"}, DenialReason.CHANNEL)):
        with pytest.raises(ConsentDenied) as info:
            license_view(twin=twin, viewer=SHOPPER, **kwargs)
        assert info.value.reason == reason
    with pytest.raises(ConsentDenied):
        license_view(twin=DigitalTwinFactory(), product=tee, viewer=SHOPPER, channel="storefront")
    assert RoyaltyEvent.objects.count() == 0


def test_a_listed_set_covers_its_brands_only(twin, merch):
    # Given a shop grant listing two brands the shop sells
    puma, nike, zara = BrandFactory(name="Puma"), BrandFactory(name="Nike"), BrandFactory(name="Zara")
    products = {b.name: ProductFactory(brand=b) for b in (puma, nike, zara)}
    grant = sign(propose(twin, merch, brand_scope=BrandScope.SHOP_LISTED, listed_brands=[puma, "Nike"]))

    # Then the listed brands are covered and the third is refused as a brand not covered
    assert license_view(twin=twin, product=products["Puma"], viewer=SHOPPER, channel="storefront").grant_id == grant.pk
    assert license_view(twin=twin, product=products["Nike"], viewer=SHOPPER, channel="storefront").grant_id == grant.pk
    with pytest.raises(ConsentDenied) as info:
        license_view(twin=twin, product=products["Zara"], viewer=SHOPPER, channel="storefront")
    assert info.value.reason == DenialReason.BRAND
    assert twins_covering(product=products["Zara"], channel="storefront") == []
    assert sorted(GrantBrand.objects.filter(grant=grant).values_list("brand__name", flat=True)) == ["Nike", "Puma"]


def test_the_terms_and_pages_say_plainly_who_pays(twin, merch):
    puma = BrandFactory(name="Puma")
    ProductFactory(brand=puma)

    whole = propose(twin, merch, brand_scope=BrandScope.SHOP_ALL)
    listed = propose(twin, merch, brand_scope=BrandScope.SHOP_LISTED, listed_brands=["Puma"])
    single = propose(twin, merch, brand=puma)

    assert "Who pays: Twinshop, the shop itself. Brands covered: every brand Twinshop sells" in whole.terms_text
    assert "Brands covered: only these brands it sells: Puma." in listed.terms_text
    assert "Brand (who pays): Puma. Brands covered: Puma only." in single.terms_text
    assert [whole.payer_label, listed.payer_label, single.payer_label] == [
        "Twinshop (every brand it sells)", "Twinshop (for Puma)", "Puma"]
    assert ConsentEvent.objects.get(grant=listed).data["listed_brands"] == ["Puma"]


def test_the_statement_csv_says_who_paid_each_view(twin, merch):
    grant = sign(propose(twin, merch, brand_scope=BrandScope.SHOP_ALL))
    license_view(twin=twin, product=ProductFactory(brand=BrandFactory(name="Puma")), viewer=SHOPPER,
                 channel="storefront")

    header, row = list(csv_rows(talent=twin.talent))
    assert dict(zip(header, row, strict=True))["paid_by"] == f"Twinshop (shop-wide consent #{grant.pk})"
    assert dict(zip(header, row, strict=True))["brand"] == "Puma"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"brand_scope": "shop_listed", "listed_brands": []}, "List at least one brand"),
        ({"brand_scope": "shop_listed", "listed_brands": ["No Such Brand"]}, "Unknown brands: No Such Brand."),
        ({"brand_scope": "shop_listed", "listed_brands": [999999]}, "Unknown brands: 999999."),
        ({"brand_scope": "shop_listed", "listed_brands": ["Unsold"]}, "does not sell these brands: Unsold."),
        ({"brand_scope": "shop_all", "listed_brands": ["Puma"]}, "lists no brands"),
        ({"brand_scope": "everything"}, "Choose who pays"),
        ({"brand_scope": "brand"}, "names exactly one brand"),
        ({"brand_scope": "shop_listed", "listed_brands": ["Puma"] * 1001}, "at most 1000 brands"),
    ],
)
def test_a_bad_scope_is_refused_with_a_clear_message_and_nothing_written(twin, merch, overrides, message):
    ProductFactory(brand=BrandFactory(name="Puma"))
    BrandFactory(name="Unsold")  # a brand row with no products: the shop does not sell it

    with pytest.raises(ValidationError) as info:
        propose(twin, merch, **overrides)

    assert message in " ".join(m for ms in info.value.message_dict.values() for m in ms)
    assert (ConsentGrant.objects.count(), ConsentEvent.objects.count(), GrantBrand.objects.count()) == (0, 0, 0)


def test_a_shop_grant_naming_a_brand_is_refused(twin, merch):
    with pytest.raises(ValidationError) as info:
        propose(twin, merch, brand=BrandFactory(), brand_scope=BrandScope.SHOP_ALL)
    assert "names no single brand" in str(info.value)
    assert ConsentGrant.objects.count() == 0


@pytest.mark.parametrize(("scope", "with_brand"), [("shop_all", True), ("shop_listed", True), ("brand", False)])
def test_the_database_refuses_a_grant_of_two_shapes(scope, with_brand):
    grant = ConsentGrantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentGrant.objects.filter(pk=grant.pk).update(brand_scope=scope, brand=grant.brand if with_brand else None)


def test_the_agency_proposes_a_shop_grant_and_only_the_talent_signs_it(twin):
    # Given an agency representing the talent
    agency = AgencyFactory()
    staff = UserFactory()
    agency.staff.add(staff)
    RepresentationFactory(talent=twin.talent, agency=agency)

    # When it proposes a shop-wide grant, nothing is usable until the talent signs
    grant = propose(twin, staff, agency=agency, brand_scope=BrandScope.SHOP_ALL)
    product = ProductFactory()
    with pytest.raises(ConsentDenied) as info:
        license_view(twin=twin, product=product, viewer=SHOPPER, channel="storefront")
    assert info.value.reason == DenialReason.UNSIGNED
    with pytest.raises(PermissionError):
        grant_sign(grant=grant, user=staff, typed_name="Noa Cohen", shown_terms_sha256=grant.terms_sha256)

    # Then once signed it covers the view, the agency's commission applies as for a brand grant
    sign(grant)
    license_view(twin=twin, product=product, viewer=SHOPPER, channel="storefront")
    assert RoyaltyEvent.objects.get().agency_id == agency.pk


def test_revoking_a_shop_grant_removes_the_twin_from_the_next_view_and_from_coverage(twin, merch):
    grant = sign(propose(twin, merch, brand_scope=BrandScope.SHOP_ALL))
    product = ProductFactory()
    license_view(twin=twin, product=product, viewer=SHOPPER, channel="storefront")

    grant_revoke(grant=grant, user=twin.talent.user)

    with pytest.raises(ConsentDenied) as info:
        license_view(twin=twin, product=product, viewer=SHOPPER, channel="storefront")
    assert info.value.reason == DenialReason.REVOKED
    assert twins_covering(product=product, channel="storefront") == []
    assert RoyaltyEvent.objects.count() == 1  # what was earned stays


def test_grant_covers_brand_is_the_gates_rule(twin):
    # Given grants of every shape and products of three brands
    a, b, c = BrandFactory(name="Aa"), BrandFactory(name="Bb"), BrandFactory(name="Cc")
    grants = [ConsentGrantFactory(twin=twin, brand=a),
              ConsentGrantFactory(twin=twin, brand_scope="shop_listed", brand=None, listed_brands=[b]),
              ConsentGrantFactory(twin=twin, brand_scope="shop_all", brand=None, status=GrantStatus.PROPOSED)]
    with_listed_brand_ids(grants)

    # Then the pure rule says which brand each covers, and the gate licenses exactly those (signed) ones
    assert [[grant_covers_brand(g, brand.pk) for brand in (a, b, c)] for g in grants] == [
        [True, False, False], [False, True, False], [True, True, True]]
    for brand, expected in ((a, grants[0].pk), (b, grants[1].pk)):
        assert license_view(twin=twin, product=ProductFactory(brand=brand), viewer=SHOPPER,
                            channel="storefront").grant_id == expected
    with pytest.raises(ConsentDenied):
        license_view(twin=twin, product=ProductFactory(brand=c), viewer=SHOPPER, channel="storefront")


def test_the_coverage_cache_gives_a_listed_set_only_to_its_brands_on_a_page_of_many_brands(twin):
    # Given a listed-set grant for one of three brands, and a page of products of all three
    from assistant.selectors import twins_for_products

    a, b, c = BrandFactory(name="Aa"), BrandFactory(name="Bb"), BrandFactory(name="Cc")
    ConsentGrantFactory(twin=twin, brand_scope="shop_listed", brand=None, listed_brands=[b])
    page = [ProductFactory(brand=brand, gender="Unisex") for brand in (a, b, c)]

    # When the cards' covering twins are read together (one coverage read for every brand on the page)
    covering = twins_for_products(page)

    # Then only the listed brand's product has the twin
    assert [covering[p.catalog_id] for p in page] == [[], [twin], []]


def test_an_amendment_of_a_shop_wide_grant_shows_its_diff_naming_who_pays(twin, merch):
    # given a signed shop-wide grant (it names no brand) and an amendment raising its rate
    from licensing.consent_diff import terms_diff
    from licensing.services import grant_amend

    grant = sign(propose(twin, merch, brand_scope=BrandScope.SHOP_ALL))
    amendment = grant_amend(grant=grant, proposed_by=merch, rate_per_view="0.0600")
    # when the side-by-side diff is built (it read grant.brand.name, None for the shop: AttributeError)
    rows = {row.label: row for row in terms_diff(old=grant, new=amendment)}
    # then it names the shop as the payer on both sides, unchanged, and marks the rate as changed
    assert rows["Who pays"].old == rows["Who pays"].new == grant.payer_label
    assert not rows["Who pays"].changed
    assert rows["Rate per billable view"].changed
