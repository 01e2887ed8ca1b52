"""PostgreSQL: a chat turn commits without waiting for the WAL flush; money keeps the synchronous commit."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistant.models import Conversation, Turn, TurnRole
from assistant.services import _record
from licensing.models import RoyaltyEvent
from licensing.services import Viewer, license_view
from tests.factories import ConsentGrantFactory, ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RELAXED = "SET LOCAL synchronous_commit TO OFF"


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_a_chat_turn_relaxes_its_own_commit_only():
    # given a connection at the server's default
    default = _synchronous_commit()
    convo = Conversation.objects.create(session_key="commit-test")
    # when a turn is recorded
    with CaptureQueriesContext(connection) as queries:
        assert _record(convo, expected_turns=0, state={"filters": {}}, turns=[
            (TurnRole.SHOPPER, "black shoes", [], {}), (TurnRole.ASSISTANT, "Here they are.", [1], {})])
    # then its transaction asked for the relaxed commit, the turn is stored, and the setting ended with it
    # (LOCAL: a plain SET would follow the pooled connection into the next royalty transaction)
    assert [q["sql"] for q in queries.captured_queries].count(RELAXED) == 1
    assert list(Turn.objects.filter(conversation=convo).values_list("position", flat=True)) == [0, 1]
    assert _synchronous_commit() == default != "off"


def test_a_lost_compare_and_swap_writes_nothing_and_leaves_the_setting():
    convo = Conversation.objects.create(session_key="commit-test-2", turn_count=4)
    assert not _record(convo, expected_turns=3, state={"x": 1}, turns=[(TurnRole.SHOPPER, "hi", [], {})])
    assert not Turn.objects.filter(conversation=convo).exists()
    assert Conversation.objects.get(pk=convo.pk).state == {}
    assert _synchronous_commit() != "off"


def test_a_royalty_view_keeps_the_synchronous_commit():
    grant = ConsentGrantFactory()
    product = ProductFactory(brand=grant.brand)
    with CaptureQueriesContext(connection) as queries:
        license_view(twin=grant.twin, product=product, viewer=Viewer(key="s:commit"), channel="storefront")
    assert RoyaltyEvent.objects.filter(grant=grant).count() == 1
    assert not any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
