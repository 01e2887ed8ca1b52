"""One assistant turn as LangChain runnables: understand -> retrieve -> cards -> reply.

The websocket consumer, the no-JS page and `manage.py evaluate_assistant` all run this same sequence
through `services.conversation_message` and `run_turn`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import Runnable, RunnableLambda, RunnableSequence
from langsmith.utils import tracing_is_enabled

from shop.models import Variant

from . import llm as llm_mod
from .intents import Compare, MoreLikeThis
from .outfits import Outfit
from .retrieval.index import Snapshot, get_snapshot
from .retrieval.retriever import CatalogRetriever
from .selectors import product_card, product_matches, products_by_catalog_ids, twins_for_products
from .turn_understand import FACET_LABELS, PAGE, understand
from .understanding.dialogue import Wishes
from .understanding.lexicon import COLOUR_FAMILIES, types_against
from .understanding.parser import Understanding
from .understanding.schema import Filters
from .understanding.vocabulary import Vocabulary


@dataclass
class TurnContext:
    text: str
    state: dict[str, Any]
    # A card's button: its intent and products, structured (assistant.intents); then `text` is only recorded.
    action: MoreLikeThis | Compare | None = None
    session_key: str | None = None
    viewer_anonymous: bool = False  # nobody is logged in to session_key (the image gate then needn't look)
    territory: str | None = None  # the shopper's country: only twins whose consent covers it are offered
    on_delta: Callable[[str], None] | None = None
    chat_model: Any = None
    # filled in by the steps
    vocab: Vocabulary | None = None
    snapshot: Snapshot | None = None
    understanding: Understanding | None = None
    filters: Filters = field(default_factory=Filters)
    notes: list[str] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    intent: str = "search"
    anchor_id: int | None = None
    compare_ids: list[int] = field(default_factory=list)
    query_text: str = ""
    query_terms: list[str] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)
    count: int = 0
    relaxation: dict[str, Any] | None = None
    cards: list[dict[str, Any]] = field(default_factory=list)
    reply: str = ""
    show_products: bool = True
    twin_id: int | None = None
    wishes: Wishes = field(default_factory=Wishes)
    carry: dict[str, Any] = field(default_factory=dict)  # the shopper's own size and budget
    answer: dict[str, Any] | None = None  # a question or a cart/twin action instead of a search
    outfit: Outfit | None = None
    answered: bool = False  # the notes answer the message (e.g. "we don't sell sofas"): no generic prompt
    # True while the turn runs as the LangChain sequence (run_turn): the retriever is then invoked as a
    # runnable too, so a trace shows its documents.
    traced: bool = False


def _money(d: Decimal | None) -> str:
    return f"${Decimal(d).quantize(Decimal('0.01'))}" if d is not None else ""


def _colour_words(colours: list[str]) -> str:
    """A whole colour family, or its head with some of its shades, reads as the head ("blue")."""
    if not colours:
        return ""
    for head, family in COLOUR_FAMILIES.items():
        if set(colours) == set(family) or (head in colours and set(colours) <= set(family) and len(colours) > 1):
            return head.lower()
    return " or ".join(c.lower() for c in colours)


def _kind_words(article_types: list[str]) -> str:
    # More than three kinds is a category the shopper named ("footwear"): listing them reads worse than "products".
    if not article_types or len(article_types) > 3:
        return "products"
    return " or ".join(article_types)


def _price_words(f: Filters) -> str:
    if f.min_price is not None and f.max_price is not None:
        return f" between {_money(f.min_price)} and {_money(f.max_price)}"
    if f.max_price is not None:
        return f" up to {_money(f.max_price)}"
    if f.min_price is not None:
        return f" from {_money(f.min_price)}"
    return ""


def _exclusion_words(f: Filters) -> str:
    excluded: list[str] = []
    if f.exclude_colours:
        heads = [h for h, fam in COLOUR_FAMILIES.items() if set(fam) & set(f.exclude_colours) == set(fam) and set(fam) <= set(f.exclude_colours)]
        rest = [c for c in f.exclude_colours if not any(c in COLOUR_FAMILIES[h] for h in heads)]
        excluded += [h.lower() for h in heads] + [c.lower() for c in rest]
    excluded += f.exclude_brands
    return ", not " + " or ".join(excluded) if excluded else ""


def category_words(article_types: list[str], vocab: Vocabulary | None) -> str | None:
    """More kinds than a reply lists, named as the catalogue groups them: the sub-category all of them sit in
    ("shoes"), else their master category ("accessories", "footwear"); None when they span several."""
    if vocab is None or len(article_types) <= 3:
        return None
    wanted = set(article_types)
    rows = [row for row in vocab.type_rows if row[0] in wanted]
    for level in (1, 2):  # sub-category, then master category
        names = {row[level] for row in rows}
        if len(names) == 1:
            return names.pop().lower()
    return None


def describe(f: Filters, *, kinds: str | None = None) -> str:
    """The filters in words. `kinds` names the kinds instead of `_kind_words` (the reply's category name)."""
    text = " ".join(p for p in (_colour_words(f.colours), kinds or _kind_words(f.article_types)) if p)
    if f.genders:
        text += " for " + " and ".join(g.lower() for g in f.genders)
    if f.usages:
        text += f" ({' or '.join(u.lower() for u in f.usages)})"
    if f.brands:
        text += " by " + " or ".join(f.brands)
    text += _price_words(f)
    if f.size:
        text += f" in size {f.size}"
    return text + _exclusion_words(f)


def semantic_part(f: Filters) -> Filters:
    """What the query embedding should carry: kind, colour, who, occasion, brand. Prices, sizes and exclusions
    are exact filters (the index mask and product_matches apply them); written into the embedded text they only
    add noise, "not cream" even pulls the ranking towards cream, and every token costs (ONNX, one query on
    2 cores: 6 tokens 8.0 ms, 16 tokens 11.5 ms, 28 tokens 16.5 ms)."""
    return f.model_copy(update={"min_price": None, "max_price": None, "size": None, "exclude_colours": [],
                                "exclude_brands": []})


CHIP_NAMES = {"genders": "For", "article_types": "Type", "colours": "Colour", "usages": "Occasion", "brands": "Brand",
              "exclude_colours": "Not", "exclude_brands": "Not brand"}


def chips(public: dict[str, Any]) -> list[dict[str, Any]]:
    """The active filters as removable chips; a whole colour family is one chip ("Colour: blue, any shade")."""
    f = Filters.from_public(public)
    out: list[dict[str, Any]] = []
    for field_name, title in CHIP_NAMES.items():
        values = list(getattr(f, field_name))
        if field_name in ("colours", "exclude_colours"):
            for head, family in COLOUR_FAMILIES.items():
                members = [c for c in family if c in values]
                if head in values and len(members) > 1:
                    out.append({"field": field_name, "values": members, "label": f"{title}: {head.lower()} (any shade)"})
                    values = [v for v in values if v not in members]
        for v in values:
            out.append({"field": field_name, "values": [v], "label": f"{title}: {v}"})
    if f.min_price is not None:
        out.append({"field": "min_price", "values": [], "label": f"From {_money(f.min_price)}"})
    if f.max_price is not None:
        out.append({"field": "max_price", "values": [], "label": f"Up to {_money(f.max_price)}"})
    if f.size:
        out.append({"field": "size", "values": [], "label": f"Size: {f.size}"})
    return out


def retrieve(ctx: TurnContext) -> TurnContext:
    snap = ctx.snapshot or get_snapshot()
    if ctx.compare_ids:
        ctx.hits = list(ctx.compare_ids)
        ctx.count = len(ctx.hits)
        return ctx
    if ctx.outfit is not None:
        ctx.hits = list(ctx.outfit.hits)
        ctx.count = len(ctx.hits)
        return ctx
    if not ctx.show_products:
        return ctx
    mask = snap.mask(ctx.filters)
    ctx.count = snap.count(mask)
    if ctx.count and ctx.understanding is not None and ctx.understanding.order and ctx.anchor_id is None:
        ctx.hits = snap.by_price(mask, k=PAGE, descending=ctx.understanding.order == "priciest")
    elif ctx.count:
        boost = snap.wish_boost(usages=ctx.wishes.usages, seasons=ctx.wishes.seasons,
                                against_types=types_against(ctx.wishes.wear))
        retriever = CatalogRetriever(filters=ctx.filters, k=PAGE, anchor_id=ctx.anchor_id, boost=boost,
                                     exclude=[ctx.anchor_id] if ctx.anchor_id is not None else [])
        query = ctx.query_text or ctx.text
        if ctx.traced:
            ctx.hits = [int(d.metadata["catalog_id"]) for d in retriever.invoke(query)]
        else:
            ctx.hits = [cid for cid, _ in retriever.search(query, snapshot=snap, mask=mask)]
    else:
        best: tuple[str, int] | None = None
        f = ctx.filters
        # Offer to drop the least essential filter that brings results back: what the shopper is looking
        # for (type, who it's for) is the last thing to give up.
        active = [k for k in ("size", "colours", "usages", "brands", "exclude_colours", "exclude_brands", "price",
                              "genders", "article_types")
                  if (getattr(f, k, None) if k != "price" else (f.max_price is not None or f.min_price is not None))]
        for facet in active:
            n = snap.count(snap.mask(f, without=facet))
            if n:
                best = (facet, n)
                break
        if best is not None:
            ctx.relaxation = {"facet": best[0], "count": best[1], "label": FACET_LABELS.get(best[0], best[0])}
            ctx.pending = {"type": "relax", "facet": best[0]}
    return ctx


def cards(ctx: TurnContext) -> TurnContext:
    products = products_by_catalog_ids(ctx.hits)
    if not ctx.compare_ids and ctx.outfit is None:
        # Belt and braces: the index is a fast path; the database row is the truth.
        products = [p for p in products if product_matches(p, ctx.filters)]
    ctx.hits = [p.catalog_id for p in products]
    # One consent query for the whole page instead of a few per card (the turn's largest cost otherwise).
    covering = twins_for_products(products, territory=ctx.territory) if ctx.session_key else {}
    ctx.cards = [product_card(p, session_key=ctx.session_key, viewer_anonymous=ctx.viewer_anonymous,
                              twin_id=ctx.twin_id, twins=covering.get(p.catalog_id)) for p in products]
    return ctx


def _compare_text(cards_: list[dict[str, Any]]) -> str:
    if len(cards_) < 2:
        return "Show me two products first, then ask me to compare them (for example \"compare the first and second\")."
    a, b = cards_[0], cards_[1]
    lines = [f"{a['name']}: {a['currency']} {a['price']}, {a['colour'] or 'colour n/a'}, {a['brand']}, "
             f"sizes {', '.join(a['sizes']) or 'none in stock'}.",
             f"{b['name']}: {b['currency']} {b['price']}, {b['colour'] or 'colour n/a'}, {b['brand']}, "
             f"sizes {', '.join(b['sizes']) or 'none in stock'}."]
    pa, pb = Decimal(a["price"]), Decimal(b["price"])
    if pa != pb:
        cheaper, diff = (a, pb - pa) if pa < pb else (b, pa - pb)
        lines.append(f"{cheaper['name']} is ${diff} cheaper.")
    else:
        lines.append("They cost the same.")
    return " ".join(lines)


def _outfit_text(outfit: Outfit, cards_: list[dict[str, Any]]) -> str:
    anchor = cards_[0]
    kinds = sorted({c["article_type"] for c in cards_[1:]})
    colour = ("any colour goes with it" if outfit.colours is None
              else f"in neutrals and {anchor['colour'].lower()} tones, which go with it")
    return (f"To wear with {anchor['name']} (first): {', '.join(kinds) or 'nothing in stock'}, {colour}.")


GREETING = ("Hi! Tell me what you're looking for, for example \"white sneakers for men under $60\" "
            "or \"a dress for a wedding\", and I'll find it.")
PROMPT = "Tell me what you're looking for: a kind of product, who it's for, a colour, a budget or an occasion."


def _compared_text(ctx: TurnContext) -> str:
    """The answer about products already shown: "the cheapest one" (one picked) or a comparison of two."""
    if len(ctx.compare_ids) == 1 and ctx.cards:
        return _one_shown_text(ctx.understanding, ctx.cards[0])
    return _compare_text(ctx.cards)


def _one_shown_text(u: Understanding | None, card: dict[str, Any]) -> str:
    """One product shown, picked by price ("which one is cheapest?") or asked about ("how much is the second?",
    "does the first come in 42?"): its price and the sizes in stock."""
    price = f"{card['currency']} {card['price']}"
    text = (f"The {u.superlative} one shown is {card['name']} at {price}." if u is not None and u.superlative
            else f"{card['name']} costs {price}.")
    sizes = [s for s in card["sizes"] if s != Variant.ONE_SIZE]
    asked = u.asked_size if u is not None else None
    if asked:
        stock = "in stock" if asked in sizes else "not in stock"
        return f"{text} Size {asked} is {stock}" + (f"; it comes in {', '.join(sizes)}." if sizes else ".")
    return f"{text} In stock in sizes {', '.join(sizes)}." if sizes else text


def _idle_text(ctx: TurnContext) -> list[str]:
    """No products this turn: the reset acknowledgement, nothing when the notes answer, else the prompt."""
    u = ctx.understanding
    if u is not None and u.reset:
        return ["Starting over. What are you looking for?"]
    if (ctx.pending and ctx.pending.get("type") == "concept") or ctx.answered:
        return []
    return [PROMPT]


def _results_text(ctx: TurnContext) -> list[str]:
    what = describe(ctx.filters, kinds=category_words(ctx.filters.article_types, ctx.vocab))
    if ctx.count == 0:
        if ctx.relaxation:
            return [f"I couldn't find any {what}.",
                    f"Without the {ctx.relaxation['label']} there are {ctx.relaxation['count']}; say \"yes\" "
                    f"and I'll drop it."]
        return [f"I couldn't find any {what}.", "Try fewer filters, or say \"start over\"."]
    lead = "More like that one: " if ctx.anchor_id is not None else ""
    order = ctx.understanding.order if ctx.understanding is not None and not lead else None
    if ctx.count <= len(ctx.cards):
        first = f", {order} first" if order else ""
        return [f"{lead}{'That is' if ctx.count == 1 else 'These are'} all {ctx.count} {what}{first}."]
    if order:
        return [f"Here are the {len(ctx.cards)} {order} of {ctx.count} {what}."]
    return [f"{lead}Here are the top {len(ctx.cards)} of {ctx.count} {what}."]


def _opening(ctx: TurnContext) -> list[str]:
    u = ctx.understanding
    if ctx.outfit is not None and ctx.cards:
        return [_outfit_text(ctx.outfit, ctx.cards)]
    if ctx.compare_ids:
        return [_compared_text(ctx)]
    if u is not None and u.intent == "greeting" and ctx.filters.is_empty():
        return [GREETING]
    if not ctx.show_products:
        return _idle_text(ctx)
    return _results_text(ctx)


def _notes_text(ctx: TurnContext) -> list[str]:
    u = ctx.understanding
    notes = [n for n in ctx.notes if n]
    if notes and not (u is not None and u.reset and not ctx.show_products):
        return [" ".join(notes)]
    return []


def _phrased(ctx: TurnContext, draft: str) -> str:
    """The chat model's wording of the draft, streamed as deltas; the draft itself when it fails or says nothing."""
    try:
        chunks: list[str] = []
        for chunk in llm_mod.llm_phrase(ctx.chat_model, text=ctx.text, draft=draft, cards=ctx.cards):
            chunks.append(chunk)
            if ctx.on_delta:
                ctx.on_delta(chunk)
        phrased = "".join(chunks).strip()
    except Exception:  # noqa: BLE001 - phrasing is decoration; the grounded draft always works
        return draft
    return phrased or draft


def reply(ctx: TurnContext) -> TurnContext:
    if ctx.answer is not None:
        ctx.reply = ""  # the service answers (it holds the shopper's session)
        return ctx
    draft = " ".join([*_opening(ctx), *_notes_text(ctx)])
    ctx.reply = draft
    # The grounded draft is complete at once, so it goes out in the reply frame alone: deltas are only for a
    # chat model's streamed phrasing. (Sending it as a delta too cost a second frame per turn for nothing.)
    if ctx.chat_model is not None and ctx.cards:
        ctx.reply = _phrased(ctx, draft)
    return ctx


STEPS: tuple[Callable[[TurnContext], TurnContext], ...] = (understand, retrieve, cards, reply)


def build_pipeline() -> Runnable[TurnContext, TurnContext]:
    return RunnableSequence(*(RunnableLambda(step, name=step.__name__) for step in STEPS))


_pipeline: Runnable[TurnContext, TurnContext] | None = None


def get_pipeline() -> Runnable[TurnContext, TurnContext]:
    global _pipeline
    if _pipeline is None:
        _pipeline = build_pipeline()
    return _pipeline


def run_turn(ctx: TurnContext, *, callbacks: list[BaseCallbackHandler] | None = None) -> TurnContext:
    """One turn through STEPS. As the LangChain sequence when anything listens (callbacks given, LangSmith
    tracing on) or a chat model is configured: each step, the retriever and the model calls then show in
    the trace. Otherwise the same steps are called in the same order directly: LangChain sets up callback
    managers, run ids and config contexts for the sequence, each step and the retriever on every run, which
    cost about 0.5 ms of an 8 ms turn in process and a tenth of a loaded worker's GIL time (py-spy), for
    nobody to hear."""
    if callbacks or ctx.chat_model is not None or tracing_is_enabled():
        ctx.traced = True
        return get_pipeline().invoke(ctx, config={"callbacks": callbacks} if callbacks else None)
    for step in STEPS:
        ctx = step(ctx)
    return ctx
