"""The assistant's wording pinned for many filter and turn states (no database): `describe` and `reply` text must
stay byte-identical when their code is reorganised (issue 18: small functions)."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.outfits import Outfit
from assistant.pipeline import TurnContext, describe, reply
from assistant.understanding.parser import Understanding
from assistant.understanding.schema import Filters

DESCRIBE_CASES: list[tuple[str, Filters]] = [
    ("empty", Filters()),
    ("one type", Filters(article_types=["Tshirts"])),
    ("three types", Filters(article_types=["Tshirts", "Shirts", "Kurtas"])),
    ("four types", Filters(article_types=["Tshirts", "Shirts", "Kurtas", "Jackets"])),
    ("one colour", Filters(colours=["Navy Blue"], article_types=["Jeans"])),
    ("two colours", Filters(colours=["Black", "Navy Blue"])),
    ("whole family", Filters(colours=["Blue", "Navy Blue", "Turquoise Blue"], article_types=["Shirts"])),
    ("family head and a shade", Filters(colours=["Red", "Maroon"])),
    ("head alone", Filters(colours=["Red"])),
    ("shades without head", Filters(colours=["Maroon", "Burgundy"])),
    ("genders", Filters(genders=["Men", "Women"], article_types=["Watches"])),
    ("usages", Filters(usages=["Formal", "Party"], article_types=["Dresses"])),
    ("brands", Filters(brands=["Nike", "Puma"])),
    ("price range", Filters(min_price=Decimal("20"), max_price=Decimal("40.5"))),
    ("max price", Filters(article_types=["Heels"], max_price=Decimal("60"))),
    ("min price", Filters(min_price=Decimal("15.25"))),
    ("size", Filters(article_types=["Casual Shoes"], size="42")),
    ("exclude whole family", Filters(exclude_colours=["White", "Off White", "Cream"])),
    ("exclude shades", Filters(exclude_colours=["Cream", "Black"], exclude_brands=["Puma"])),
    ("exclude brand", Filters(article_types=["Backpacks"], exclude_brands=["Nike", "Red Tape"])),
    ("everything", Filters(genders=["Women"], article_types=["Dresses"], colours=["Pink", "Peach", "Rose"],
                           usages=["Party"], brands=["Vero Moda"], min_price=Decimal("30"), max_price=Decimal("90"),
                           size="M", exclude_colours=["Black"], exclude_brands=["Puma"])),
]

DESCRIBED = {
    'empty': 'products',
    'one type': 'Tshirts',
    'three types': 'Tshirts or Shirts or Kurtas',
    'four types': 'products',
    'one colour': 'navy blue Jeans',
    'two colours': 'black or navy blue products',
    'whole family': 'blue Shirts',
    'family head and a shade': 'red products',
    'head alone': 'red products',
    'shades without head': 'maroon or burgundy products',
    'genders': 'Watches for men and women',
    'usages': 'Dresses (formal or party)',
    'brands': 'products by Nike or Puma',
    'price range': 'products between $20.00 and $40.50',
    'max price': 'Heels up to $60.00',
    'min price': 'products from $15.25',
    'size': 'Casual Shoes in size 42',
    'exclude whole family': 'products, not white',
    'exclude shades': 'products, not cream or black or Puma',
    'exclude brand': 'Backpacks, not Nike or Red Tape',
    'everything': 'pink Dresses for women (party) by Vero Moda between $30.00 and $90.00 in size M, not black or Puma',
}


@pytest.mark.parametrize("name, filters", DESCRIBE_CASES, ids=[c[0] for c in DESCRIBE_CASES])
def test_describe_wording(name: str, filters: Filters) -> None:
    assert describe(filters) == DESCRIBED[name]


def card(n: int, *, name: str, price: str, colour: str = "Blue", article_type: str = "Tshirts",
         sizes: tuple[str, ...] = ("M", "L")) -> dict[str, Any]:
    return {"id": n, "name": name, "price": price, "currency": "USD", "colour": colour, "article_type": article_type,
            "brand": "Nike", "sizes": list(sizes)}


CARDS = [card(1, name="Nike Blue Tee", price="19.99"), card(2, name="Puma Grey Tee", price="24.50", colour="",
                                                           sizes=())]
WEAR = [card(1, name="Navy Chinos", price="40.00", colour="Navy Blue", article_type="Trousers"),
        card(2, name="White Shirt", price="30.00", colour="White", article_type="Shirts"),
        card(3, name="Brown Belt", price="15.00", colour="Brown", article_type="Belts"),
        card(4, name="Blue Shirt", price="28.00", colour="Blue", article_type="Shirts")]
TEES = Filters(genders=["Men"], article_types=["Tshirts"], max_price=Decimal("30"))


def turn(**kw: Any) -> TurnContext:
    return TurnContext(text=kw.pop("text", "blue tshirts for men under $30"), state={}, **kw)


def streaming(*chunks: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content="".join(chunks))]))


class BrokenModel(GenericFakeChatModel):
    def _stream(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        raise RuntimeError("provider down")
        yield  # pragma: no cover


REPLY_CASES: dict[str, Callable[[], TurnContext]] = {
    "service answers": lambda: turn(answer={"type": "cart"}, cards=CARDS, count=2),
    "outfit": lambda: turn(outfit=Outfit(anchor_id=1, roles=["Topwear"], colours=["White"], hits=[1, 2, 3, 4]),
                           cards=WEAR, compare_ids=[1, 2]),
    "outfit any colour": lambda: turn(outfit=Outfit(anchor_id=1, roles=[], colours=None, hits=[1]), cards=WEAR[:1]),
    "outfit without cards": lambda: turn(outfit=Outfit(anchor_id=1, roles=[], colours=None, hits=[]), count=0,
                                         filters=TEES),
    "cheapest shown": lambda: turn(compare_ids=[2], cards=CARDS[1:], understanding=Understanding(
        superlative="cheapest")),
    "priciest shown": lambda: turn(compare_ids=[1], cards=CARDS[:1], understanding=Understanding(
        superlative="priciest")),
    "one compared, no understanding": lambda: turn(compare_ids=[1], cards=CARDS[:1]),
    "one asked about, a size": lambda: turn(compare_ids=[1], cards=CARDS[:1], understanding=Understanding(
        intent="pick", asked_size="XL")),
    "cheapest of everything": lambda: turn(cards=CARDS, count=12, filters=TEES, understanding=Understanding(
        order="cheapest")),
    "compare two": lambda: turn(compare_ids=[1, 2], cards=CARDS),
    "compare same price": lambda: turn(compare_ids=[1, 2], cards=[CARDS[0], {**CARDS[1], "price": "19.99"}]),
    "compare too few": lambda: turn(compare_ids=[1, 2], cards=CARDS[:1]),
    "greeting": lambda: turn(text="hi", understanding=Understanding(intent="greeting"), show_products=False),
    "greeting with filters": lambda: turn(text="hi", understanding=Understanding(intent="greeting"), filters=TEES,
                                          count=5, cards=CARDS),
    "reset": lambda: turn(text="start over", understanding=Understanding(reset=True), show_products=False,
                          notes=["Forgot everything."]),
    "pending concept": lambda: turn(show_products=False, pending={"type": "concept"}, notes=["Did you mean X?"]),
    "answered": lambda: turn(text="a sofa", show_products=False, answered=True, notes=["We don't sell sofas."]),
    "nothing to show": lambda: turn(text="hmm", show_products=False, notes=["", "Noted."]),
    "nothing to show, no notes": lambda: turn(text="hmm", show_products=False, understanding=Understanding()),
    "none found, relax": lambda: turn(filters=TEES, count=0, relaxation={"facet": "price", "count": 7,
                                                                         "label": "price limit"}),
    "none found": lambda: turn(filters=TEES, count=0, notes=["No size 52 here."]),
    "all shown": lambda: turn(filters=TEES, count=2, cards=CARDS),
    "the one": lambda: turn(filters=TEES, count=1, cards=CARDS[:1]),
    "top of many": lambda: turn(filters=TEES, count=37, cards=CARDS, notes=["Sorted for parties."]),
    "more like": lambda: turn(filters=TEES, count=37, cards=CARDS, anchor_id=5),
    "more like, all": lambda: turn(filters=TEES, count=1, cards=CARDS[:1], anchor_id=5),
    "model phrases": lambda: turn(filters=TEES, count=2, cards=CARDS, chat_model=streaming("Two tees ", "for you.")),
    "model says nothing": lambda: turn(filters=TEES, count=2, cards=CARDS, chat_model=streaming("   ")),
    "model fails": lambda: turn(filters=TEES, count=2, cards=CARDS, chat_model=BrokenModel(messages=iter([]))),
    "model without cards": lambda: turn(filters=TEES, count=0, chat_model=streaming("unused")),
}

REPLIED = {
    'service answers': '',
    'outfit': 'To wear with Navy Chinos (first): Belts, Shirts, in neutrals and navy blue tones, which go with it.',
    'outfit any colour': 'To wear with Navy Chinos (first): nothing in stock, any colour goes with it.',
    'outfit without cards': 'I couldn\'t find any Tshirts for men up to $30.00. Try fewer filters, or say "start over".',
    'cheapest shown': 'The cheapest one shown is Puma Grey Tee at USD 24.50.',
    'priciest shown': 'The priciest one shown is Nike Blue Tee at USD 19.99. In stock in sizes M, L.',
    'one compared, no understanding': 'Nike Blue Tee costs USD 19.99. In stock in sizes M, L.',
    'one asked about, a size': 'Nike Blue Tee costs USD 19.99. Size XL is not in stock; it comes in M, L.',
    'cheapest of everything': 'Here are the 2 cheapest of 12 Tshirts for men up to $30.00.',
    'compare two': 'Nike Blue Tee: USD 19.99, Blue, Nike, sizes M, L. Puma Grey Tee: USD 24.50, colour n/a, Nike, sizes none in stock. Nike Blue Tee is $4.51 cheaper.',
    'compare same price': 'Nike Blue Tee: USD 19.99, Blue, Nike, sizes M, L. Puma Grey Tee: USD 19.99, colour n/a, Nike, sizes none in stock. They cost the same.',
    'compare too few': 'Show me two products first, then ask me to compare them (for example "compare the first and second").',
    'greeting': 'Hi! Tell me what you\'re looking for, for example "white sneakers for men under $60" or "a dress for a wedding", and I\'ll find it.',
    'greeting with filters': 'Here are the top 2 of 5 Tshirts for men up to $30.00.',
    'reset': 'Starting over. What are you looking for?',
    'pending concept': 'Did you mean X?',
    'answered': "We don't sell sofas.",
    'nothing to show': "Tell me what you're looking for: a kind of product, who it's for, a colour, a budget or an occasion. Noted.",
    'nothing to show, no notes': "Tell me what you're looking for: a kind of product, who it's for, a colour, a budget or an occasion.",
    'none found, relax': 'I couldn\'t find any Tshirts for men up to $30.00. Without the price limit there are 7; say "yes" and I\'ll drop it.',
    'none found': 'I couldn\'t find any Tshirts for men up to $30.00. Try fewer filters, or say "start over". No size 52 here.',
    'all shown': 'These are all 2 Tshirts for men up to $30.00.',
    'the one': 'That is all 1 Tshirts for men up to $30.00.',
    'top of many': 'Here are the top 2 of 37 Tshirts for men up to $30.00. Sorted for parties.',
    'more like': 'More like that one: Here are the top 2 of 37 Tshirts for men up to $30.00.',
    'more like, all': 'More like that one: That is all 1 Tshirts for men up to $30.00.',
    'model phrases': 'Two tees for you.',
    'model says nothing': 'These are all 2 Tshirts for men up to $30.00.',
    'model fails': 'These are all 2 Tshirts for men up to $30.00.',
    'model without cards': 'I couldn\'t find any Tshirts for men up to $30.00. Try fewer filters, or say "start over".',
}


@pytest.mark.parametrize("name", list(REPLY_CASES))
def test_reply_wording(name: str) -> None:
    # given a turn in this state, when the reply step runs, then the text is exactly the pinned one
    assert reply(REPLY_CASES[name]()).reply == REPLIED[name]


def test_a_chat_model_streams_its_phrasing_as_deltas() -> None:
    deltas: list[str] = []
    ctx = turn(filters=TEES, count=2, cards=CARDS, chat_model=streaming("Two tees for you."), on_delta=deltas.append)
    assert reply(ctx).reply == "Two tees for you."
    assert "".join(deltas) == "Two tees for you."


def test_the_grounded_draft_sends_no_deltas() -> None:
    deltas: list[str] = []
    ctx = reply(turn(filters=TEES, count=2, cards=CARDS, on_delta=deltas.append))
    assert ctx.reply == "These are all 2 Tshirts for men up to $30.00."
    assert deltas == []


def test_more_kinds_than_a_reply_lists_are_named_by_their_catalogue_category() -> None:
    # given a catalogue whose Accessories hold Watches, Belts, Wallets and Sunglasses, and Footwear Shoes and Heels
    from assistant.understanding.vocabulary import Vocabulary

    rows = [("Watches", "Watches", "Accessories"), ("Belts", "Belts", "Accessories"),
            ("Wallets", "Wallets", "Accessories"), ("Sunglasses", "Eyewear", "Accessories"),
            ("Casual Shoes", "Shoes", "Footwear"), ("Sports Shoes", "Shoes", "Footwear"),
            ("Formal Shoes", "Shoes", "Footwear"), ("Sneakers", "Shoes", "Footwear"), ("Heels", "Shoes", "Footwear")]
    vocab = Vocabulary(article_types=[r[0] for r in rows], colours=[], usages=[], genders=[], brands=[], sizes=[],
                       type_rows=rows)

    def said(types: list[str]) -> str:
        return reply(turn(filters=Filters(article_types=types), count=37, cards=CARDS, vocab=vocab)).reply

    # then four kinds of one master category read as it, of one sub-category as that, across two as "products"
    assert said(["Watches", "Belts", "Wallets", "Sunglasses"]) == "Here are the top 2 of 37 accessories."
    assert said(["Casual Shoes", "Sports Shoes", "Formal Shoes", "Heels"]) == "Here are the top 2 of 37 shoes."
    assert said(["Watches", "Belts", "Wallets", "Heels"]) == "Here are the top 2 of 37 products."
    # and three or fewer are still listed
    assert said(["Watches", "Belts"]) == "Here are the top 2 of 37 Watches or Belts."

