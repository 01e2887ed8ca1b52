"""Cards carry licensed twin images through the real showcase selector; "another twin" cycles; revocation shows next turn."""
from __future__ import annotations

import pytest
from django.utils import timezone

from assistant.models import Conversation
from assistant.services import conversation_message, show_on_twin
from licensing.models import GrantStatus
from shop.models import Brand
from tests.factories import ConsentGrantFactory, DigitalTwinFactory, TalentFactory, TwinPoseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def biba_twins(catalogue):  # type: ignore[no-untyped-def]
    brand = Brand.objects.get(name="Biba")
    twins = []
    for name in ("Ada Obi", "Mei Lin"):
        twin = DigitalTwinFactory(talent=TalentFactory(display_name=name, gender_presentation="feminine"))
        TwinPoseFactory(twin=twin)
        twins.append((twin, ConsentGrantFactory(twin=twin, brand=brand)))
    return twins


def test_cards_show_a_licensed_twin_then_another_then_none_after_revocation(biba_twins):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="tw1")
    result = conversation_message(conversation=convo, text="maroon dress for women", session_key="sess-tw1")
    card = result.products[0]
    assert card["name"] == "Biba Women Maroon Dress"
    assert card["twin"]["label"].startswith("AI twin of ") and card["twin"]["label"].endswith(" · licensed")
    assert card["twin_image"].startswith("/showcase/")
    first_twin = card["twin"]["id"]
    assert result.twin_ids == [first_twin]

    other = show_on_twin(conversation=convo, product_id=card["id"], twin_id=None, session_key="sess-tw1")
    assert other.products[0]["twin"]["id"] != first_twin
    back = show_on_twin(conversation=convo, product_id=card["id"], twin_id=None, session_key="sess-tw1")
    assert back.products[0]["twin"]["id"] == first_twin

    for _twin, grant in biba_twins:
        type(grant).objects.filter(pk=grant.pk).update(status=GrantStatus.REVOKED, revoked_at=timezone.now())
    again = conversation_message(conversation=convo, text="maroon dress for women", session_key="sess-tw1")
    assert again.products[0]["twin"] is None and again.products[0]["twin_image"] is None
    assert again.products[0]["image"] == f"/products/{card['id']}/illustration.svg"


@pytest.mark.parametrize("session", [f"sess-another-{i}" for i in range(8)])
def test_another_twin_differs_from_the_one_the_card_showed_whatever_the_rotation_picked(biba_twins, session):  # type: ignore[no-untyped-def]
    # given a card whose twin the fair rotation chose for this session (either of the two, by session)
    convo = Conversation.objects.create(session_key=session)
    card = conversation_message(conversation=convo, text="maroon dress for women", session_key=session).products[0]
    # when the shopper asks for another twin
    other = show_on_twin(conversation=convo, product_id=card["id"], twin_id=None, session_key=session)
    # then it is the other twin, not the one already on screen
    assert other.products[0]["twin"]["id"] != card["twin"]["id"]
