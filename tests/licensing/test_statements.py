"""Monthly statements from the ledger: exact sums, documented rounding of the payout, month boundaries."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from licensing.selectors import earnings_summary, monthly_statements
from licensing.services import Viewer, license_view
from tests.factories import AgencyFactory, BrandFactory, ConsentGrantFactory, ProductFactory, RepresentationFactory

pytestmark = pytest.mark.django_db

NOV = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def grant(settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    grant = ConsentGrantFactory(rate_per_view=Decimal("0.0125"), valid_from=NOV - timedelta(days=60),
                                valid_until=NOV + timedelta(days=60))
    RepresentationFactory(talent=grant.twin.talent, agency=AgencyFactory(commission_rate=Decimal("0.15")),
                          start=(NOV - timedelta(days=90)).date(), end=(NOV + timedelta(days=90)).date())
    return grant


def views(grant, n: int, at: datetime) -> None:
    product = ProductFactory(brand=grant.brand)
    for i in range(n):
        license_view(twin=grant.twin, product=product, viewer=Viewer(key=f"s:{at:%m}-{i}"), channel="storefront",
                     at=at + timedelta(seconds=i))


def test_statement_sums_are_exact_and_split_per_month(grant):
    views(grant, 3, NOV - timedelta(seconds=10))          # 31 October 23:59:50
    views(grant, 7, NOV + timedelta(days=3))

    nov, octo = monthly_statements(talent=grant.twin.talent)
    assert (octo.month.month, octo.views, octo.gross, octo.commission, octo.net) == (
        10, 3, Decimal("0.0375"), Decimal("0.0057"), Decimal("0.0318"))
    assert (nov.month.month, nov.views, nov.gross, nov.commission, nov.net) == (
        11, 7, Decimal("0.0875"), Decimal("0.0133"), Decimal("0.0742"))
    assert nov.commission + nov.net == nov.gross


def test_payout_rounds_half_up_to_the_cent(grant):
    views(grant, 2, NOV + timedelta(days=1))   # net 2 x 0.0106 = 0.0212 -> 0.02
    assert monthly_statements(talent=grant.twin.talent)[0].net_payable == Decimal("0.02")


def test_payout_half_cent_goes_up():
    from licensing.selectors import Statement

    s = Statement(month=NOV.date(), currency="USD", views=2, billable=2, gross=Decimal("0.0250"),
                  commission=Decimal("0"), net=Decimal("0.0250"))
    assert s.net_payable == Decimal("0.03")  # half-even would give 0.02


def test_agency_statement_counts_only_its_commission(grant):
    views(grant, 4, NOV + timedelta(days=2))
    other = ConsentGrantFactory(rate_per_view=Decimal("0.0500"), valid_from=NOV - timedelta(days=1),
                                valid_until=NOV + timedelta(days=9))  # an unrepresented talent
    views(other, 2, NOV + timedelta(days=2))
    agency = grant.twin.talent.representations.get().agency

    (st,) = monthly_statements(agency=agency)
    assert (st.views, st.gross, st.commission) == (4, Decimal("0.0500"), Decimal("0.0076"))


def test_summary_today_month_and_all_time(grant):
    views(grant, 2, NOV - timedelta(days=5))
    views(grant, 3, NOV + timedelta(days=4, hours=1))
    now = NOV + timedelta(days=4, hours=5)
    summary = earnings_summary(talent=grant.twin.talent, now=now)
    (today,), (month,), (all_time,) = summary["today"], summary["month"], summary["all_time"]
    assert (today.views, month.views, all_time.views) == (3, 3, 5)
    assert (all_time.net, all_time.currency) == (Decimal("0.0530"), "USD")


def test_summary_never_adds_up_different_currencies(grant):
    views(grant, 2, NOV + timedelta(days=1))
    eur = ConsentGrantFactory(twin=grant.twin, brand=BrandFactory(name="Maison Paris"), currency="EUR",
                              rate_per_view=Decimal("0.0300"), valid_from=NOV - timedelta(days=1),
                              valid_until=NOV + timedelta(days=9))
    views(eur, 3, NOV + timedelta(days=2))

    summary = earnings_summary(talent=grant.twin.talent, now=NOV + timedelta(days=5))

    assert [(m.currency, m.views) for m in summary["all_time"]] == [("EUR", 3), ("USD", 2)]
    assert {m.currency: m.gross for m in summary["all_time"]}["EUR"] == Decimal("0.0900")


def test_agency_roster_keeps_currencies_apart(grant):
    from licensing.selectors import agency_roster

    views(grant, 2, NOV + timedelta(days=1))
    eur = ConsentGrantFactory(twin=grant.twin, brand=BrandFactory(name="Maison Paris"), currency="EUR",
                              rate_per_view=Decimal("0.0300"), valid_from=NOV - timedelta(days=1),
                              valid_until=NOV + timedelta(days=9))
    views(eur, 3, NOV + timedelta(days=2))
    agency = grant.twin.talent.representations.get().agency

    (row,) = agency_roster(agency=agency, on=NOV.date())

    assert (row["views"], row["billable"]) == (5, 5)
    assert [(t.currency, t.gross, t.commission) for t in row["totals"]] == [
        ("EUR", Decimal("0.0900"), Decimal("0.0135")), ("USD", Decimal("0.0250"), Decimal("0.0038"))]


def test_daily_earnings_are_in_one_currency(grant):
    from licensing.selectors import daily_earnings

    views(grant, 2, NOV + timedelta(days=1))
    eur = ConsentGrantFactory(twin=grant.twin, brand=BrandFactory(name="Maison Paris"), currency="EUR",
                              rate_per_view=Decimal("0.0300"), valid_from=NOV - timedelta(days=1),
                              valid_until=NOV + timedelta(days=9))
    views(eur, 3, NOV + timedelta(days=1))

    eur_days = daily_earnings(talent=grant.twin.talent, currency="EUR", days=3, now=NOV + timedelta(days=2))
    usd_days = daily_earnings(talent=grant.twin.talent, currency="USD", days=3, now=NOV + timedelta(days=2))

    assert [(d["views"], d["net"]) for d in eur_days] == [(0, Decimal("0.0000")), (3, Decimal("0.0765")),
                                                           (0, Decimal("0.0000"))]
    assert [d["views"] for d in usd_days] == [0, 2, 0]
