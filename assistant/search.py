"""The shop's search box, read by the chat's own understanding and ranked in the chat's own index.

Registered with `shop.search.on_search` in AssistantConfig.ready(). A query is read like a chat message that
starts a conversation: words the catalogue does not know are corrected to the closest word it does
(understanding/spelling.py: "snekers" -> "sneakers"), then the parser reads kinds, colours (published colour
names, their families), brands, who it is for, prices and sizes as exact limits, occasions and seasons as
wishes. What is left:

- a word some product name carries and that names no attribute ("batman", "polo") is required in the name
  (`CatalogFilters.name_words`), as the literal search did; when that leaves nothing within the understood
  limits, it ranks instead and the page says so;
- a descriptive word (materials, patterns, fits: lexicon.DESCRIPTIVE_WORDS) ranks, never filters, as in the
  chat: "floral dress" lists every dress, floral ones first;
- a word no product carries and nothing corrects ranks nothing and the page says it was left out.

Relevance is the cosine between the product's vector and the query's (the same text the chat embeds: the
understood kind, colour, person and brand, and the descriptive words), plus the chat's bonuses for a wished
occasion or season and a small one per word of the query the product's name spells (the shopper's "sneakers"
before other casual shoes, "floral" dresses before other dresses); ties go to the lower catalogue id. A query that names nothing the shop knows is read literally (each word in the name).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.urls import reverse
from django.utils.http import urlencode

from shop.filters import CatalogFilters
from shop.search import SearchChip, SearchReading, literal_reading

from .lru import LRU
from .retrieval.embeddings import query_encoder
from .retrieval.index import Snapshot, get_snapshot
from .turn_understand import shoe_size_read
from .understanding import lexicon
from .understanding.dialogue import apply_understanding
from .understanding.parser import Understanding, parse_message
from .understanding.schema import Filters
from .understanding.semantic import make_resolver
from .understanding.spelling import correct_text
from .understanding.vocabulary import Vocabulary, normalise, tokens, vocabulary_from_db

# A word of the query the product's name spells ("floral", "sneakers") lifts it above those it only resembles;
# well below the occasion bonus (0.5), about the spread of cosines within one kind of product.
NAME_WORD_BONUS = 0.15
MAX_CHIP_WORDS = 12  # chips re-read the query once per word; longer queries show none
RANKINGS_KEPT = 32  # recent rankings kept per process: paging through one search embeds and sorts once

# Filters field -> (chip title, how its value reads)
_CHIP_FIELDS = (("genders", "For"), ("article_types", "Type"), ("colours", "Colour"), ("brands", "Brand"),
                ("usages", "Occasion"), ("exclude_colours", "Not"), ("exclude_brands", "Not brand"),
                ("min_price", "From"), ("max_price", "Up to"), ("size", "Size"))


@dataclass(frozen=True)
class _Plan:
    """What rank() needs of a reading: the text to embed and the bonuses."""

    text: str
    usages: tuple[str, ...] = ()
    seasons: tuple[str, ...] = ()
    bonus_words: tuple[str, ...] = ()


def _read_words(text: str, vocab: Vocabulary, snap: Snapshot) -> tuple[Understanding, Filters, str | None]:
    """The reading, its exact limits (a shoe size in UK or US numbers read as the catalogue's EU size; no country
    is known here, so a bare number is British), and the note that says how a size was read."""
    u = parse_message(text, vocab, resolver=make_resolver(vocab))
    f, _notes = apply_understanding(Filters(), u, vocab=vocab)
    return u, f, shoe_size_read(snap, vocab, f, u, territory=None)


def _colour_word(colours: list[str]) -> str:
    from .pipeline import _colour_words

    return _colour_words(colours).title()


def _kind_word(f: Filters, u: Understanding, vocab: Vocabulary) -> str:
    """The category the shopper named ("Shoes"), else the article types when they are few."""
    groups = {name for _t, sub, master in vocab.type_rows for name in (sub, master)}
    named = [label for label in u.understood if label in groups]
    if named and not (set(f.article_types) & {label for label in u.understood if label not in groups}):
        return named[0]
    return " or ".join(f.article_types) if 0 < len(f.article_types) <= 3 else ""


def _chips(words: list[str], f: Filters, vocab: Vocabulary, *, kind: str) -> tuple[SearchChip, ...]:
    """One chip per understood limit; removing it searches again without the words that said it (found by
    reading the query once without each word: the limits that change belong to that word). A size belongs to the
    words without which none is said (the query's may have been read as an EU shoe size, the re-readings' not).
    """
    if not 1 < len(words) <= MAX_CHIP_WORDS:
        return ()
    owners: dict[str, list[int]] = {}
    for i in range(len(words)):
        rest = " ".join(words[:i] + words[i + 1:])
        g, _n = apply_understanding(Filters(), parse_message(rest, vocab), vocab=vocab)
        for name, _title in _CHIP_FIELDS:
            changed = not g.size if name == "size" else getattr(g, name) != getattr(f, name)
            if getattr(f, name) and changed:
                owners.setdefault(name, []).append(i)
    chips = []
    for name, title in _CHIP_FIELDS:
        value = getattr(f, name)
        if not value or name not in owners:
            continue
        if name == "colours":
            shown = _colour_word(value)
        elif name == "article_types" and kind:
            shown = kind  # the category the shopper named ("Shoes"), not its five types
        elif isinstance(value, list):
            shown = " or ".join(value)
        else:
            shown = str(value)
        rest = " ".join(w for i, w in enumerate(words) if i not in owners[name])
        chips.append(SearchChip(label=f"{title}: {shown}", q=rest))
    return tuple(chips)


def _leftovers(u: Understanding, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """(words a product's name must carry, words nothing in the shop carries) of what the parser left."""
    plain = [t for t in u.query_terms if t not in lexicon.DESCRIPTIVE_WORDS]
    return [t for t in plain if t in vocab.name_words], [t for t in plain if t not in vocab.name_words]


def _plan(text: str, u: Understanding, f: Filters, vocab: Vocabulary, *, unknown: list[str],
          required: list[str]) -> _Plan:
    """The understood limits in the chat's words, then the shopper's own ("running", "sneakers"): products
    named the way the shopper said it come first among equals."""
    from .pipeline import describe, semantic_part

    said = [t for t in tokens(normalise(text)) if t.isalpha() and t not in unknown]
    spelled = [t for t in said if t in vocab.name_words and t not in lexicon.STOPWORDS and t not in required]
    return _Plan(text=" ".join([describe(semantic_part(f)), *said]), usages=tuple(u.wishes),
                 seasons=tuple(u.seasons), bonus_words=tuple(dict.fromkeys(spelled)))


class AssistantSearch:
    """shop.search.SearchProvider: the chat's understanding and index behind the search box."""

    def __init__(self) -> None:
        self._rankings: LRU[tuple[Any, ...], list[int]] = LRU()

    def read(self, *, q: str, filters: CatalogFilters) -> SearchReading:
        snap = get_snapshot()
        vocab = vocabulary_from_db(version=str(snap.stamp))
        correction = correct_text(q, vocab, name_counts=snap.name_word_counts)
        text = correction.text if correction is not None else q
        u, f, sized = _read_words(text, vocab, snap)
        required, unknown = _leftovers(u, vocab)
        understood = not f.is_empty()
        if not understood and not required and u.wishes:
            f.usages = list(u.wishes)  # "for a wedding": the occasion is all there is to search by
            understood = True
        if not understood and not required:
            return replace(literal_reading(q, q.split()), assistant_url=_assistant_url(q))
        notes: list[str] = [sized] if sized else []
        limits = replace(f.to_catalog(), name_words=tuple(required))
        if required and understood and not self._any(snap, limits, filters) and self._any(
                snap, f.to_catalog(), filters):
            limits = f.to_catalog()
            notes.append(f"No product name here has “{' '.join(required)}”; these come closest.")
            required = []
        if unknown:
            notes.append(f"Nothing in the shop is called “{' '.join(unknown)}”, so it was left out.")
        kind = _kind_word(f, u, vocab)
        return SearchReading(
            q=text if correction is not None else q, limits=limits, corrected_from=q if correction else "",
            gender=f.genders[0] if len(f.genders) == 1 else "", colour=_colour_word(f.colours),
            kind=kind, brand=" or ".join(f.brands), usage=" or ".join(f.usages),
            matching=" ".join(required), understood=understood,
            chips=_chips(tokens(normalise(text)), f, vocab, kind=kind), notes=tuple(notes),
            assistant_url=_assistant_url(q),
            context=_plan(text, u, f, vocab, unknown=unknown, required=required),
        )

    @staticmethod
    def _any(snap: Snapshot, limits: CatalogFilters, filters: CatalogFilters) -> bool:
        return bool((snap.mask_catalog(limits) & snap.mask_catalog(filters)).any())

    def rank(self, *, reading: SearchReading, filters: CatalogFilters) -> Sequence[int] | None:
        plan = reading.context
        snap = get_snapshot()
        if not isinstance(plan, _Plan) or not snap.version:
            return None  # a literal reading, or no vectors yet: the shop orders them itself
        key = (snap.stamp, snap.version, reading.limits, filters, plan)
        hit = self._rankings.get(key)
        if hit is not None:
            return hit
        ranked = self._rank(snap, plan, reading.limits, filters)
        self._rankings.put(key, ranked, capacity=RANKINGS_KEPT)
        return ranked

    @staticmethod
    def _rank(snap: Snapshot, plan: _Plan, limits: CatalogFilters, filters: CatalogFilters) -> list[int]:
        rows = np.flatnonzero(snap.mask_catalog(limits) & snap.mask_catalog(filters))
        if rows.size == 0:
            return []
        scores = snap.vectors[rows] @ query_encoder(plan.text or "fashion")
        boost = snap.wish_boost(usages=list(plan.usages), seasons=list(plan.seasons))
        if boost is not None:
            scores = scores + boost[rows]
        for word in plan.bonus_words:
            scores = scores + NAME_WORD_BONUS * snap.name_has(word)[rows]
        order = np.lexsort((snap.catalog_ids[rows], -np.round(scores, 6)))
        return [int(c) for c in snap.catalog_ids[rows[order]]]


def _assistant_url(q: str) -> str:
    return reverse("assistant:page") + "?" + urlencode({"q": q})


search_provider = AssistantSearch()
