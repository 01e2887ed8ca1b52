"""Stage 5 of reading a message: the catalogue's concepts in it, each with whether a negation scopes over it.

Longest match of the vocabulary's phrases over the tokens; a negation cue ("not", "no", "without", "hate", ...)
opens a scope over what follows, and a pain verb makes what hurts no wish ("heels hurt", "hurt in heels").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexicon
from .patterns import NEGATION_CARRY, NEGATION_CUES, PAIN_VERBS, WEATHER_SEASONS
from .things import COLOUR_CONTEXT
from .vocabulary import Concept, Vocabulary, tokens

_KINDS = ("article_type", "category")  # concepts that name a kind of product


@dataclass
class Scan:
    toks: list[str]
    consumed: list[bool]
    found: list[tuple[int, Concept, bool]] = field(default_factory=list)  # (position, concept, negated)
    negated_words: list[str] = field(default_factory=list)  # unmatched words inside a negation's scope
    purpose_words: list[str] = field(default_factory=list)  # a kind named as what the wanted one is for


def _negation_starts(toks: list[str], i: int) -> bool | None:
    """True/False when toks[i] opens/closes a negation scope, None when it is no cue."""
    tok = toks[i]
    if tok not in NEGATION_CUES:
        return None
    if tok == "but":  # "anything but" negates; "red but not blue" only separates
        return i > 0 and toks[i - 1] in ("anything", "everything", "all", "nothing")
    if tok == "no" and i + 1 < len(toks) and toks[i + 1] in ",.;!?":
        return False
    return True


def _colour_context(scan: Scan, i: int, n: int, vocab: Vocabulary) -> bool:
    """A one-word survey colour name ("sand", "coral") is a colour next to a product or colour word."""
    toks = scan.toks
    after = toks[i + n] if i + n < len(toks) else ""
    before = toks[i - 1] if i > 0 else ""
    if after in COLOUR_CONTEXT or before == "in" or before in NEGATION_CUES:
        return True
    content = [t for t in toks if t.isalpha() and t not in lexicon.STOPWORDS]
    if len(content) == n:  # the whole message is the colour ("scarlet?")
        return True
    for word in (after, " ".join(toks[i + n:i + n + 2])):
        hit = vocab.lookup(word.split()) if word else None
        if hit and hit[0].kind in ("article_type", "category", "colour") and not hit[0].weak:
            return True
    return bool(scan.found and scan.found[-1][1].kind == "colour" and before in ("and", "or", ","))


def _match_at(scan: Scan, i: int, vocab: Vocabulary) -> tuple[int, list[Concept]] | None:
    toks = scan.toks
    for n in range(min(vocab.max_ngram, len(toks) - i), 0, -1):
        words = toks[i: i + n]
        if any(w in ",.;!?" for w in words):
            continue
        concepts = vocab.lookup(words)
        if concepts and concepts[0].weak and not _colour_context(scan, i, n, vocab):
            continue
        if concepts:
            return n, concepts
    return None


def _read_pain_verb(scan: Scan, i: int, negating: bool) -> bool:
    """At a pain verb: its subject is not wanted, nor what follows "in" ("my feet hurt in heels"), unless the verb
    is itself negated ("shoes that don't hurt"). Returns whether a negation scope is open after it."""
    scan.consumed[i] = True
    toks = scan.toks
    if i > 0 and toks[i - 1] in NEGATION_CUES:
        return negating
    _negate_subject(scan, i)
    return negating or (i + 1 < len(toks) and toks[i + 1] == "in")


def _negate_subject(scan: Scan, i: int) -> None:
    """A kind of product just before a pain verb ("heels hurt", "high heels really hurt") is what hurts: not
    wanted."""
    if not scan.found or scan.found[-1][0] < i - 3:
        return
    last = scan.found[-1][0]
    scan.found[:] = [(pos, c, neg or (pos == last and c.kind in _KINDS))
                     for pos, c, neg in scan.found]


_DETERMINERS = frozenset({"a", "an", "the", "my", "your", "his", "her", "their", "our", "some"})


def _names_a_purpose(scan: Scan, i: int, concepts: list[Concept]) -> bool:
    """A kind after "for" that follows a kind already asked for is what that one is for, not a second thing to
    buy: "a belt for my jeans", "socks for sneakers", "shoes for football". Its words still rank."""
    toks = scan.toks
    j = i - 1 if i > 0 and toks[i - 1] not in _DETERMINERS else i - 2
    return (concepts[0].kind in _KINDS and j >= 0 and toks[j] == "for"
            and any(c.kind in _KINDS and not neg for _pos, c, neg in scan.found))


def read_concepts(work: str, vocab: Vocabulary) -> Scan:
    """Longest match of the catalogue's phrases; a negation cue scopes over what follows."""
    work = re.sub(r"\b(?:stay away from|steer clear of|keep away from|rather not|anything other than|"
                  r"not a fan of|not into|not keen on|no more|tired of|sick of|fed up with)\b", " not ", work)
    for weather, season in WEATHER_SEASONS:
        work = weather.sub(f" {season} ", work)
    toks = tokens(work)
    scan = Scan(toks=toks, consumed=[False] * len(toks))
    negating = False
    i = 0
    while i < len(toks):
        if toks[i] in PAIN_VERBS:
            negating = _read_pain_verb(scan, i, negating)
            i += 1
            continue
        cue = _negation_starts(toks, i)
        if cue is not None:
            negating = cue
            scan.consumed[i] = True
            i += 1
            continue
        if toks[i] == "other" and i + 1 < len(toks) and toks[i + 1] == "than":
            negating = True
            scan.consumed[i] = scan.consumed[i + 1] = True
            i += 2
            continue
        hit = _match_at(scan, i, vocab)
        if hit is None:
            if negating and toks[i].isalpha() and toks[i] not in NEGATION_CARRY and toks[i] not in lexicon.STOPWORDS:
                scan.negated_words.append(toks[i])
                scan.consumed[i] = True
            elif negating and toks[i] not in NEGATION_CARRY:
                negating = False
            i += 1
            continue
        n, concepts = hit
        if _names_a_purpose(scan, i, concepts):
            scan.purpose_words.extend(toks[i:i + n])
            scan.consumed[i:i + n] = [True] * n
            i += n
            continue
        if negating and concepts[0].kind not in ("colour", "brand") and scan.found and scan.found[-1][2]:
            negating = False  # "not black tees": the garment after a negated colour is still wanted
        scan.found.extend((i, c, negating) for c in concepts)
        for k in range(i, i + n):
            scan.consumed[k] = True
        i += n
    return scan
