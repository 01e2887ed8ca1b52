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

from . import llm as llm_mod
from .retrieval.index import Snapshot, get_snapshot
from .retrieval.retriever import CatalogRetriever
from .selectors import product_card, product_matches, products_by_catalog_ids, twins_for_products
from .understanding.lexicon import COLOUR_FAMILIES
from .understanding.parser import _NO_RE, _YES_RE, Understanding, apply_understanding, parse_message
from .understanding.schema import Filters
from .understanding.semantic import make_resolver
from .understanding.vocabulary import Concept, Vocabulary, normalise, vocabulary_from_db

PAGE = 10
FACET_LABELS = {
    "colours": "colour", "exclude_colours": "colour exclusion", "article_types": "product type",
    "genders": "who it's for", "usages": "occasion", "price": "price limit", "size": "size", "brands": "brand",
    "exclude_brands": "brand exclusion",
}


@dataclass
class TurnContext:
    text: str
    state: dict[str, Any]
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
    # True while the turn runs as the LangChain sequence (run_turn): the retriever is then invoked as a
    # runnable too, so a trace shows its documents.
    traced: bool = False


def _money(d: Decimal | None) -> str:
    return f"${Decimal(d).quantize(Decimal('0.01'))}" if d is not None else ""


def describe(f: Filters) -> str:
    colour = ""
    if f.colours:
        for head, family in COLOUR_FAMILIES.items():
            if set(f.colours) == set(family) or (head in f.colours and set(f.colours) <= set(family) and len(f.colours) > 1):
                colour = head.lower()
                break
        colour = colour or " or ".join(c.lower() for c in f.colours)
    what = " or ".join(f.article_types) if f.article_types else "products"
    if len(f.article_types) > 3:
        what = "products"
    parts = [p for p in (colour, what) if p]
    text = " ".join(parts)
    if f.genders:
        text += " for " + " and ".join(g.lower() for g in f.genders)
    if f.usages:
        text += f" ({' or '.join(u.lower() for u in f.usages)})"
    if f.brands:
        text += " by " + " or ".join(f.brands)
    if f.min_price is not None and f.max_price is not None:
        text += f" between {_money(f.min_price)} and {_money(f.max_price)}"
    elif f.max_price is not None:
        text += f" up to {_money(f.max_price)}"
    elif f.min_price is not None:
        text += f" from {_money(f.min_price)}"
    if f.size:
        text += f" in size {f.size}"
    excluded = []
    if f.exclude_colours:
        heads = [h for h, fam in COLOUR_FAMILIES.items() if set(fam) & set(f.exclude_colours) == set(fam) and set(fam) <= set(f.exclude_colours)]
        rest = [c for c in f.exclude_colours if not any(c in COLOUR_FAMILIES[h] for h in heads)]
        excluded += [h.lower() for h in heads] + [c.lower() for c in rest]
    excluded += f.exclude_brands
    if excluded:
        text += ", not " + " or ".join(excluded)
    return text


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


def _pending_concept(state: dict[str, Any]) -> Concept | None:
    p = state.get("pending") or {}
    if p.get("type") == "concept":
        return Concept(p["kind"], tuple(p["values"]), p["label"])
    return None


def _resolve_refs(refs: list[int], shown: list[int]) -> list[int]:
    out = []
    for r in refs:
        if r == -1 and shown:
            out.append(shown[-1])
        elif 1 <= r <= len(shown):
            out.append(shown[r - 1])
    return out


def _price_of(snap: Snapshot, cid: int) -> Decimal | None:
    row = snap.row_of.get(int(cid))
    return None if row is None else Decimal(int(snap.price_cents[row])) / 100


def understand(ctx: TurnContext) -> TurnContext:
    ctx.vocab = vocab = vocabulary_from_db(version=str(get_snapshot().stamp))
    ctx.snapshot = snap = get_snapshot()
    state = ctx.state
    previous = Filters.from_public(state.get("filters"))
    shown: list[int] = [int(i) for i in state.get("last_shown") or []]
    pending_concept = _pending_concept(state)
    u = parse_message(ctx.text, vocab, resolver=make_resolver(vocab), pending=pending_concept)
    ctx.understanding = u
    refs = _resolve_refs(u.references, shown)
    if not refs and u.refers_to_shown and shown and u.intent in ("more_like", "add_to_cart"):
        refs = shown[:1]
    referenced_price = _price_of(snap, refs[0]) if refs and u.intent in ("cheaper", "pricier") else None
    shown_prices = [p for p in (_price_of(snap, c) for c in shown) if p is not None]

    filters, notes = apply_understanding(previous, u, pending=pending_concept, shown_prices=shown_prices,
                                         referenced_price=referenced_price)
    pending = state.get("pending") or {}
    if pending.get("type") == "relax" and u.confirm is None:
        u.confirm = True if _YES_RE.search(normalise(ctx.text)) else False if _NO_RE.search(normalise(ctx.text)) else None
    if pending.get("type") == "relax" and u.confirm:
        facet = pending["facet"]
        if facet == "price":
            filters.min_price = filters.max_price = None
        elif facet == "size":
            filters.size = None
        else:
            setattr(filters, facet, [])
        notes.append(f"Dropped the {FACET_LABELS.get(facet, facet)}.")

    if ctx.chat_model is not None and u.confirm is None:
        llm_out = llm_mod.llm_understand(ctx.chat_model, text=ctx.text, filters=previous, vocab=vocab)
        if llm_out is not None:
            filters = Filters() if llm_out.reset else llm_out.filters
            # Relative prices and references need the shown products, which only the offline parser sees.
            if u.intent in ("cheaper", "pricier") and filters.max_price == previous.max_price:
                filters.max_price, filters.min_price = apply_understanding(previous, u, shown_prices=shown_prices,
                                                                          referenced_price=referenced_price)[0].max_price, filters.min_price
            if llm_out.clarifying_question:
                notes.append(llm_mod.clean_model_text(llm_out.clarifying_question))
            u.query_terms = llm_out.query.split()[:12] or u.query_terms

    ctx.intent = u.intent
    if u.intent == "more_like" and refs:
        ctx.anchor_id = refs[0]
        facets = snap.facets_of(refs[0])
        if facets and not filters.article_types:
            filters.article_types = [facets["article_type"]]
        if facets and not filters.genders and facets["gender"] in ("Men", "Women", "Boys", "Girls"):
            filters.genders = [facets["gender"]]
    if u.intent == "compare":
        ctx.compare_ids = refs[:3] if len(refs) >= 2 else shown[:2] if not refs else (refs + [s for s in shown if s not in refs])[:2]

    for word, concept, _score in u.semantic:
        notes.append(f'I read "{word}" as {concept.label}.')
    ctx.pending = None
    if u.clarify is not None:
        c = u.clarify.concept
        ctx.pending = {"type": "concept", "kind": c.kind, "values": list(c.values), "label": c.label}
        notes.append(u.clarify.question)
    ctx.filters = filters
    ctx.notes = notes
    ctx.query_terms = u.query_terms if (u.query_terms or u.reset) else list(state.get("query_terms") or [])
    ctx.query_text = (describe(semantic_part(filters)) + " " + " ".join(ctx.query_terms)).strip()
    if filters.is_empty() and not ctx.query_terms and ctx.anchor_id is None and not ctx.compare_ids:
        ctx.show_products = False
    return ctx


def retrieve(ctx: TurnContext) -> TurnContext:
    snap = ctx.snapshot or get_snapshot()
    if ctx.compare_ids:
        ctx.hits = list(ctx.compare_ids)
        ctx.count = len(ctx.hits)
        return ctx
    if not ctx.show_products:
        return ctx
    mask = snap.mask(ctx.filters)
    ctx.count = snap.count(mask)
    if ctx.count:
        retriever = CatalogRetriever(filters=ctx.filters, k=PAGE, anchor_id=ctx.anchor_id,
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
    if not ctx.compare_ids:
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


def reply(ctx: TurnContext) -> TurnContext:
    f = ctx.filters
    u = ctx.understanding
    parts: list[str] = []
    if ctx.compare_ids:
        parts.append(_compare_text(ctx.cards))
    elif u is not None and u.intent == "greeting" and f.is_empty():
        parts.append("Hi! Tell me what you're looking for, for example \"white sneakers for men under $60\" "
                     "or \"a dress for a wedding\", and I'll find it.")
    elif not ctx.show_products:
        if u is not None and u.reset:
            parts.append("Starting over. What are you looking for?")
        elif ctx.pending and ctx.pending.get("type") == "concept":
            pass
        else:
            parts.append("Tell me what you're looking for: a kind of product, who it's for, a colour, a budget "
                         "or an occasion.")
    elif ctx.count == 0:
        parts.append(f"I couldn't find any {describe(f)}.")
        if ctx.relaxation:
            parts.append(f"Without the {ctx.relaxation['label']} there are {ctx.relaxation['count']}; say \"yes\" "
                         f"and I'll drop it.")
        else:
            parts.append("Try fewer filters, or say \"start over\".")
    else:
        lead = "More like that one: " if ctx.anchor_id is not None else ""
        if ctx.count <= len(ctx.cards):
            parts.append(f"{lead}{'That is' if ctx.count == 1 else 'These are'} all {ctx.count} {describe(f)}.")
        else:
            parts.append(f"{lead}Here are the top {len(ctx.cards)} of {ctx.count} {describe(f)}.")
    notes = [n for n in ctx.notes if n]
    if notes and not (u is not None and u.reset and not ctx.show_products):
        parts.append(" ".join(notes))
    draft = " ".join(parts)
    ctx.reply = draft
    if ctx.chat_model is not None and ctx.cards:
        try:
            chunks: list[str] = []
            for chunk in llm_mod.llm_phrase(ctx.chat_model, text=ctx.text, draft=draft, cards=ctx.cards):
                chunks.append(chunk)
                if ctx.on_delta:
                    ctx.on_delta(chunk)
            phrased = "".join(chunks).strip()
            if phrased:
                ctx.reply = phrased
                return ctx
        except Exception:  # noqa: BLE001 - phrasing is decoration; the grounded draft always works
            ctx.reply = draft
    # The grounded draft is complete at once, so it goes out in the reply frame alone: deltas are only for a
    # chat model's streamed phrasing. (Sending it as a delta too cost a second frame per turn for nothing.)
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
