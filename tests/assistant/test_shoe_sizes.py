"""A shoe size said in British or American numbers finds the catalogue's EU sizes, and the reply says how it read
it; sizes the catalogue spells, and children's shoes, are left as said."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _ask(text: str, *, territory: str | None = None, session: str = "sizes"):  # type: ignore[no-untyped-def]
    from assistant.models import Conversation
    from assistant.services import conversation_message

    return conversation_message(conversation=Conversation.objects.create(session_key=session), text=text,
                                territory=territory)


@pytest.mark.parametrize("text, territory, size, note", [
    ("white sneakers for men in size 8", "IN", "42", "I read size 8 as UK 8, which is EU 42."),
    ("white sneakers for men in size 8", "US", "41", "I read size 8 as US men's 8, which is EU 41."),
    ("white sneakers for men, uk 8", "US", "42", "I read size 8 as UK 8, which is EU 42."),
    ("women's running shoes in US 7", None, "37", "I read size 7 as US women's 7, which is EU 37."),
])
def test_a_british_or_american_shoe_size_is_read_as_the_eu_size(catalogue, text, territory, size, note):  # type: ignore[no-untyped-def]
    # given shoes sized 37-43 (EU), when a shopper gives a size in their own system
    r = _ask(text, territory=territory)
    # then the search is in the EU size of the same length, and the reply says how the size was read
    assert r.filters["size"] == size
    assert note in r.text
    assert r.products and all(size in p["sizes"] for p in r.products)


def test_an_eu_size_and_a_size_the_catalogue_spells_are_kept_as_said(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("white sneakers for men in size 41", territory="US")
    assert r.filters["size"] == "41" and "I read size" not in r.text
    r = _ask("white sneakers for men, eu 41", territory="US", session="eu")
    assert r.filters["size"] == "41" and "I read size" not in r.text


def test_a_size_out_of_the_range_finds_nothing_and_offers_to_drop_it(catalogue):  # type: ignore[no-untyped-def]
    # UK 13 is EU 48: no shoe here is that long
    r = _ask("sneakers for men in size 13", territory="GB")
    assert r.filters["size"] == "48" and r.products == []
    assert "I read size 13 as UK 13, which is EU 48." in r.text


def test_a_number_for_clothes_is_no_shoe_size(catalogue):  # type: ignore[no-untyped-def]
    r = _ask("a kurta in size 8", territory="US")
    assert r.filters["size"] == "8" and "I read size" not in r.text
