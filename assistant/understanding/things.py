"""Words for things that the catalogue's own labels misread or miss.

Colour words that name a thing: "a jar of mustard", "tomato paste", "do you sell mustard?".

The published colour vocabulary borrows many names from things (mustard, tomato, olive, salmon, wine). Such a word
is read as a thing, not a colour, when the parse says it heads what the shopper asks for:

- nothing in the message names a kind of product;
- it is no basic colour term: Berlin and Kay's eleven and the catalogue's colour-family heads ("black",
  "beige", "mustard yellow") are colours wherever they stand;
- it stands where a noun does: right after a determiner or a request word ("a", "some", "of", "sell",
  "need"), or before a word the catalogue doesn't know that it modifies ("tomato paste"). When the conversation
  already has a kind, only the last and "of" count ("a jar of mustard"): "do you have mustard?" about kurtas asks
  for the colour.

"a mustard kurta" (a kind follows), "mustard yellow scarf" (a family head), "in mustard", "a mustard one" stay
colours. The words read as a thing go to the out-of-catalogue check (turn_understand), which decides whether the
shop sells anything like them.

Kinds of product the catalogue doesn't spell ("fedoras", "a parka", "chinos"): a published vocabulary, WordNet's
hypernyms (data/kinds/, built by scripts/build_kinds.py), says which kind the shop sells they are a kind of.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

from . import lexicon
from .vocabulary import Concept, Vocabulary

if TYPE_CHECKING:
    from .concepts import Scan

# Words after which a noun phrase starts: determiners, quantities ("a jar of"), request verbs.
NOUN_BEFORE = frozenset("a an some any of sell sells selling buy need want have get stock carry".split())
# After a colour word, these make it a colour ("a mustard one", "tomato coloured", "in a mustard shade").
COLOUR_CONTEXT = frozenset({"colour", "color", "coloured", "colored", "tone", "toned", "shade", "one", "ones"})


def _span(scan: Scan, pos: int, concept: Concept, vocab: Vocabulary) -> int:
    """How many tokens the concept found at `pos` covers (the longest phrase that reads as it)."""
    for n in range(min(vocab.max_ngram, len(scan.toks) - pos), 0, -1):
        if concept in (vocab.lookup(scan.toks[pos:pos + n]) or []):
            return n
    return 1


# Berlin and Kay's eleven basic colour terms (Basic Color Terms, 1969): colours wherever they stand.
BASIC_COLOUR_TERMS = frozenset("black white red green yellow blue brown purple pink orange grey gray".split())


def _family_heads() -> frozenset[str]:
    return frozenset({head.lower() for head in lexicon.COLOUR_FAMILIES}) | BASIC_COLOUR_TERMS


def _heads_a_thing(scan: Scan, pos: int, n: int, vocab: Vocabulary, *, kind_in_context: bool) -> bool:
    toks = scan.toks
    if toks[pos + n - 1] in _family_heads():
        return False
    before = toks[pos - 1] if pos else ""
    after = toks[pos + n] if pos + n < len(toks) else ""
    if before == "in" or after in COLOUR_CONTEXT:
        return False
    modifies_unknown = (after.isalpha() and len(after) >= 3 and not scan.consumed[pos + n]
                        and after not in lexicon.STOPWORDS and after not in lexicon.DESCRIPTIVE_WORDS
                        and after not in vocab.name_words)
    if kind_in_context:  # "do you have mustard?" about kurtas is the colour; "a jar of mustard" is still a thing
        return modifies_unknown or before == "of"
    return modifies_unknown or before in NOUN_BEFORE


def colour_things(scan: Scan, vocab: Vocabulary, *, kind_in_context: bool = False) -> list[str]:
    """Colour words in `scan` that head a thing asked for: taken out of the found concepts and left unconsumed
    (so they reach the leftovers as words the catalogue doesn't know). Returns the thing's words: the colour
    word and the unknown words right after it ("tomato paste")."""
    if any(c.kind in ("article_type", "category") for _p, c, _neg in scan.found):
        return []
    thing: list[str] = []
    for pos, concept, negated in list(scan.found):
        if concept.kind != "colour" or negated:
            continue
        n = _span(scan, pos, concept, vocab)
        if not _heads_a_thing(scan, pos, n, vocab, kind_in_context=kind_in_context):
            continue
        scan.found = [f for f in scan.found if f[0] != pos]
        for k in range(pos, pos + n):
            scan.consumed[k] = False
        thing = scan.toks[pos:pos + n]
        j = pos + n
        while j < len(scan.toks) and scan.toks[j].isalpha() and not scan.consumed[j] \
                and scan.toks[j] not in lexicon.STOPWORDS:
            thing.append(scan.toks[j])
            j += 1
        break  # one thing per message
    return thing


# --- kinds the catalogue doesn't spell ---------------------------------------------------------------------

KINDS_FILE = Path(__file__).resolve().parents[2] / "data" / "kinds" / "wordnet-kinds.json"
# A sold word standing for more kinds than this is a department ("accessory"), not a kind a word is one of.
MAX_KIND_TYPES = 12


@functools.cache
def _kinds() -> dict[str, list[str]]:
    """WordNet nouns -> the sold kinds they are hyponyms of ("fedora" -> ["hat"]); scripts/build_kinds.py."""
    return dict(json.loads(KINDS_FILE.read_text())["kinds"])


def _lemmas(word: str) -> list[str]:
    """The word and the singulars WordNet's own suffix rules (morphy) give it: "fedoras" -> "fedora"."""
    out = [word]
    for old, new in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("ses", "s"), ("xes", "x"), ("s", "")):
        if word.endswith(old) and len(word) > len(old) + 2:
            out.append(word[: len(word) - len(old)] + new)
    return out


def _sold_concept(sold: str, vocab: Vocabulary) -> Concept | None:
    for form in (sold, sold + "s", sold + "es"):
        for c in vocab.lookup(form.split()) or []:
            if c.kind in ("article_type", "category") and len(c.values) <= MAX_KIND_TYPES:
                return c
    return None


def kind_of(words: list[str], vocab: Vocabulary) -> tuple[str, Concept] | None:
    """The catalogue kind that words the catalogue doesn't know are a kind of, by WordNet's hypernyms: the whole
    run first ("duffel coat"), then each word from the last (an English noun phrase ends in its head)."""
    kinds = _kinds()
    candidates = ([" ".join(words)] if 1 < len(words) <= 3 else []) + list(reversed(words))
    for cand in candidates:
        for lemma in _lemmas(cand):
            for sold in kinds.get(lemma, []):
                concept = _sold_concept(sold, vocab)
                if concept is not None:
                    label = f"a kind of {sold}: {concept.label}"
                    return cand, Concept(concept.kind, concept.values, label)
    return None
