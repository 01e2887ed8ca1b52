"""Folding one message's understanding into the conversation's state, in small stages.

    topic (new topic or reset: fresh limits, keeping only the shopper's own size, budget and person) -> a confirmed
    clarification -> relaxed facets -> limits (a changed mind replaces the old value) -> prices -> relative
    prices ("cheaper") -> size;  wishes are folded separately (`fold_wishes`): they only ever rank.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import lexicon
from .parser import Understanding
from .schema import Filters
from .vocabulary import Concept, Vocabulary


@dataclass
class Wishes:
    """What the shopper would like but did not require: it orders the results and never filters them."""

    usages: list[str] = field(default_factory=list)
    seasons: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    wear: list[str] = field(default_factory=list)  # "comfort": kinds of product built against it rank last

    def to_public(self) -> dict[str, list[str]]:
        return {"usages": list(self.usages), "seasons": list(self.seasons), "words": list(self.words),
                "wear": list(self.wear)}

    @classmethod
    def from_public(cls, data: dict[str, Any] | None) -> Wishes:
        data = data or {}
        return cls(**{k: [str(v) for v in data.get(k) or []][:8] for k in ("usages", "seasons", "words", "wear")})

    def __bool__(self) -> bool:
        return bool(self.usages or self.seasons or self.wear)


def is_new_topic(previous: Filters, u: Understanding, vocab: Vocabulary | None) -> str | None:
    """Why this message starts a new request ("gift", "person", "product"), or None for a refinement."""
    if u.new_topic:
        return "gift"
    if u.add_mode:
        return None
    genders = u.set_values.get("genders")
    if genders and previous.genders and set(genders) != set(previous.genders):
        return "person"
    types = u.set_values.get("article_types")
    if types and previous.article_types and not set(types) & set(previous.article_types):
        groups = (vocab.type_group if vocab is not None else {})
        before = {groups.get(t, t) for t in previous.article_types}
        after = {groups.get(t, t) for t in types}
        if not before & after:  # heels -> flats is a change of mind; sneakers -> a dress is a new request
            return "product"
    return None


def _start(previous: Filters, u: Understanding, vocab: Vocabulary | None,
           carry: dict[str, Any] | None) -> tuple[Filters, list[str]]:
    if u.reset:
        return Filters(), ["Starting over."]
    why = is_new_topic(previous, u, vocab)
    if why is None:
        return previous.model_copy(deep=True), []
    f = Filters()
    carry = carry or {}
    kept = []
    if why == "product" and not u.set_values.get("genders"):
        f.genders = carried_person(previous, u, carry)
        if f.genders and not u.continues:
            kept.append("that it's for " + " and ".join(g.lower() for g in f.genders))
    if carry.get("size") and not u.size:
        f.size = carry["size"]
        kept.append(f"your size {f.size}")
    if carry.get("max_price") and u.max_price is None and u.min_price is None:
        f.max_price = Decimal(carry["max_price"])
        kept.append(f"your budget of ${f.max_price}")
    notes = ["New search" + (f": I kept {' and '.join(kept)}." if kept else ".")] if previous != Filters() else []
    return f, notes


def carried_person(previous: Filters, u: Understanding, carry: dict[str, Any]) -> list[str]:
    """Who a new kind of product is for when the message doesn't say. A person belongs to the request it was
    named in: "and belts?" continues that request (same person); a bare new kind of product ("trainers for
    running" after "a kurta for her") is a new request, for the shopper themselves if they said who they are
    ("I'm a woman"), else for anyone. (Whether the catalogue sells the new kind for a kept person at all is
    turn_understand._person_fits.)"""
    if u.continues:
        return list(previous.genders)
    return [str(g) for g in carry.get("genders") or []]


def _confirm(f: Filters, u: Understanding, pending: Concept | None) -> None:
    if pending is not None and u.confirm:
        key = {"category": "article_types"}.get(pending.kind, pending.kind + "s")
        setattr(f, key, list(pending.values))


def _relax(f: Filters, u: Understanding, notes: list[str]) -> None:
    for facet in sorted(u.relax):
        if facet == "price":
            f.min_price = f.max_price = None
        elif facet == "size":
            f.size = None
        elif facet == "brands":
            f.brands, f.exclude_brands = [], []
        elif facet == "colours":
            f.colours = []
        else:
            setattr(f, facet, [])
        notes.append(f"any {facet.rstrip('s').replace('_', ' ')}")


def _limits(f: Filters, u: Understanding, notes: list[str]) -> None:
    for key, values in u.set_values.items():
        current = getattr(f, key)
        setattr(f, key, current + [v for v in values if v not in current] if u.add_mode and current else list(values))
        if key == "colours":
            f.exclude_colours = [c for c in f.exclude_colours if c not in values]
    _age(f, u, notes)
    f.exclude_colours += [c for c in u.exclude_colours if c not in f.exclude_colours]
    f.colours = [c for c in f.colours if c not in f.exclude_colours]
    f.exclude_brands += [b for b in u.exclude_brands if b not in f.exclude_brands]
    f.brands = [b for b in f.brands if b not in f.exclude_brands]
    f.exclude_words += [w for w in u.exclude_words if w not in f.exclude_words]
    if u.contradictions:
        said = " or ".join(sorted({c.lower() for c in u.contradictions}))
        notes.append(f"You asked for {said} and also not {said}; I left {said} out.")


def _age(f: Filters, u: Understanding, notes: list[str]) -> None:
    """An age narrows who it is for ("he's 8" after "shirts for my son"; "for a 10 year old"); a kinship word
    without one leaves both ages, and the reply says how to narrow it."""
    if u.age is not None and "genders" not in u.set_values:
        f.genders = lexicon.genders_at_age(f.genders, u.age) if f.genders else lexicon.person_genders(None, u.age)
    stated = u.set_values.get("genders", [])
    if u.age is None and stated:
        people = [lexicon.PERSON_OF[g] for g in stated if g in lexicon.PERSON_OF]
        for sex in sorted({s for s, _a in people}):
            if {(sex, "adult"), (sex, "child")} <= set(people):
                pronoun = "he" if sex == "male" else "she"
                notes.append(f"Adults' and children's ranges both, since I don't know how old {pronoun} is: "
                             f"say the age to narrow it.")


def _prices(f: Filters, previous: Filters, u: Understanding) -> None:
    if u.min_price is None and u.max_price is None:
        return
    f.min_price, f.max_price = u.min_price, u.max_price
    if u.reset:
        return
    if u.min_price is None and previous.min_price is not None and (u.max_price or 0) > previous.min_price:
        f.min_price = previous.min_price
    if u.max_price is None and previous.max_price is not None and previous.max_price > (u.min_price or 0):
        f.max_price = previous.max_price


def _median(prices: list[Decimal]) -> Decimal | None:
    ordered = sorted(prices)
    return ordered[len(ordered) // 2] if ordered else None


def _relative_price(f: Filters, u: Understanding, shown_prices: list[Decimal] | None,
                    referenced_price: Decimal | None, notes: list[str]) -> None:
    base = referenced_price if referenced_price is not None else _median(shown_prices or [])
    if base is None:
        return
    if u.intent == "cheaper" and u.max_price is None:
        f.max_price = (base - Decimal("0.01")).quantize(Decimal("0.01"))
        if f.min_price is not None and f.min_price > f.max_price:
            f.min_price = None
        notes.append(f"Cheaper than ${base}.")
    elif u.intent == "pricier" and u.min_price is None:
        f.min_price = (base + Decimal("0.01")).quantize(Decimal("0.01"))
        if f.max_price is not None and f.max_price < f.min_price:
            f.max_price = None


def apply_understanding(filters: Filters, u: Understanding, *, pending: Concept | None = None,
                        shown_prices: list[Decimal] | None = None, referenced_price: Decimal | None = None,
                        vocab: Vocabulary | None = None,
                        carry: dict[str, Any] | None = None) -> tuple[Filters, list[str]]:
    """Fold a message into the limits. Returns the new limits and notes about what changed."""
    f, notes = _start(filters, u, vocab, carry)
    _confirm(f, u, pending)
    _relax(f, u, notes)
    _limits(f, u, notes)
    _prices(f, filters, u)
    _relative_price(f, u, shown_prices, referenced_price, notes)
    if u.size:
        f.size = u.size
    return f, notes


def fold_wishes(previous: Wishes, u: Understanding, *, fresh: bool) -> Wishes:
    """New wishes replace the old ones (a changed mind); a new topic or reset forgets them."""
    if u.wishes or u.seasons or u.wear:
        return Wishes(usages=list(u.wishes), seasons=list(u.seasons), words=list(u.wish_words), wear=list(u.wear))
    return Wishes() if fresh else previous


def fold_carry(carry: dict[str, Any] | None, u: Understanding) -> dict[str, Any]:
    """The size, budget and person the shopper said are theirs: they follow a new kind of product."""
    out = dict(carry or {})
    if u.own_size and u.size:
        out["size"] = u.size
    if u.own_budget and u.max_price is not None:
        out["max_price"] = str(u.max_price)
    if u.own_person and u.set_values.get("genders"):
        out["genders"] = list(u.set_values["genders"])
    return out
