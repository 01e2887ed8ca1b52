"""The pipeline's first step: one message against the conversation's state, in stages.

    parse (understanding/parser.py) -> references (positions, "the two cheapest") -> a turn that is no search
    (question, cart action, twin request) -> limits (understanding/dialogue.py) -> a kept person the new kind
    of product isn't sold for -> wishes -> anchors (more like, compare, outfit) -> out of catalogue
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from shop import sizing

from . import llm as llm_mod
from .intents import Compare, MoreLikeThis
from .outfits import OUTER, complete, types_by_role
from .retrieval.index import Snapshot, get_snapshot
from .understanding import lexicon
from .understanding.dialogue import Wishes, apply_understanding, fold_carry, fold_wishes, is_new_topic
from .understanding.lexicon import COLOUR_FAMILIES
from .understanding.parser import _NO_RE, _YES_RE, Understanding, parse_message
from .understanding.schema import Filters
from .understanding.semantic import make_resolver
from .understanding.spelling import correct_text
from .understanding.vocabulary import Concept, Vocabulary, normalise, vocabulary_from_db

if TYPE_CHECKING:
    from .pipeline import TurnContext

PAGE = 10  # the cards a turn shows
# A request for something the shop doesn't sell ("a laptop") is compared with every article type's mean
# product vector: at or above NEAR_SIMILARITY that type is offered as the nearest thing; below it, nothing.
NEAR_SIMILARITY = 0.40
# Words after which a shopper names the thing they want ("do you sell duct tape", "i need a laptop").
_REQUEST_CUES = frozenset("a an some any sell selling buy need want have get".split())
FACET_LABELS = {
    "colours": "colour", "exclude_colours": "colour exclusion", "article_types": "product type",
    "genders": "who it's for", "usages": "occasion", "price": "price limit", "size": "size", "brands": "brand",
    "exclude_brands": "brand exclusion", "exclude_words": "word exclusion",
}


class Relative(TypedDict):
    """What "cheaper" and "under that one's price" are relative to: the prices shown, the one pointed at."""

    shown_prices: list[Decimal]
    referenced_price: Decimal | None


def _pending_concept(state: dict[str, Any]) -> Concept | None:
    p = state.get("pending") or {}
    if p.get("type") == "concept":
        return Concept(p["kind"], tuple(p["values"]), p["label"])
    return None


def _price_of(snap: Snapshot, cid: int) -> Decimal | None:
    row = snap.row_of.get(int(cid))
    return None if row is None else Decimal(int(snap.price_cents[row])) / 100


def resolve_refs(u: Understanding, shown: list[int], snap: Snapshot, *, pointed: int | None = None) -> list[int]:
    """Catalogue ids the message points at: "the first", "#3", "the two cheapest" among the products shown; "it",
    "that one": the product last answered about (`pointed`), else the first shown."""
    if u.superlative and shown:
        priced = sorted((p, i, c) for i, c in enumerate(shown) if (p := _price_of(snap, c)) is not None)
        if u.superlative == "priciest":
            priced.reverse()
        return [c for _p, _i, c in priced[:len(u.references) or 1]]
    out = []
    for r in u.references:
        if r == -1 and shown:
            out.append(shown[-1])
        elif 1 <= r <= len(shown):
            out.append(shown[r - 1])
    if not out and u.refers_to_shown and shown and u.intent in ("more_like", "add_to_cart", "outfit", "twin"):
        out = [pointed] if pointed is not None else shown[:1]
    return out


_THIS_RE = re.compile(r"\b(?:this|it)\b")


def page_refs(ctx: TurnContext, u: Understanding, refs: list[int]) -> list[int]:
    """On a product page, "this" or "it" without a position ("do you have this in black?", "something to wear
    with this") is the product on screen, not the chat's first card."""
    page = ctx.state.get("page_product")
    if page is None or u.references or u.superlative or not _THIS_RE.search(normalise(ctx.text)):
        return refs
    return [int(page)]


def page_kind(snap: Snapshot, u: Understanding, refs: list[int], page: Any) -> Filters | None:
    """"Do you have this in black?" on a product page: a fresh search for the page product's kind and audience,
    whatever the chat searched before; the message's own limits (the colour) apply on top."""
    if page is None or u.intent != "search" or refs != [page] or "article_types" in u.set_values:
        return None
    facets = snap.facets_of(int(page))
    if facets is None:
        return None
    gender = facets["gender"]
    return Filters(article_types=[facets["article_type"]],
                   genders=[gender] if gender in ("Men", "Women", "Boys", "Girls") else [])


def _non_search(ctx: TurnContext, u: Understanding, refs: list[int]) -> bool:
    """Questions and actions: the reply is an answer or an action for the service, not a product list."""
    if u.intent == "question":
        ctx.answer = {"type": "question", "kind": u.question or ""}
    elif u.intent == "add_to_cart" and refs:
        ctx.answer = {"type": "cart_add", "product": refs[0], "size": u.size}
    elif u.intent == "remove_from_cart":
        ctx.answer = {"type": "cart_remove", "product": refs[0] if refs else None}
    elif u.intent == "twin":
        shown = [int(i) for i in ctx.state.get("last_shown") or []]
        last = ctx.state.get("pointed")
        pointed = refs or ([int(last)] if last is not None else shown[:1])
        ctx.answer = {"type": "twin", "product": pointed[0] if pointed else None, "request": u.twin_request,
                      "size": u.size or ctx.carry.get("size")}
    elif u.intent == "pick" and refs:
        ctx.compare_ids = refs[:1]
        return False
    elif (u.intent in ("pick", "compare") and (u.references or u.superlative) and not u.set_values and not refs
          and not ctx.state.get("last_shown")):
        # "compare the two cheapest" with nothing shown ("compare nike and puma sneakers" is a search)
        ctx.notes = ["Nothing is shown yet to point at. Tell me what you're looking for first."]
        ctx.answered = True
    else:
        return False
    ctx.filters = Filters.from_public(ctx.state.get("filters"))
    ctx.show_products = False
    return True


def asked_thing(text: str, unknown: list[str]) -> list[str]:
    """The words of the thing a request names that the catalogue doesn't know: the run of unknown words right
    after a request cue ("do you sell duct tape?" -> duct tape), or nothing when no cue introduces one."""
    toks = re.findall(r"[a-z]+", text)
    known_not = set(unknown) - _REQUEST_CUES
    for i, tok in enumerate(toks):
        if tok not in _REQUEST_CUES and not (tok == "for" and i and toks[i - 1] == "looking"):
            continue
        j = i + 1 + (i + 1 < len(toks) and toks[i + 1] == "new")
        run = []
        while j < len(toks) and toks[j] in known_not:
            run.append(toks[j])
            j += 1
        if run:
            return run
    return []


def _unreadable(ctx: TurnContext, u: Understanding) -> bool:
    """Emoji only, another language, nothing the catalogue knows: say so instead of repeating the last search."""
    read = (u.understood or u.wish_words or u.has_filters or u.relax or u.reset or u.intent != "search"
            or u.confirm is not None or u.clarify is not None or u.semantic or u.age or u.thing_words)
    if read:
        return False
    text = normalise(ctx.text)
    words = re.findall(r"[a-z]+", text)
    known = [w for w in words if w in lexicon.STOPWORDS or w in lexicon.DESCRIPTIVE_WORDS]
    if words and (len(known) * 2 >= len(words) or u.unknown_words and len(u.unknown_words) < 2
                  or asked_thing(text, u.unknown_words)):
        return False  # "show me", "something nice", "a laptop", "do you sell duct tape": one thing to look up
    shown = f' ("{" ".join(u.unknown_words[:4])}")' if u.unknown_words else ""
    ctx.notes = [f"Sorry, I didn't understand that{shown}. I understand English shopping requests, for example "
                 "\"black sneakers for men under $60\"."]
    ctx.filters = Filters.from_public(ctx.state.get("filters"))
    ctx.show_products, ctx.answered = False, True
    return True


def _confirm_relax(ctx: TurnContext, u: Understanding, filters: Filters, notes: list[str]) -> None:
    pending = ctx.state.get("pending") or {}
    if pending.get("type") != "relax":
        return
    if u.confirm is None:
        text = normalise(ctx.text)
        u.confirm = True if _YES_RE.search(text) else False if _NO_RE.search(text) else None
    if u.confirm:
        facet = pending["facet"]
        if facet == "price":
            filters.min_price = filters.max_price = None
        elif facet == "size":
            filters.size = None
        else:
            setattr(filters, facet, [])
        notes.append(f"Dropped the {FACET_LABELS.get(facet, facet)}.")


def _with_llm(ctx: TurnContext, u: Understanding, previous: Filters, filters: Filters, notes: list[str],
              relative: Relative) -> Filters:
    if ctx.chat_model is None or u.confirm is not None or ctx.vocab is None:
        return filters
    llm_out = llm_mod.llm_understand(ctx.chat_model, text=ctx.text, filters=previous, vocab=ctx.vocab)
    if llm_out is None:
        return filters
    out = Filters() if llm_out.reset else llm_out.filters
    _llm_occasions_are_wishes(out, previous, u)
    # Relative prices and references need the shown products, which only the offline parser sees.
    if u.intent in ("cheaper", "pricier") and out.max_price == previous.max_price:
        out.max_price = apply_understanding(previous, u, **relative)[0].max_price
    if llm_out.clarifying_question:
        notes.append(llm_mod.clean_model_text(llm_out.clarifying_question))
    u.query_terms = llm_out.query.split()[:12] or u.query_terms
    return out


def _llm_occasions_are_wishes(out: Filters, previous: Filters, u: Understanding) -> None:
    """An occasion the chat model reads ("for a party") is a wish, as in the rule path: it ranks and never
    filters. Only an occasion that was already a limit (a chip the shopper kept) stays one."""
    new = [x for x in out.usages if x not in previous.usages]
    if not new:
        return
    out.usages = [x for x in out.usages if x in previous.usages]
    u.wishes = new
    u.wish_words = u.wish_words or [x.lower() for x in new]


# A kept person is a stray for a kind of product when the catalogue has fewer than a page of that kind for
# them and they are under a tenth of it (one card in a page): heels for men (1 of 1,323), kurtis for men
# (2 of 234). Kurtas for men (78, 4%) or casual shoes for boys (24) are a real range and stay.
STRAY_SHARE = 0.10


def _person_fits(snap: Snapshot, filters: Filters, u: Understanding, notes: list[str]) -> None:
    """A person kept from earlier ("for men") whom the kind of product the message names isn't really sold for
    is dropped, not turned into a dead end or a page of strays ("black heels" after a men's blazer). A person
    the message states is a limit and stays."""
    if not filters.genders or not filters.article_types or u.set_values.get("genders"):
        return
    kind = Filters(article_types=filters.article_types)
    theirs = snap.count(snap.mask(kind.model_copy(update={"genders": filters.genders})))
    every = snap.count(snap.mask(kind))
    named_kind = bool(u.set_values.get("article_types"))
    stray = named_kind and theirs < PAGE and theirs < STRAY_SHARE * every
    if every and (theirs == 0 or stray):
        notes.append(f"{' or '.join(filters.article_types)} are hardly sold for "
                     f"{' or '.join(g.lower() for g in filters.genders)}, so I searched every range."
                     if theirs else
                     f"{' or '.join(filters.article_types)} aren't sold for "
                     f"{' or '.join(g.lower() for g in filters.genders)}, so I searched every range.")
        filters.genders = []


def _widen_shade(snap: Snapshot, filters: Filters, u: Understanding, notes: list[str]) -> None:
    """A shade the shopper named ("off-white", "tan") that no product of the kind carries widens to its colour
    family, and the reply says so: the shade was our reading of a colour word, the family is what they said."""
    if not filters.colours or snap.count(snap.mask(filters)):
        return
    family = next((members for members in COLOUR_FAMILIES.values() if set(filters.colours) < set(members)), None)
    if family is None:
        return
    wider = filters.model_copy(update={"colours": [c for c in family if c not in filters.exclude_colours]})
    if snap.count(snap.mask(wider)):
        notes.append(f"No {' or '.join(c.lower() for c in filters.colours)} ones, so here are the closest "
                     f"shades ({', '.join(c.lower() for c in wider.colours)}).")
        filters.colours = wider.colours


def _widen_kind(snap: Snapshot, filters: Filters, u: Understanding, notes: list[str]) -> None:
    """A kind we read from an occasion ("shoes for work" as Formal Shoes) that holds nothing for the shopper's
    limits widens to the category they named, the occasion still ranking: "women's shoes for work" finds no
    women's formal shoes, and shows women's shoes with formal styles first instead of a dead end."""
    if not u.broader_types or filters.article_types != u.set_values.get("article_types") or snap.count(
            snap.mask(filters)):
        return
    wider = filters.model_copy(update={"article_types": u.broader_types})
    if snap.count(snap.mask(wider)):
        notes.append(f"No {' or '.join(filters.article_types)} match that, so here are all "
                     f"{u.broader_label.lower()}.")
        filters.article_types = wider.article_types


def shoe_size_read(snap: Snapshot, vocab: Vocabulary, filters: Filters, u: Understanding, *,
                   territory: str | None) -> str | None:
    """A shoe size in British or American numbers ("size 7", "UK 8", "a US 9") read as the catalogue's EU size
    (shop.sizing): sets `filters.size` and returns the note that says so, else None. A bare number is American for
    a shopper in the United States or Canada and British elsewhere (as in India, where the catalogue comes from);
    children's shoes are sized by age. The chat and the search box both read sizes so."""
    system = u.size_system if u.size is not None else None
    if not filters.size or system == "eu" or (system is None and filters.size in snap.sizes):
        return None
    footwear = {t for t, _sub, master in vocab.type_rows if master == "Footwear"}
    if not filters.article_types or not set(filters.article_types) <= footwear:
        return None
    if filters.genders and set(filters.genders) <= {"Boys", "Girls"}:
        return None
    system = system or ("us" if (territory or "").upper() in ("US", "CA") else "uk")
    women = bool(filters.genders) and set(filters.genders) <= {"Women", "Girls"}
    eu = sizing.paris_points(filters.size, system=system, women=women)
    if eu is None:
        return None
    said, filters.size = filters.size, sizing.nearest_size(eu, snap.sizes)
    return f"I read size {said} as {sizing.size_system_label(system, women=women)} {said}, which is EU {filters.size}."


def _middle_price(snap: Snapshot, filters: Filters, u: Understanding, notes: list[str], relative: Relative) -> None:
    """"Cheap", "affordable", "not too pricey" with nothing shown to be cheaper than: the cheaper half of what
    matches, up to its middle price; "premium", "luxury": the dearer half. The reply says the price."""
    if u.intent not in ("cheaper", "pricier") or relative["shown_prices"] or relative["referenced_price"] is not None:
        return
    if (filters.max_price if u.intent == "cheaper" else filters.min_price) is not None:
        return
    prices = snap.price_cents[snap.mask(filters)]
    if not prices.size:
        return
    k = (prices.size - 1) // 2 if u.intent == "cheaper" else prices.size // 2  # a price one of them has
    middle = (Decimal(int(np.partition(prices, k)[k])) / 100).quantize(Decimal("0.01"))
    if u.intent == "cheaper":
        filters.max_price = middle
        notes.append(f"${middle} is their middle price: the cheaper half.")
    else:
        filters.min_price = middle
        notes.append(f"${middle} is their middle price: the dearer half.")


def _child_size(snap: Snapshot, filters: Filters, u: Understanding, notes: list[str]) -> None:
    """A child's age ("for my 5 year old") is a size where the catalogue sizes children's clothes and shoes by age
    (4-5Y): the band that holds it, when the shopper named no size and something in it matches; the reply says
    so, and the size chip takes it off."""
    if u.age != "child" or u.age_years is None or filters.size:
        return
    band = next((size for size in snap.sizes if (years := sizing.age_band(size))
                 and years[0] <= u.age_years <= years[1]), None)
    if band is None or not snap.count(snap.mask(filters.model_copy(update={"size": band}))):
        return
    filters.size = band
    article = "an" if str(u.age_years).startswith("8") or u.age_years in (11, 18) else "a"
    notes.append(f"Sized for {article} {u.age_years}-year-old; say another size if you like.")


def _anchors(ctx: TurnContext, u: Understanding, refs: list[int], filters: Filters, shown: list[int]) -> None:
    snap = ctx.snapshot
    assert snap is not None
    if u.intent == "more_like" and refs:
        ctx.anchor_id = refs[0]
        facets = snap.facets_of(refs[0])
        if facets and not filters.article_types:
            filters.article_types = [facets["article_type"]]
        if facets and not filters.genders and facets["gender"] in ("Men", "Women", "Boys", "Girls"):
            filters.genders = [facets["gender"]]
    elif u.intent == "compare":
        ctx.compare_ids = (refs[:3] if len(refs) >= 2 else shown[:2] if not refs
                           else (refs + [s for s in shown if s not in refs])[:2])
    elif u.intent == "outfit":
        _outfit(ctx, u, refs, filters)


def _outfit(ctx: TurnContext, u: Understanding, refs: list[int], filters: Filters) -> None:
    """"What goes with X": X is a shown product, the product page's, or the best match of its description."""
    snap, vocab = ctx.snapshot, ctx.vocab
    assert snap is not None and vocab is not None
    anchor = refs[0] if refs else ctx.state.get("page_product")
    genders = u.set_values.get("genders", []) or filters.genders or ["Men", "Women"]  # adults unless told
    types = u.set_values.get("article_types", [])
    if not types and anchor is None:
        # "an outfit for a job interview": build it around the best top for the person and the occasion
        types = [t for t, sub, _m in vocab.type_rows if sub == "Topwear" and t not in OUTER]
    described = Filters(article_types=types, colours=u.set_values.get("colours", []), genders=genders)
    if types:
        from .retrieval.embeddings import query_encoder

        boost = snap.wish_boost(usages=u.wishes or ctx.wishes.usages, seasons=[])
        query = query_encoder(" ".join([*u.query_terms, *described.colours, *types[:3]]))
        # the closest piece the shop has: the colour, then the audience give way (the reply names the piece)
        loosening: tuple[dict[str, list[str]], ...] = ({}, {"colours": []}, {"colours": [], "genders": []})
        for loosen in loosening:
            ranked = snap.rank(snap.mask(described.model_copy(update=loosen)), query, k=1, boost=boost)
            if ranked:
                anchor = ranked[0][0]
                break
    facets = snap.facets_of(int(anchor)) if anchor is not None else None
    if anchor is None or facets is None:
        ctx.notes.append("Tell me which piece to build the look around (for example \"what goes with the first one\").")
        ctx.show_products = False
        ctx.answered = True
        return
    subs = {name: sub for name, sub, _m in vocab.type_rows}
    gender = [facets["gender"]] if facets["gender"] in ("Men", "Women", "Boys", "Girls") else filters.genders
    base = snap.mask(Filters(genders=gender, max_price=filters.max_price, size=filters.size,
                             exclude_colours=filters.exclude_colours, exclude_words=filters.exclude_words))
    ctx.outfit = complete(snap, anchor_id=int(anchor), base=base, roles=types_by_role(vocab.type_rows),
                          anchor_type=facets["article_type"], anchor_sub=subs.get(facets["article_type"], ""),
                          anchor_colour=facets["colour"], anchor_usage=facets["usage"])
    filters.genders = gender


def _out_of_catalogue(ctx: TurnContext, u: Understanding, filters: Filters) -> None:
    """"A laptop": a thing asked for that no catalogue word names. Say so; offer the nearest kind, if any."""
    snap = ctx.snapshot
    assert snap is not None
    if u.intent != "search" or u.understood or u.wish_words or not u.unknown_words:
        return  # only a request that names nothing the catalogue knows ("a laptop", not "a beach wedding")
    asked = u.thing_words or asked_thing(normalise(ctx.text), u.unknown_words)
    if not asked:
        return
    from .retrieval.embeddings import query_encoder

    names, centroids = snap.type_centroids()
    if not names:
        return
    scores = centroids @ query_encoder(" ".join(asked))
    best = int(np.argmax(scores))
    thing = " ".join(asked)
    if float(scores[best]) >= NEAR_SIMILARITY:
        filters.article_types = [names[best]]
        filters.colours, filters.brands = [], []
        ctx.notes.insert(0, f"We don't sell {thing}; the nearest thing we have is {names[best]}.")
    else:
        ctx.notes.insert(0, f"We don't sell {thing}: Twinshop sells clothes, shoes, bags, accessories and "
                            "personal care. Tell me what else you're looking for.")
        ctx.show_products = False
        ctx.answered = True


def _wish_note(wishes: Wishes, u: Understanding, filters: Filters) -> str:
    if not (u.wishes or u.seasons or u.wear):
        return ""
    parts = []
    if wishes.usages or wishes.seasons:
        parts.append(" and ".join(w.lower() for w in [*wishes.usages, *wishes.seasons]) + " styles first")
    against = [t for t in lexicon.types_against(wishes.wear) if not filters.article_types or t in filters.article_types]
    if against and set(against) != set(filters.article_types):
        parts.append(f"{' and '.join(against)} last")
    if not parts:
        return ""
    said = " ".join(u.wish_words)
    return f'For "{said}": {", ".join(parts)} (a wish, so nothing is filtered out).'


def _embedded_kinds(f: Filters, wishes: Wishes) -> Filters:
    """Kinds that work against a wear wish ("heels or flats, something comfy") stay in the results, ranked last
    by the index; written into the embedded text they would pull back up every product whose name says them,
    whatever kind the catalogue files it under (it files a few "Heels" as Flats). Kept when nothing else is left."""
    against = set(lexicon.types_against(wishes.wear))
    kept = [t for t in f.article_types if t not in against]
    return f.model_copy(update={"article_types": kept}) if kept and len(kept) < len(f.article_types) else f


def _finish(ctx: TurnContext, u: Understanding, filters: Filters, notes: list[str], *, fresh: bool) -> None:
    """Notes for words read by similarity, a clarifying question, and the text the ranking embeds."""
    vocab = ctx.vocab
    assert vocab is not None
    state = ctx.state
    for word, concept, _score in u.semantic:
        notes.append(f'I read "{word}" as {concept.label}.')
    ctx.pending = None
    if u.clarify is not None:
        c = u.clarify.concept
        ctx.pending = {"type": "concept", "kind": c.kind, "values": list(c.values), "label": c.label}
        notes.append(u.clarify.question)
    ctx.filters = filters
    keep_terms = u.query_terms or u.reset or fresh
    ctx.query_terms = u.query_terms if keep_terms else list(state.get("query_terms") or [])
    from .pipeline import describe, semantic_part

    # "comfortable shoes": with many types the description says "products"; the category word keeps the
    # ranking on shoes
    subs = {sub for _t, sub, _m in vocab.type_rows}
    named = [c for c in u.understood if c in subs] if len(filters.article_types) > 3 else []
    ctx.query_text = " ".join([describe(_embedded_kinds(semantic_part(filters), ctx.wishes)), *named,
                               *ctx.query_terms]).strip()
    if (filters.is_empty() and not ctx.query_terms and ctx.anchor_id is None and not ctx.compare_ids
            and ctx.outfit is None and not ctx.wishes):
        ctx.show_products = False


def understand_action(ctx: TurnContext, action: MoreLikeThis | Compare) -> TurnContext:
    """A card's button: the intent and its products arrive structured, so nothing is parsed. They go through the
    same anchor step as a typed "more like #2" or "compare 1 and 2", on the stored filters, wishes and terms."""
    state = ctx.state
    u = Understanding(intent="more_like" if isinstance(action, MoreLikeThis) else "compare")
    ctx.understanding, ctx.intent = u, u.intent
    ctx.carry = fold_carry(state.get("carry"), u)
    ctx.wishes = Wishes.from_public(state.get("wishes"))
    filters = Filters.from_public(state.get("filters"))
    ctx.notes = []
    _anchors(ctx, u, list(action.products()), filters, [int(i) for i in state.get("last_shown") or []])
    _finish(ctx, u, filters, ctx.notes, fresh=False)
    return ctx


def understand(ctx: TurnContext) -> TurnContext:
    ctx.snapshot = snap = get_snapshot()
    ctx.vocab = vocab = vocabulary_from_db(version=str(snap.stamp))
    if ctx.action is not None:
        return understand_action(ctx, ctx.action)
    state = ctx.state
    previous = Filters.from_public(state.get("filters"))
    shown: list[int] = [int(i) for i in state.get("last_shown") or []]
    pending_concept = _pending_concept(state)
    # A word nothing in the shop spells is read as the closest one that something does (the search box does
    # the same: assistant.search), and the reply says so.
    correction = correct_text(ctx.text, vocab, name_counts=snap.name_word_counts)
    u = parse_message(correction.text if correction else ctx.text, vocab, resolver=make_resolver(vocab),
                      pending=pending_concept, kind_in_context=bool(previous.article_types))
    ctx.understanding = u
    ctx.intent = u.intent
    pointed = state.get("pointed")
    refs = page_refs(ctx, u, resolve_refs(u, shown, snap, pointed=int(pointed) if pointed is not None else None))
    ctx.carry = fold_carry(state.get("carry"), u)
    ctx.wishes = Wishes.from_public(state.get("wishes"))
    if _non_search(ctx, u, refs) or _unreadable(ctx, u):
        return ctx
    relative = Relative(shown_prices=[p for p in (_price_of(snap, c) for c in shown) if p is not None],
                        referenced_price=_price_of(snap, refs[0]) if refs and u.intent in ("cheaper", "pricier")
                        else None)
    on_page = page_kind(snap, u, refs, state.get("page_product"))
    previous = on_page or previous
    fresh = u.reset or on_page is not None or is_new_topic(previous, u, vocab) is not None
    if fresh and relative["referenced_price"] is None:
        relative["shown_prices"] = []  # "cheap sneakers" after watches: cheap for sneakers (_middle_price)
    filters, notes = apply_understanding(previous, u, pending=pending_concept, vocab=vocab, carry=ctx.carry,
                                         **relative)
    if correction is not None:
        notes.insert(0, " ".join(f'I read "{typed}" as "{meant}".' for typed, meant in correction.changes))
    ctx.notes = notes
    _confirm_relax(ctx, u, filters, notes)
    filters = _with_llm(ctx, u, previous, filters, notes, relative)
    _person_fits(snap, filters, u, notes)
    _widen_shade(snap, filters, u, notes)
    _widen_kind(snap, filters, u, notes)
    if note := shoe_size_read(snap, vocab, filters, u, territory=ctx.territory):
        notes.append(note)
    _middle_price(snap, filters, u, notes, relative)
    _child_size(snap, filters, u, notes)
    ctx.wishes = fold_wishes(ctx.wishes, u, fresh=fresh)
    if note := _wish_note(ctx.wishes, u, filters):
        notes.append(note)
    _anchors(ctx, u, refs, filters, shown)
    _out_of_catalogue(ctx, u, filters)
    _finish(ctx, u, filters, notes, fresh=fresh)
    return ctx
