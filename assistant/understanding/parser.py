"""Rule-based understanding of one shopper message against the dialogue state.

Pipeline: normalise -> prices, sizes, reset/relax/intent phrases -> longest-match phrase table (catalogue
vocabulary + fashion lexicon) with negation scope -> embedding fallback for leftover words -> an
`Understanding` that `apply_understanding` folds into the state.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from . import lexicon
from .schema import Filters
from .vocabulary import Concept, Vocabulary, normalise, tokens

MONEY = r"\$?\s*(\d+(?:\.\d{1,2})?)\s*(?:\$|usd|dollars?|bucks)?"
_MAX_PATTERNS = [
    rf"\b(?:no pricier than|not pricier than|no more expensive than|not more expensive than|less expensive than|"
    rf"keep it (?:under|below)|stay(?:ing)? (?:under|below)|sub|shy of|"
    rf"nothing (?:over|above|more than|pricier than|higher than|costlier than)|none over|not costing more than|"
    rf"under|below|beneath|less than(?: or equal to)?|lower than|cheaper than|up to|upto|max(?:imum)?(?: of)?|at most|"
    rf"no more than|not more than|not over|not above|no higher than|within(?: a budget of)?|budget(?: of| is)?|"
    rf"for less than|for under|tops|capped at|limit(?: of| is)?)\s*(?:of\s*)?{MONEY}",
    rf"(?:<=|<|≤)\s*{MONEY}",
    rf"{MONEY}\s*(?:or less|or under|or below|or cheaper|and under|and below|max(?:imum)?|tops|at most|limit)\b",
]
_MIN_PATTERNS = [
    rf"\b(?:over|above|more than|at least|min(?:imum)?(?: of)?|starting (?:at|from)|greater than|upwards of|"
    rf"no less than|not less than|higher than|pricier than)\s*{MONEY}",
    rf"(?:>=|>|≥)\s*{MONEY}",
    rf"{MONEY}\s*(?:or more|and up|and above|or above|plus|\+)",
]
_RANGE_PATTERNS = [
    rf"\bbetween\s*{MONEY}\s*(?:and|to|-|–)\s*{MONEY}",
    rf"\bfrom\s*{MONEY}\s*(?:to|-|–|and)\s*{MONEY}",
    rf"\$\s*(\d+(?:\.\d{{1,2}})?)\s*(?:-|–|to)\s*\$?\s*(\d+(?:\.\d{{1,2}})?)",
    rf"\b(\d+(?:\.\d{{1,2}})?)\s*(?:-|–|to)\s*(\d+(?:\.\d{{1,2}})?)\s*(?:\$|usd|dollars?|bucks)",
]
_AROUND = rf"\b(?:around|about|roughly|approximately|approx|near|close to|~)\s*{MONEY}"
_BARE_MONEY = r"(?:\$\s*(\d+(?:\.\d{1,2})?)|\b(\d+(?:\.\d{1,2})?)\s*(?:usd|dollars?|bucks)\b)"

SIZE_TOKEN = r"(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|\d{1,2}(?:\.5)?|\d{1,2}-\d{1,2}y|extra small|small|medium|large|extra large)"
_SIZE_PATTERNS = [
    rf"\bsize\s*(?:is\s*|of\s*|:\s*)?(?:uk\s*|eu\s*|us\s*)?{SIZE_TOKEN}\b",
    rf"\b(?:uk|eu|us)\s*(?:size\s*)?(\d{{1,2}})\b",
    r"\b(?:in|wear|wears|need|needs|take|takes)\s+(?:an?\s+|size\s+)?(xxs|xs|xl|xxl|xxxl|2xl|3xl|extra small|small|medium|large|extra large)\b",
    r"\b(xxs|xs|xl|xxl|xxxl|2xl|3xl)\b",
]

_FACETS: dict[str, str] = {
    "colours": r"colou?rs?|shades?|tones?",
    "price": r"prices?|budget|cost|money|spend(?:ing)?|price range|price limit",
    "size": r"sizes?|sizing",
    "brands": r"brands?|labels?|makers?",
    "genders": r"genders?",
    "usages": r"occasions?|usages?|uses?|purposes?|events?",
    "article_types": r"types?|kinds?|categor(?:y|ies)|products?|items?",
}
_RESET_RE = re.compile(
    r"\b(start (?:over|again|afresh|fresh|from scratch)|reset|new search|clear (?:all|everything|(?:the |my |all )?filters)"
    r"|forget (?:it|that|everything|all (?:of )?that|what i said)|from scratch|begin again|start a new search"
    r"|let ?s start again|never ?mind)\b"
)
_YES_RE = re.compile(r"^\s*(yes|yeah|yep|yup|sure|correct|right|exactly|thats right|that is right|y|ok|okay|please do|indeed|affirmative)\b")
_NO_RE = re.compile(r"^\s*(no|nope|nah|not really|wrong|incorrect|neither)\b\s*[,.!]?\s*$")
_COMPARE_RE = re.compile(r"\b(compare|comparison|vs|versus|difference between|differences between|which is better|side by side)\b")
_MORE_LIKE_RE = re.compile(r"\b(more like|similar(?: to)?|something like|others like|ones like|alternatives? (?:to|for)|same style as|like the)\b")
_CHEAPER_RE = re.compile(r"\b(cheaper|less expensive|more affordable|lower price[d]?|budget friendly|inexpensive|cheapest|lower priced)\b")
_PRICIER_RE = re.compile(r"\b(pricier|more expensive|higher end|fancier|more premium|luxury|upscale|premium)\b")
_ADD_RE = re.compile(r"\b(add|put|throw)\b.*\b(cart|bag|basket|trolley)\b")
_ADD_MODE_RE = re.compile(r"\b(also|too|as well|and also|in addition|plus|or)\b")

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10,
    "10th": 10, "last": -1, "final": -1, "latter": 2, "former": 1,
}
_REF_NUM_RE = re.compile(r"(?:#|\bnumber\s*|\bno\.?\s*|\bitem\s*|\boption\s*|\bproduct\s*|\bcard\s*)(\d{1,2})\b")
_REF_WORD_RE = re.compile(r"\b(?:the\s+)?(" + "|".join(ORDINALS) + r")\b(?:\s+(?:one|item|pair|option|product|card|watch|shoe|shoes))?")
_THAT_RE = re.compile(r"\b(that one|this one|that|those|these|it)\b")

NEGATION_CUES = frozenset({"not", "no", "non", "without", "except", "excluding", "exclude", "avoid", "hate", "dont",
                           "nothing", "never", "minus", "but", "nor", "neither", "skip", "dislike", "isnt", "arent",
                           "apart", "aside", "besides", "nix", "ditch", "lose", "wont", "cant", "doesnt"})
NEGATION_CARRY = frozenset({"or", "and", "nor", ",", "any", "in", "want", "like", "the", "colou", "colour", "color",
                            "colours", "colors", "shade", "shades", "too", "please", "a", "anything", "stuff", "from",
                            "by", "made", "ones", "one", "items", "really", "do", "wanna", "need", "brand",
                            "brands", "either", "more", "of", "that", "is", "are", "thing", "things", "something",
                            "have", "get", "go", "with", "for", "see", "show", "wear", "much", "fan", "big", "keen",
                            "into", "liking", "coloured", "colored", "stay", "away", "steer", "clear", "at", "all",
                            "anymore", "again", "so", "an", "them", "me", "those", "these"})


@dataclass
class Clarification:
    question: str
    concept: Concept


@dataclass
class Understanding:
    """What one message says, before it is folded into the state."""

    reset: bool = False
    confirm: bool | None = None  # answer to a pending clarifying question
    set_values: dict[str, list[str]] = field(default_factory=dict)  # genders/article_types/colours/usages/brands
    add_mode: bool = False  # "also red" adds to the colours instead of replacing them
    exclude_colours: list[str] = field(default_factory=list)
    exclude_brands: list[str] = field(default_factory=list)
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    size: str | None = None
    relax: set[str] = field(default_factory=set)
    intent: str = "search"  # search | more_like | compare | cheaper | pricier | add_to_cart | greeting
    references: list[int] = field(default_factory=list)  # 1-based positions in the last shown list, -1 = last
    refers_to_shown: bool = False
    clarify: Clarification | None = None
    query_terms: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)  # human-readable notes ("colour: blue")
    semantic: list[tuple[str, Concept, float]] = field(default_factory=list)  # words resolved by embeddings

    @property
    def has_filters(self) -> bool:
        return bool(self.set_values or self.exclude_colours or self.exclude_brands or self.min_price is not None
                    or self.max_price is not None or self.size)


Resolver = Callable[[str, set[str]], tuple[Concept, float] | None]

# all-MiniLM-L6-v2 word-to-label cosines are noisy below ~0.8 ("attire" -> Dresses scores 0.76), so only
# near-certain matches are applied; the band below them earns a clarifying question instead.
ACCEPT_SIMILARITY = 0.80
ASK_SIMILARITY = 0.70


def _money(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


# Longest first, one after the other ("a hundred and fifty" before "hundred"); compiled once, and skipped
# altogether when no number word occurs (most messages): digits put in never make a word match.
_NUMBER_SUBS = [(re.compile(rf"\b{re.escape(word)}\b"), str(lexicon.NUMBER_WORDS[word]))
                for word in sorted(lexicon.NUMBER_WORDS, key=len, reverse=True)]
_ANY_NUMBER_WORD = re.compile("|".join(pattern.pattern for pattern, _ in _NUMBER_SUBS))


def _numbers_to_digits(text: str) -> str:
    if not _ANY_NUMBER_WORD.search(text):
        return text
    for pattern, digits in _NUMBER_SUBS:
        text = pattern.sub(digits, text)
    return text


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def parse_message(text: str, vocab: Vocabulary, *, resolver: Resolver | None = None,
                  pending: Concept | None = None) -> Understanding:
    u = Understanding()
    raw = normalise(text)[:1000]
    work = _numbers_to_digits(raw)

    if pending is not None:
        if _YES_RE.search(work):
            u.confirm = True
        elif _NO_RE.search(work):
            u.confirm = False

    if _RESET_RE.search(work):
        u.reset = True
        work = _RESET_RE.sub(" ", work)

    # Relaxing a facet ("any colour is fine", "price doesn't matter").
    for facet, words in _FACETS.items():
        patterns = [
            rf"\b(?:any|all|whatever|every|any old|other)\s+(?:{words})\b(?:\s+(?:is|are)\s+(?:fine|ok|okay|good))?",
            rf"\b(?:{words})\s+(?:is\s+|are\s+)?(?:doesnt|does not|dont|do not|wont|will not|isnt|is not)\s+(?:really\s+)?(?:matter|important|an issue)\b",
            rf"\b(?:dont|do not|doesnt|does not)\s+(?:really\s+)?care\s+(?:about|for|what|which|much about)\s+(?:the\s+)?(?:{words})\b",
            rf"\bno\s+(?:{words})\s+(?:preference|limit|restriction|requirement)s?\b",
            rf"\b(?:regardless of|ignore|forget(?: about)?|drop|remove|clear|lose|scrap|without)\s+(?:the\s+|a\s+|any\s+|my\s+)?(?:{words})(?:\s+(?:filter|limit|cap|restriction|preference))?\b",
            rf"\b(?:{words})\s+(?:is\s+|are\s+)?(?:flexible|open|not important|whatever|fine either way)\b",
        ]
        for pat in patterns:
            m = re.search(pat, work)
            if m:
                u.relax.add(facet)
                work = _blank(work, m.span())
    if re.search(r"\b(no budget|no (?:price )?limit|money is no object|any budget|sky is the limit)\b", work):
        u.relax.add("price")
        work = re.sub(r"\b(no budget|no (?:price )?limit|money is no object|any budget|sky is the limit)\b", " ", work)
    if re.search(r"\b(for anyone|any gender|for everyone|for all genders)\b", work):
        u.relax.add("genders")

    # Intent phrases.
    if _ADD_RE.search(work):
        u.intent = "add_to_cart"
    elif _COMPARE_RE.search(work):
        u.intent = "compare"
    elif _MORE_LIKE_RE.search(work):
        u.intent = "more_like"
    if _CHEAPER_RE.search(work) and not re.search(MONEY.replace(r"\$?\s*", r"\$\s*"), work):
        u.intent = "cheaper" if u.intent == "search" else u.intent
        u.understood.append("cheaper")
        work = _CHEAPER_RE.sub(" ", work)
    elif _PRICIER_RE.search(work) and not re.search(r"\d", work):
        u.intent = "pricier" if u.intent == "search" else u.intent
        work = _PRICIER_RE.sub(" ", work)

    # Prices: ranges first, then caps and floors, then "around", then a bare amount as a budget.
    for pat in _RANGE_PATTERNS:
        m = re.search(pat, work)
        if m:
            lo, hi = sorted((_money(m.group(1)), _money(m.group(2))))
            u.min_price, u.max_price = lo, hi
            work = _blank(work, m.span())
            break
    if u.max_price is None:
        for pat in _MAX_PATTERNS:
            m = re.search(pat, work)
            if m:
                u.max_price = _money(m.group(1))
                work = _blank(work, m.span())
                break
    if u.min_price is None:
        for pat in _MIN_PATTERNS:
            m = re.search(pat, work)
            if m:
                u.min_price = _money(m.group(1))
                work = _blank(work, m.span())
                break
    if u.min_price is None and u.max_price is None:
        m = re.search(_AROUND, work)
        if m and (("$" in m.group(0)) or re.search(r"dollar|buck|usd|price|cost|spend|budget", work)):
            centre = _money(m.group(1))
            u.min_price, u.max_price = (centre * Decimal("0.8")).quantize(Decimal("0.01")), (centre * Decimal("1.2")).quantize(Decimal("0.01"))
            work = _blank(work, m.span())
        else:
            m = re.search(_BARE_MONEY, work)
            if m:
                u.max_price = _money(m.group(1) or m.group(2))
                work = _blank(work, m.span())

    # Sizes.
    for pat in _SIZE_PATTERNS:
        m = re.search(pat, work)
        if m:
            word = m.group(1).strip()
            size = lexicon.SIZE_WORDS.get(word, word.upper())
            if vocab.sizes and size not in vocab.sizes and size.upper() in vocab.sizes:
                size = size.upper()
            u.size = size
            work = _blank(work, m.span())
            break

    # References to shown products.
    for m in _REF_NUM_RE.finditer(work):
        u.references.append(int(m.group(1)))
        work = _blank(work, m.span())
    for m in _REF_WORD_RE.finditer(work):
        u.references.append(ORDINALS[m.group(1)])
        work = _blank(work, m.span())
    if _THAT_RE.search(work) and u.intent in ("cheaper", "pricier", "more_like", "add_to_cart", "compare"):
        u.refers_to_shown = True

    work = re.sub(r"\b(?:stay away from|steer clear of|keep away from|rather not|anything other than|"
                  r"not a fan of|not into|not keen on|no more)\b", " not ", work)
    toks = tokens(work)
    consumed = [False] * len(toks)
    found: list[tuple[int, Concept, bool]] = []  # (position, concept, negated)
    negating = False
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok in NEGATION_CUES:
            # "anything but", "other than", "no" -> what follows is excluded
            if tok == "but" and not (i > 0 and toks[i - 1] in ("anything", "everything", "all", "nothing")):
                negating = False
            elif tok == "no" and i + 1 < len(toks) and toks[i + 1] in ",.;!?":
                negating = False
            else:
                negating = True
            consumed[i] = True
            i += 1
            continue
        if tok == "other" and i + 1 < len(toks) and toks[i + 1] == "than":
            negating = True
            consumed[i] = consumed[i + 1] = True
            i += 2
            continue
        matched = False
        for n in range(min(vocab.max_ngram, len(toks) - i), 0, -1):
            words = toks[i : i + n]
            if any(w in ",.;!?" for w in words):
                continue
            concepts = vocab.lookup(words)
            if concepts:
                if negating and concepts[0].kind not in ("colour", "brand") and found and found[-1][2]:
                    # "not black tees": the garment after a negated colour is still wanted
                    negating = False
                for c in concepts:
                    found.append((i, c, negating))
                for k in range(i, i + n):
                    consumed[k] = True
                i += n
                matched = True
                break
        if matched:
            continue
        if negating and tok not in NEGATION_CARRY:
            negating = False
        i += 1

    # "non-black", "no red": negated colours and brands are exclusions; anything else negated is dropped.
    new_values: dict[str, list[str]] = {}
    for _pos, c, neg in found:
        if neg:
            if c.kind == "colour":
                u.exclude_colours.extend(v for v in c.values if v not in u.exclude_colours)
                u.understood.append(f"not {c.label}")
            elif c.kind == "brand":
                u.exclude_brands.extend(v for v in c.values if v not in u.exclude_brands)
                u.understood.append(f"not {c.label}")
            continue
        key = {"category": "article_types"}.get(c.kind, c.kind + "s")
        bucket = new_values.setdefault(key, [])
        bucket.extend(v for v in c.values if v not in bucket)
        u.understood.append(c.label)

    # "shoes for the office": a broad category plus an occasion names one article type when the
    # catalogue has "<occasion> <category>" (Formal Shoes, Sports Shoes, Casual Shoes).
    cat_concepts = [c for _p, c, neg in found if c.kind == "category" and not neg]
    if cat_concepts and "usages" in new_values and not any(c.kind == "article_type" for _p, c, _n in found):
        specific = []
        for usage in new_values["usages"]:
            for cat in cat_concepts:
                name = f"{usage} {cat.label}"
                if name in vocab.article_types:
                    specific.append(name)
        if specific:
            new_values["article_types"] = specific
            del new_values["usages"]
    # An explicit article type beats a broad category in the same message ("sports shoes" + "footwear").
    if any(c.kind == "article_type" for _p, c, n in found if not n) and cat_concepts:
        new_values["article_types"] = [v for _p, c, n in found if c.kind == "article_type" and not n for v in c.values]
    # "denim" names the cloth, but on its own ("a denim for him") shoppers mean jeans.
    if "article_types" not in new_values and "denim" in toks and "Jeans" in vocab.article_types:
        new_values["article_types"] = ["Jeans"]
        consumed[toks.index("denim")] = True
    u.set_values = new_values
    if _ADD_MODE_RE.search(work) and found:
        u.add_mode = True

    # Leftover words: descriptive words go to ranking; unknown content words go to the embedding resolver.
    leftovers = [t for t, used in zip(toks, consumed) if not used and t.isalpha() and t not in lexicon.STOPWORDS]
    u.query_terms = [t for t in leftovers if t not in NEGATION_CARRY]
    unknown = [t for t in u.query_terms if t not in lexicon.DESCRIPTIVE_WORDS and len(t) >= 3]
    if resolver is not None and unknown:
        already = {k for k in new_values}
        candidates = [" ".join(unknown)] if 1 < len(unknown) <= 3 else []
        candidates += unknown
        best: tuple[str, Concept, float] | None = None
        for cand in candidates:
            hit = resolver(cand, already)
            if hit and (best is None or hit[1] > best[2]):
                best = (cand, hit[0], hit[1])
        if best is not None:
            word, concept, score = best
            key = {"category": "article_types"}.get(concept.kind, concept.kind + "s")
            if score >= ACCEPT_SIMILARITY:
                u.set_values.setdefault(key, []).extend(v for v in concept.values if v not in u.set_values.get(key, []))
                u.semantic.append((word, concept, score))
                u.understood.append(concept.label)
            elif score >= ASK_SIMILARITY:
                u.clarify = Clarification(question=f'By "{word}", did you mean {concept.label}?', concept=concept)
    if not found and not u.has_filters and re.fullmatch(r"\s*(hi|hello|hey|good (?:morning|evening|afternoon)|yo)\b.*", work):
        u.intent = "greeting"
    return u


def apply_understanding(filters: Filters, u: Understanding, *, pending: Concept | None = None,
                        shown_prices: list[Decimal] | None = None,
                        referenced_price: Decimal | None = None) -> tuple[Filters, list[str]]:
    """Fold a message into the filters. Returns the new filters and notes about what changed."""
    notes: list[str] = []
    new_types = u.set_values.get("article_types")
    # "a timepiece for dad" after sneakers for her: a different kind of product *and* who it's for is a new
    # request, not a refinement, so the old colour, price and size don't follow it. Naming only the type
    # ("show me jackets instead") keeps the other filters.
    fresh = bool(new_types and "genders" in u.set_values and not u.add_mode and filters.article_types
                 and set(new_types) != set(filters.article_types))
    f = Filters() if (u.reset or fresh) else filters.model_copy(deep=True)
    if u.reset:
        notes.append("Starting over.")
    if pending is not None and u.confirm:
        key = {"category": "article_types"}.get(pending.kind, pending.kind + "s")
        setattr(f, key, list(pending.values))
    for facet in u.relax:
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
    for key, values in u.set_values.items():
        current = getattr(f, key)
        if u.add_mode and current:
            setattr(f, key, current + [v for v in values if v not in current])
        else:
            setattr(f, key, list(values))
        if key == "colours":
            f.exclude_colours = [c for c in f.exclude_colours if c not in values]
    for c in u.exclude_colours:
        if c not in f.exclude_colours:
            f.exclude_colours.append(c)
    f.colours = [c for c in f.colours if c not in f.exclude_colours]
    for b in u.exclude_brands:
        if b not in f.exclude_brands:
            f.exclude_brands.append(b)
    f.brands = [b for b in f.brands if b not in f.exclude_brands]
    if u.min_price is not None or u.max_price is not None:
        f.min_price, f.max_price = u.min_price, u.max_price
        if u.min_price is None and filters.min_price is not None and not u.reset and (u.max_price or 0) > filters.min_price:
            f.min_price = filters.min_price
        if u.max_price is None and filters.max_price is not None and not u.reset and filters.max_price > (u.min_price or 0):
            f.max_price = filters.max_price
    if u.intent == "cheaper" and u.max_price is None:
        base = referenced_price
        if base is None and shown_prices:
            ordered = sorted(shown_prices)
            base = ordered[len(ordered) // 2]
        if base is not None:
            f.max_price = (base - Decimal("0.01")).quantize(Decimal("0.01"))
            if f.min_price is not None and f.min_price > f.max_price:
                f.min_price = None
            notes.append(f"under ${base}")
    if u.intent == "pricier" and u.min_price is None:
        base = referenced_price
        if base is None and shown_prices:
            ordered = sorted(shown_prices)
            base = ordered[len(ordered) // 2]
        if base is not None:
            f.min_price = (base + Decimal("0.01")).quantize(Decimal("0.01"))
            if f.max_price is not None and f.max_price < f.min_price:
                f.max_price = None
    if u.size:
        f.size = u.size
    return f, notes
