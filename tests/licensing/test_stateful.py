"""Hypothesis drives proposals, signatures, amendments, revocations, expiry, a fake clock and views in
random order, against a plain-Python model of the consent rules. After every step:

- no billable event exists without a grant that was valid at that event's instant (checked per view),
- no view is licensed under a grant at or after its revocation,
- the ledger totals equal the sum of the events the model expected (exact Decimals),
- statuses and cap counters in the database match the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from licensing.models import ConsentGrant, RoyaltyEvent
from licensing.selectors import monthly_statements
from licensing.services import (
    ConsentDenied,
    Viewer,
    grant_amend,
    grant_expire,
    grant_propose,
    grant_revoke,
    grant_sign,
    license_view,
)
from tests.factories import (
    AgencyFactory,
    BrandFactory,
    DigitalTwinFactory,
    ProductFactory,
    RepresentationFactory,
    TalentFactory,
    UserFactory,
)

T0 = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = 600
COMMISSION = Decimal("0.15")
CHANNELS = ["storefront", "assistant", "marketing"]
RATES = [Decimal("0.0125"), Decimal("0.0333"), Decimal("0.0500"), Decimal("0.0001")]


@dataclass
class G:
    pk: int
    status: str
    valid_from: datetime
    valid_until: datetime
    channels: list[str]
    rate: Decimal
    cap: int | None
    billable: int = 0
    previous: int | None = None
    revoked_at: datetime | None = None
    last_event_before_revocation: int = 0


@dataclass
class Model:
    grants: dict[int, G] = field(default_factory=dict)
    last_billed: dict[str, datetime] = field(default_factory=dict)
    last_exempt: dict[str, datetime] = field(default_factory=dict)  # staff views: their latest non-billable row
    gross: Decimal = Decimal("0")
    commission: Decimal = Decimal("0")
    events: int = 0

    def covering(self, channel: str, at: datetime) -> G | None:
        for g in sorted(self.grants.values(), key=lambda g: g.pk):
            if (g.status == "signed" and g.valid_from <= at < g.valid_until and channel in g.channels
                    and (g.cap is None or g.billable < g.cap)):
                return g
        return None


class GateMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        talent = TalentFactory(display_name="Stateful Sam")
        self.talent_user = talent.user
        self.twin = DigitalTwinFactory(talent=talent)
        self.brand = BrandFactory(name="Stateful Brand")
        self.product = ProductFactory(brand=self.brand)
        self.merch = UserFactory(username="stateful-merch", is_staff=True)
        RepresentationFactory(talent=talent, agency=AgencyFactory(name="Stateful Agency", commission_rate=COMMISSION),
                              start=(T0 - timedelta(days=10)).date(), end=(T0 + timedelta(days=400)).date())
        self.clock = T0
        self.model = Model()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -----------------------------------------------------------------------------

    def pick(self, data, statuses: tuple[str, ...]) -> G | None:
        options = sorted((g for g in self.model.grants.values() if g.status in statuses), key=lambda g: g.pk)
        return data.draw(st.sampled_from(options)) if options else None

    # --- rules -------------------------------------------------------------------------------

    @rule(hours=st.integers(1, 72), channels=st.lists(st.sampled_from(CHANNELS), min_size=1, unique=True),
          rate=st.sampled_from(RATES), cap=st.one_of(st.none(), st.integers(1, 4)), delay=st.integers(0, 3))
    def propose(self, hours, channels, rate, cap, delay):
        start = self.clock + timedelta(hours=delay)
        grant = grant_propose(
            twin=self.twin, brand=self.brand, proposed_by=self.merch, at=self.clock,
            purpose="Show the twin wearing Stateful Brand products on Twinshop pages.",
            channels=channels, territories=["*"], valid_from=start, valid_until=start + timedelta(hours=hours),
            rate_per_view=rate, view_cap=cap)
        self.model.grants[grant.pk] = G(grant.pk, "proposed", start, start + timedelta(hours=hours),
                                        sorted(channels), rate, cap)

    @rule(data=st.data())
    def sign(self, data):
        g = self.pick(data, ("proposed",))
        if g is None:
            return
        db = ConsentGrant.objects.get(pk=g.pk)
        if self.clock >= g.valid_until:
            with pytest.raises(ValidationError):
                grant_sign(grant=db, user=self.talent_user, typed_name="Stateful Sam",
                           shown_terms_sha256=db.terms_sha256, at=self.clock)
            return
        grant_sign(grant=db, user=self.talent_user, typed_name="Stateful Sam", shown_terms_sha256=db.terms_sha256,
                   at=self.clock)
        g.status = "signed"
        prev = self.model.grants.get(g.previous) if g.previous else None
        if prev is not None and prev.status == "signed":
            prev.status = "superseded"
            g.billable = prev.billable if g.cap is None else min(prev.billable, g.cap)

    @rule(data=st.data(), rate=st.sampled_from(RATES), cap=st.one_of(st.none(), st.integers(1, 6)))
    def amend(self, data, rate, cap):
        g = self.pick(data, ("signed",))
        if g is None:
            return
        pending = any(o.previous == g.pk and o.status == "proposed" for o in self.model.grants.values())
        db = ConsentGrant.objects.get(pk=g.pk)
        if pending:
            with pytest.raises(ValidationError):
                grant_amend(grant=db, proposed_by=self.merch, rate_per_view=rate, view_cap=cap, at=self.clock)
            return
        new = grant_amend(grant=db, proposed_by=self.merch, rate_per_view=rate, view_cap=cap, at=self.clock)
        self.model.grants[new.pk] = G(new.pk, "proposed", g.valid_from, g.valid_until, list(g.channels), rate, cap,
                                      previous=g.pk)

    @rule(data=st.data())
    def revoke(self, data):
        g = self.pick(data, ("signed", "proposed", "revoked", "expired", "superseded"))
        if g is None:
            return
        db = ConsentGrant.objects.get(pk=g.pk)
        if g.status not in ("signed", "proposed"):
            with pytest.raises(ValidationError):
                grant_revoke(grant=db, user=self.talent_user, at=self.clock)
            return
        grant_revoke(grant=db, user=self.talent_user, at=self.clock)
        g.status, g.revoked_at = "revoked", self.clock
        g.last_event_before_revocation = RoyaltyEvent.objects.aggregate(m=Max("pk"))["m"] or 0

    @rule()
    def expire(self):
        n = grant_expire(at=self.clock)
        due = [g for g in self.model.grants.values() if g.status in ("signed", "proposed") and g.valid_until <= self.clock]
        assert n == len(due)
        for g in due:
            g.status = "expired"

    @rule(minutes=st.sampled_from([0, 1, 9, 11, 60, 600, 1440]))
    def advance(self, minutes):
        self.clock += timedelta(minutes=minutes)

    @rule(viewer=st.sampled_from(["s:a", "s:b", "u:staff"]), channel=st.sampled_from(CHANNELS))
    def view(self, viewer, channel):
        at = self.clock
        expected = self.model.covering(channel, at)
        v = Viewer(key=viewer, user_id=1 if viewer == "u:staff" else None, is_staff=viewer == "u:staff")
        if expected is None:
            with pytest.raises(ConsentDenied):
                license_view(twin=self.twin, product=self.product, viewer=v, channel=channel, at=at)
            return
        lic = license_view(twin=self.twin, product=self.product, viewer=v, channel=channel, at=at)
        assert lic.grant_id == expected.pk
        staff = viewer == "u:staff"
        last = (self.model.last_exempt if staff else self.model.last_billed).get(viewer)
        # A repeat inside the dedup window writes no row (the row of the view it repeats records it).
        repeat = last is not None and abs(at - last) < timedelta(seconds=WINDOW)
        billable = not staff and not repeat
        assert lic.billable == billable
        if not repeat:
            self.model.events += 1
            if staff:
                self.model.last_exempt[viewer] = at
        if billable:
            expected.billable += 1
            self.model.last_billed[viewer] = at
            commission = (expected.rate * COMMISSION).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            self.model.gross += expected.rate
            self.model.commission += commission
            event = RoyaltyEvent.objects.select_related("grant").get(pk=lic.royalty_event_id)
            g = event.grant
            # the grant was valid at that instant
            assert g.status == "signed" and g.valid_from <= event.at < g.valid_until
            assert (event.amount, event.agency_commission) == (expected.rate, commission)

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def database_matches_the_model(self):
        rows = dict(ConsentGrant.objects.filter(twin=self.twin).values_list("pk", "status"))
        assert rows == {pk: g.status for pk, g in self.model.grants.items()}
        counts = dict(ConsentGrant.objects.filter(twin=self.twin).values_list("pk", "billable_views"))
        assert counts == {pk: g.billable for pk, g in self.model.grants.items()}

    @invariant()
    def nothing_licensed_at_or_after_a_revocation(self):
        for g in self.model.grants.values():
            if g.revoked_at is not None:
                # commit order is pk order here (one thread): nothing recorded under it after the revocation
                assert not RoyaltyEvent.objects.filter(grant_id=g.pk, pk__gt=g.last_event_before_revocation).exists()

    @invariant()
    def ledger_totals_equal_the_sum_of_events(self):
        agg = RoyaltyEvent.objects.filter(twin=self.twin).aggregate(a=Sum("amount"), c=Sum("agency_commission"),
                                                                     n=Sum("talent_net"))
        gross = (agg["a"] or Decimal("0")).quantize(Decimal("0.0001"))
        commission = (agg["c"] or Decimal("0")).quantize(Decimal("0.0001"))
        net = (agg["n"] or Decimal("0")).quantize(Decimal("0.0001"))
        assert (gross, commission) == (self.model.gross, self.model.commission)
        assert gross == commission + net
        assert RoyaltyEvent.objects.filter(twin=self.twin).count() == self.model.events
        statements = monthly_statements(talent=self.twin.talent)
        assert sum((s.gross for s in statements), Decimal("0")) == self.model.gross
        assert sum((s.net for s in statements), Decimal("0")) == self.model.gross - self.model.commission


@pytest.mark.django_db
def test_consent_and_ledger_rules_hold_under_random_workflows(settings):
    settings.LICENSING_DEDUP_WINDOW_SECONDS = WINDOW
    run_state_machine_as_test(
        GateMachine,
        settings=hypothesis_settings(max_examples=15, stateful_step_count=25, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow]),
    )
