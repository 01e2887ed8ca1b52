"""Property: whatever the shopper states, no product shown ever breaks a stated price cap or exclusion."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.models import Conversation
from assistant.retrieval.retriever import CatalogRetriever
from assistant.selectors import product_matches, products_by_catalog_ids
from assistant.services import conversation_message
from assistant.understanding.schema import Filters
from shop.models import Product

pytestmark = pytest.mark.django_db

COLOURS = ["Black", "White", "Blue", "Navy Blue", "Red", "Maroon", "Pink", "Green", "Olive", "Grey", "Brown", "Silver"]
TYPES = ["Casual Shoes", "Watches", "Dresses", "Shirts", "Tshirts", "Backpacks", "Kurtas"]
COLOUR_WORDS = ["black", "white", "blue", "navy", "red", "pink", "green", "grey", "brown", "crimson", "scarlet"]
TYPE_WORDS = ["sneakers", "watches", "dresses", "shirts", "tees", "backpacks", "kurtas", "kicks", "frocks", "things"]
WHO = ["", "for men", "for women", "for my wife", "for my son", "for girls"]

filters_strategy = st.builds(
    Filters,
    genders=st.lists(st.sampled_from(["Men", "Women", "Boys", "Girls", "Unisex"]), max_size=2, unique=True),
    article_types=st.lists(st.sampled_from(TYPES), max_size=2, unique=True),
    colours=st.lists(st.sampled_from(COLOURS), max_size=3, unique=True),
    max_price=st.one_of(st.none(), st.decimals(min_value=0, max_value=200, places=2)),
    min_price=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
    exclude_colours=st.lists(st.sampled_from(COLOURS), max_size=3, unique=True),
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters_strategy, query=st.sampled_from(["", "blue shoes", "a gift", "formal watch", "zzz"]))
def test_retriever_never_returns_a_product_outside_the_filters(catalogue, f, query):  # type: ignore[no-untyped-def]
    docs = CatalogRetriever(filters=f, k=10).invoke(query)
    ids = [d.metadata["catalog_id"] for d in docs]
    shown = products_by_catalog_ids(ids)
    assert len(shown) == len(ids)
    assert all(product_matches(p, f) for p in shown)
    # and nothing that matches is hidden when fewer than k match
    everything = [p for p in Product.objects.select_related("colour", "brand", "article_type").prefetch_related("variants")
                  if product_matches(p, f)]
    assert len(ids) == min(10, len(everything))


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    colour=st.sampled_from(COLOUR_WORDS), excluded=st.sampled_from(COLOUR_WORDS), what=st.sampled_from(TYPE_WORDS),
    who=st.sampled_from(WHO), cap=st.integers(min_value=5, max_value=160),
    phrasing=st.sampled_from(["{what} {who} under ${cap}, not {excluded}", "no {excluded} {what} {who} below {cap} dollars",
                              "{colour} {what} {who} for less than {cap} bucks but nothing {excluded}",
                              "anything but {excluded}, {what} {who} up to ${cap}"]),
)
def test_no_turn_shows_a_product_over_the_stated_cap_or_in_an_excluded_colour(catalogue, colour, excluded, what, who, cap, phrasing):  # type: ignore[no-untyped-def]
    convo = Conversation.objects.create(session_key="prop")
    text = phrasing.format(what=what, who=who, cap=cap, excluded=excluded, colour=colour)
    first = conversation_message(conversation=convo, text=text)
    follow = conversation_message(conversation=convo, text="cheaper")
    for result in (first, follow):
        for p in products_by_catalog_ids([c["id"] for c in result.products]):
            assert p.price <= Decimal(cap), (text, p.name, p.price)
            assert p.colour.name not in first.filters["exclude_colours"], (text, p.name)
    assert first.filters["exclude_colours"], text  # the exclusion was understood
