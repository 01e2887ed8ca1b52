"""Rule-based understanding of one shopper message, in stages a reader can follow one at a time.

    control (yes/no, reset, relax, new topic, non-search questions) -> intent (add, compare, outfit, ...)
    -> prices -> size -> references to shown products -> concepts (longest match against the catalogue
    vocabulary and published colour names, with negation scope) -> limits (exact) -> wishes (ranking only)
    -> leftovers (ranking words, name-word exclusions, the embedding fallback for kinds of product)

Each stage reads the text left by the one before and writes into one `Understanding`; `dialogue.py` then
folds it into the conversation's state.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from shop import sizing

from . import lexicon
from .concepts import Scan, read_concepts
from .patterns import (
    _ADD_MODE_RE,
    _ADD_RE,
    _AROUND,
    _BARE_MONEY,
    _CHEAPER_RE,
    _COMPARE_RE,
    _FACETS,
    _MAX_PATTERNS,
    _MIN_PATTERNS,
    _MORE_LIKE_RE,
    _NO_RE,
    _PRICIER_RE,
    _RANGE_PATTERNS,
    _REF_NUM_RE,
    _REF_WORD_RE,
    _RESET_RE,
    _SIZE_PATTERNS,
    _THAT_RE,
    _YES_RE,
    AGE_RE,
    AGE_SPAN_RE,
    CONTINUES_RE,
    MONEY,
    NEGATION_CARRY,
    NEW_TOPIC_RE,
    ORDINALS,
    OUTFIT_RE,
    OWN_BUDGET_RE,
    OWN_PERSON_RE,
    OWN_SIZE_RE,
    PRODUCT_QUESTION_RE,
    QUESTION_RES,
    REMOVE_RE,
    TWIN_RE,
)
from .things import colour_things, kind_of
from .vocabulary import Concept, Vocabulary, normalise

__all__ = ["Understanding", "Clarification", "parse_message", "_YES_RE", "_NO_RE"]


@dataclass
class Clarification:
    question: str
    concept: Concept


@dataclass
class Understanding:
    """What one message says, before it is folded into the state."""

    reset: bool = False
    confirm: bool | None = None  # answer to a pending clarifying question
    set_values: dict[str, list[str]] = field(default_factory=dict)  # limits: genders/article_types/colours/brands
    add_mode: bool = False  # "also red" adds to the colours instead of replacing them
    exclude_colours: list[str] = field(default_factory=list)
    exclude_brands: list[str] = field(default_factory=list)
    exclude_words: list[str] = field(default_factory=list)  # "not leather": words of product names
    contradictions: list[str] = field(default_factory=list)  # "red but not red"
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    size: str | None = None
    size_system: str | None = None  # "uk", "us" or "eu" when said with the size ("UK 8"): shop.sizing converts
    own_size: bool = False  # "my size is 38": it carries over to a new topic
    own_budget: bool = False
    own_person: bool = False  # "I'm a woman": who the shopper is carries over to a new topic
    age: str | None = None  # "adult" | "child": from an age the message gives ("my 8-year-old son")
    age_years: int | None = None  # the age itself, when a number gives it
    continues: bool = False  # "and belts?": another kind of product for the same request's person
    relax: set[str] = field(default_factory=set)
    # search | more_like | compare | cheaper | pricier | add_to_cart | remove_from_cart | outfit | twin | greeting
    # | question
    intent: str = "search"
    question: str | None = None  # identity | cart | policy
    twin_request: str | None = None  # "taller", a twin's name, ...
    new_topic: bool = False  # "something else", "a gift for ..."
    references: list[int] = field(default_factory=list)  # 1-based positions in the last shown list, -1 = last
    refers_to_shown: bool = False
    superlative: str | None = None  # "the two cheapest": cheapest | priciest
    order: str | None = None  # "show me the cheapest watches": cheapest | priciest first, among every match
    asked_size: str | None = None  # "does the first one come in 42?": a size asked about, not a limit
    clarify: Clarification | None = None
    query_terms: list[str] = field(default_factory=list)
    wishes: list[str] = field(default_factory=list)  # catalogue usages, ranking only ("party", "office")
    seasons: list[str] = field(default_factory=list)  # catalogue seasons, ranking only
    wish_words: list[str] = field(default_factory=list)  # how the shopper said the wishes, for the reply
    wear: list[str] = field(default_factory=list)  # how it should wear ("comfort"): ranking only
    unknown_words: list[str] = field(default_factory=list)  # content words nothing in the catalogue names
    understood: list[str] = field(default_factory=list)  # human-readable notes ("colour: blue")
    semantic: list[tuple[str, Concept, float]] = field(default_factory=list)  # words resolved by embeddings
    thing_words: list[str] = field(default_factory=list)  # a colour word heading a thing ("tomato paste")
    # "shoes for work" read as Formal Shoes: the category's own kinds, to widen back to when that reading finds
    # nothing for the other limits (the occasion is a wish; it must not become a dead end)
    broader_types: list[str] = field(default_factory=list)
    broader_label: str = ""  # the category's word as the shopper said it ("shoes")

    @property
    def has_filters(self) -> bool:
        return bool(self.set_values or self.exclude_colours or self.exclude_brands or self.exclude_words
                    or self.min_price is not None or self.max_price is not None or self.size)


Resolver = Callable[[str, set[str]], tuple[Concept, float] | None]

# all-MiniLM-L6-v2 word-to-label cosines are noisy below ~0.8 ("attire" -> Dresses scores 0.76), so only
# near-certain matches are applied; the band below them earns a clarifying question instead.
ACCEPT_SIMILARITY = 0.80
ASK_SIMILARITY = 0.70
MAX_TEXT = 1000


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


# --- stage 1: control --------------------------------------------------------------------------------


def _relax_patterns(words: str) -> list[str]:
    return [
        rf"\b(?:any|all|whatever|every|any old|other)\s+(?:{words})\b(?:\s+(?:is|are)\s+(?:fine|ok|okay|good))?",
        rf"\b(?:{words})\s+(?:is\s+|are\s+)?(?:doesnt|does not|dont|do not|wont|will not|isnt|is not)\s+(?:really\s+)?(?:matter|important|an issue)\b",
        rf"\b(?:dont|do not|doesnt|does not)\s+(?:really\s+)?care\s+(?:about|for|what|which|much about)\s+(?:the\s+)?(?:{words})\b",
        rf"\bno\s+(?:{words})\s+(?:preference|limit|restriction|requirement)s?\b",
        rf"\b(?:regardless of|ignore|forget(?: about)?|drop|remove|clear|lose|scrap|without)\s+(?:the\s+|a\s+|any\s+|my\s+)?(?:{words})(?:\s+(?:filter|limit|cap|restriction|preference))?\b",
        rf"\b(?:{words})\s+(?:is\s+|are\s+)?(?:flexible|open|not important|whatever|fine either way)\b",
    ]


_RELAX = {facet: [re.compile(p) for p in _relax_patterns(words)] for facet, words in _FACETS.items()}
_NO_BUDGET = re.compile(r"\b(no budget|no (?:price )?limit|money is no object|any budget|sky is the limit)\b")


def read_control(work: str, u: Understanding, pending: Concept | None) -> str:
    """Yes/no to a pending question, start over, relax a facet, a new topic, a question that is no search."""
    if pending is not None:
        u.confirm = True if _YES_RE.search(work) else False if _NO_RE.search(work) else None
    if _RESET_RE.search(work):
        u.reset = True
        work = _RESET_RE.sub(" ", work)
    for facet, patterns in _RELAX.items():
        for pattern in patterns:
            m = pattern.search(work)
            if m:
                u.relax.add(facet)
                work = _blank(work, m.span())
    if _NO_BUDGET.search(work):
        u.relax.add("price")
        work = _NO_BUDGET.sub(" ", work)
    if re.search(r"\b(for anyone|any gender|for everyone|for all genders)\b", work):
        u.relax.add("genders")
    m = NEW_TOPIC_RE.search(work)
    if m:
        u.new_topic = True
        work = _blank(work, m.span())
    for name, pattern in QUESTION_RES.items():
        # "add the first one to my cart" names the cart but asks to change it, not what is in it
        if name == "cart" and (_ADD_RE.search(work) or REMOVE_RE.search(work)):
            continue
        if pattern.search(work):
            u.intent, u.question = "question", name
            break
    return work


# --- stage 2: intent ---------------------------------------------------------------------------------


_SUPERLATIVE = re.compile(r"\b(?:the\s+)?(?:(\d|two|three)\s+)?(cheapest|least expensive|most expensive|priciest)\b")
_ACTIONS = ((_ADD_RE, "add_to_cart"), (REMOVE_RE, "remove_from_cart"), (_COMPARE_RE, "compare"), (OUTFIT_RE, "outfit"),
            (_MORE_LIKE_RE, "more_like"))


def _read_superlative(work: str, u: Understanding) -> str | None:
    """"Which one is cheapest", "compare the two cheapest": positions among the shown products (the pipeline
    resolves them by price), never a price filter; "the cheapest watches": an order over every match."""
    m = _SUPERLATIVE.search(work)
    if not m:
        return None
    which = "cheapest" if m.group(2) in ("cheapest", "least expensive") else "priciest"
    if not (u.intent in ("compare", "add_to_cart") or re.search(r"\b(which|what)\b", work)):
        if m.group(1) or u.intent != "search":
            return None
        u.order = which
        return _blank(work, m.span())
    u.superlative = which
    said = m.group(1) or "1"
    count = {"two": 2, "three": 3}.get(said) or int(said)
    u.references = [0] * max(1, min(count, 3))
    if u.intent == "search":
        u.intent = "compare" if count > 1 else "pick"
    return _blank(work, m.span())


def read_intent(work: str, u: Understanding) -> str:
    if u.intent == "question":
        return work
    twin = TWIN_RE.search(work)
    if twin:
        u.intent, u.twin_request = "twin", (twin.group(1) or twin.group(2) or "another")
        if re.search(r"\bmy size\b", twin.group(0)):
            u.twin_request = "my size"  # the size may follow: "on someone my size (M)"
            said = re.search(r"\b(xxs|xs|s|m|l|xl|xxl|xxxl)\b", work[twin.end():])
            u.size = said.group(1).upper() if said else None
        return _blank(work, twin.span())
    u.intent = next((intent for pattern, intent in _ACTIONS if pattern.search(work)), "search")
    if u.intent == "outfit":
        work = OUTFIT_RE.sub(" ", work)
    rest = _read_superlative(work, u)
    if rest is not None:
        return rest
    if _CHEAPER_RE.search(work) and not re.search(MONEY.replace(r"\$?\s*", r"\$\s*"), work):
        u.intent = "cheaper" if u.intent == "search" else u.intent
        u.understood.append("cheaper")
        work = _CHEAPER_RE.sub(" ", work)
    elif _PRICIER_RE.search(work) and not re.search(r"\d", work):
        u.intent = "pricier" if u.intent == "search" else u.intent
        work = _PRICIER_RE.sub(" ", work)
    return work


# --- stage 2b: age ---------------------------------------------------------------------------------


def child_max_age(vocab: Vocabulary) -> int:
    """The oldest age the catalogue's kidswear sizes name ("12-13Y" -> 13), and never under 12, the age
    children's size charts reach before teen sizes: an age up to it shops in Boys/Girls, above it Men/Women."""
    return max([12, *(band[1] for s in vocab.sizes if (band := sizing.age_band(s)))])


def read_age(work: str, u: Understanding, vocab: Vocabulary) -> str:
    """An age the shopper gives: it decides Boys or Men for "my son", which the word alone does not. A word for
    an age span ("teenage") decides as most of its years would."""
    m = AGE_RE.search(work)
    if m:
        age = int(m.group(1) or m.group(2))
        u.age = "child" if age <= child_max_age(vocab) else "adult"
        u.age_years = age
        return _blank(work, m.span())
    m = AGE_SPAN_RE.search(work)
    if not m:
        return work
    first, last = lexicon.AGE_SPAN_WORDS[m.group(1)]
    as_child = max(0, min(last, child_max_age(vocab)) - first + 1)  # the span's years within the children's sizes
    u.age = "child" if 2 * as_child > last - first + 1 else "adult"
    return _blank(work, m.span())


# --- stage 3: prices and size ------------------------------------------------------------------------


def _first(patterns: list[str], work: str) -> re.Match[str] | None:
    for pattern in patterns:
        m = re.search(pattern, work)
        if m:
            return m
    return None


def read_prices(work: str, u: Understanding) -> str:
    """Ranges first, then caps and floors, then "around", then a bare amount as a budget."""
    u.own_budget = bool(OWN_BUDGET_RE.search(work))
    m = _first(_RANGE_PATTERNS, work)
    if m:
        u.min_price, u.max_price = sorted((_money(m.group(1)), _money(m.group(2))))
        return _blank(work, m.span())
    m = _first(_MAX_PATTERNS, work)
    if m:
        u.max_price = _money(m.group(1))
        work = _blank(work, m.span())
    m = _first(_MIN_PATTERNS, work)
    if m:
        u.min_price = _money(m.group(1))
        work = _blank(work, m.span())
    if u.min_price is not None or u.max_price is not None:
        return work
    m = re.search(_AROUND, work)
    if m and (("$" in m.group(0)) or re.search(r"dollar|buck|usd|price|cost|spend|budget", work)):
        centre = _money(m.group(1))
        u.min_price = (centre * Decimal("0.8")).quantize(Decimal("0.01"))
        u.max_price = (centre * Decimal("1.2")).quantize(Decimal("0.01"))
        return _blank(work, m.span())
    m = re.search(_BARE_MONEY, work)
    if m:
        u.max_price = _money(m.group(1) or m.group(2))
        work = _blank(work, m.span())
    return work


def read_size(work: str, u: Understanding, vocab: Vocabulary) -> str:
    u.own_size = bool(OWN_SIZE_RE.search(work))
    m = _first(_SIZE_PATTERNS, work)
    if not m:
        return work
    word = m.group(1).strip()
    system = re.search(r"\b(uk|eu|us)(?![a-z])", m.group(0))
    u.size_system = system.group(1) if system else None
    size = lexicon.SIZE_WORDS.get(word, word.upper())
    if vocab.sizes and size not in vocab.sizes and size.upper() in vocab.sizes:
        size = size.upper()
    u.size = size
    return _blank(work, m.span())


# --- stage 4: references -----------------------------------------------------------------------------


def read_references(work: str, u: Understanding) -> str:
    for m in _REF_NUM_RE.finditer(work):
        u.references.append(int(m.group(1)))
        work = _blank(work, m.span())
    for m in _REF_WORD_RE.finditer(work):
        u.references.append(ORDINALS[m.group(1)])
        work = _blank(work, m.span())
    if _THAT_RE.search(work) and u.intent in ("cheaper", "pricier", "more_like", "add_to_cart", "compare",
                                               "remove_from_cart", "outfit", "twin"):
        u.refers_to_shown = True
    return work


# --- stage 6: limits ---------------------------------------------------------------------------------


def _exclude(u: Understanding, concept: Concept) -> None:
    target = u.exclude_colours if concept.kind == "colour" else u.exclude_brands
    target.extend(v for v in concept.values if v not in target)
    u.understood.append(f"not {concept.label}")


def _limit_values(scan: Scan, u: Understanding) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for _pos, c, neg in scan.found:
        if c.kind in ("usage", "season"):
            continue
        if neg:
            if c.kind in ("colour", "brand"):
                _exclude(u, c)
            continue
        bucket = values.setdefault({"category": "article_types"}.get(c.kind, c.kind + "s"), [])
        bucket.extend(v for v in c.values if v not in bucket)
        u.understood.append(c.label)
    return values


def _named_types(scan: Scan, vocab: Vocabulary) -> list[str] | None:
    """The article types a category narrows to: "shoes for the office" names Formal Shoes (the catalogue sells
    that kind), and an explicit type beats a broad category in the same message ("sports shoes" + "footwear")."""
    wanted = [c for _p, c, neg in scan.found if not neg]
    types = [v for c in wanted if c.kind == "article_type" for v in c.values]
    categories = [c.label for c in wanted if c.kind == "category"]
    if types:
        return types if categories else None
    usages = [v for c in wanted if c.kind == "usage" for v in c.values]
    specific = [f"{u} {c}" for u in usages for c in categories if f"{u} {c}" in vocab.article_types]
    return specific or None


def _person_age(values: dict[str, list[str]], u: Understanding) -> None:
    """Sex from the person words, age from the age the message gives (or a word that says it): "my son" is
    Men or Boys, "my 8-year-old son" Boys. An age alone narrows the person the conversation has (dialogue)."""
    genders = values.get("genders", [])
    if u.age is not None and genders:
        values["genders"] = lexicon.genders_at_age(genders, u.age)


def read_limits(scan: Scan, u: Understanding, vocab: Vocabulary) -> None:
    """Kinds of product, who it is for, colours, brands: exact. Negated colours and brands are exclusions."""
    values = _limit_values(scan, u)
    named = _named_types(scan, vocab)
    if named:
        categories = [c.label for _p, c, neg in scan.found if not neg and c.kind == "category"]
        if categories and not any(c.kind == "article_type" for _p, c, neg in scan.found if not neg):
            u.broader_types, u.broader_label = values.get("article_types", []), " or ".join(categories)
        values["article_types"] = named
    if "article_types" not in values and "denim" in scan.toks and "Jeans" in vocab.article_types:
        values["article_types"] = ["Jeans"]  # "a denim for him": the cloth alone means jeans
        scan.consumed[scan.toks.index("denim")] = True
    clash = [c for c in values.get("colours", []) if c in u.exclude_colours]
    if clash:  # "red but not red": the exclusion holds, and the reply says so
        u.contradictions.extend(clash)
        values["colours"] = [c for c in values["colours"] if c not in clash]
        if not values["colours"]:
            del values["colours"]
    _person_age(values, u)
    u.set_values = values
    u.add_mode = bool(scan.found and _ADD_MODE_RE.search(" ".join(scan.toks)))


# --- stage 7: wishes ---------------------------------------------------------------------------------


def read_wishes(scan: Scan, u: Understanding) -> None:
    """Occasion, season and how it should wear ("comfortable"): they order the results, never filter them."""
    for pos, c, neg in scan.found:
        if neg or c.kind not in ("usage", "season"):
            continue
        target = u.wishes if c.kind == "usage" else u.seasons
        target.extend(v for v in c.values if v not in target)
        word = scan.toks[pos]
        if word not in u.wish_words:
            u.wish_words.append(word)
    for word in scan.toks:
        wear = lexicon.WEAR_WISHES.get(word)
        if wear and word not in scan.negated_words and wear not in u.wear:
            u.wear.append(wear)
            u.wish_words.append(word)


# --- stage 8: leftovers ------------------------------------------------------------------------------


def _accept(u: Understanding, word: str, concept: Concept, score: float) -> None:
    key = {"category": "article_types"}.get(concept.kind, concept.kind + "s")
    bucket = u.set_values.setdefault(key, [])
    bucket.extend(v for v in concept.values if v not in bucket)
    u.semantic.append((word, concept, score))
    u.understood.append(concept.label)
    u.unknown_words = [w for w in u.unknown_words if w not in word.split()]


def _resolve(u: Understanding, unknown: list[str], resolver: Resolver) -> None:
    already = set(u.set_values)
    candidates = ([" ".join(unknown)] if 1 < len(unknown) <= 3 else []) + unknown
    best: tuple[str, Concept, float] | None = None
    for cand in candidates:
        hit = resolver(cand, already)
        if hit and (best is None or hit[1] > best[2]):
            best = (cand, hit[0], hit[1])
    if best is None:
        return
    word, concept, score = best
    if score >= ACCEPT_SIMILARITY:
        _accept(u, word, concept, score)
    elif score >= ASK_SIMILARITY:
        u.clarify = Clarification(question=f'By "{word}", did you mean {concept.label}?', concept=concept)


def read_leftovers(scan: Scan, u: Understanding, vocab: Vocabulary, resolver: Resolver | None) -> None:
    """Descriptive words rank; negated product-name words exclude; a word naming nothing the catalogue knows
    may still name a kind of product (embedding fallback), or something the shop does not sell."""
    for word in scan.negated_words:
        if word in vocab.name_words and word not in u.exclude_words:
            u.exclude_words.append(word)
            u.understood.append(f"not {word}")
    leftovers = [t for t, used in zip(scan.toks, scan.consumed, strict=False) if not used and t.isalpha()
                 and t not in lexicon.STOPWORDS]
    u.query_terms = [t for t in leftovers if t not in NEGATION_CARRY]
    unknown = [t for t in u.query_terms if t not in lexicon.DESCRIPTIVE_WORDS and len(t) >= 3]
    u.query_terms += scan.purpose_words  # known words: they rank ("a belt for jeans"), nothing to resolve
    u.unknown_words = unknown
    if unknown and "article_types" not in u.set_values and (kind := kind_of(unknown, vocab)):
        _accept(u, *kind, 1.0)  # a published vocabulary says what it is a kind of: before any similarity
    elif resolver is not None and unknown and "article_types" not in u.set_values:
        _resolve(u, unknown, resolver)


def parse_message(text: str, vocab: Vocabulary, *, resolver: Resolver | None = None,
                  pending: Concept | None = None, kind_in_context: bool = False) -> Understanding:
    """`kind_in_context`: the conversation already has a kind of product, so a lone colour word refines it."""
    u = Understanding()
    work = _numbers_to_digits(normalise(text)[:MAX_TEXT])
    work = read_control(work, u, pending)
    work = read_intent(work, u)
    u.continues = bool(CONTINUES_RE.search(work))
    work = read_age(work, u, vocab)
    work = read_prices(work, u)
    work = read_size(work, u, vocab)
    work = read_references(work, u)
    if u.intent == "search" and u.references and PRODUCT_QUESTION_RE.search(work):
        u.intent, u.asked_size, u.size = "pick", u.size, None  # about that product: the search's limits stay
    scan = read_concepts(work, vocab)
    u.thing_words = colour_things(scan, vocab, kind_in_context=kind_in_context)
    read_limits(scan, u, vocab)
    m = OWN_PERSON_RE.search(work)
    u.own_person = bool(m and lexicon.PERSON_WORDS.get(m.group(1), (None, None))[0] and u.set_values.get("genders"))
    read_wishes(scan, u)
    read_leftovers(scan, u, vocab, resolver)
    if not scan.found and not u.has_filters and re.fullmatch(
            r"\s*(hi|hello|hey|good (?:morning|evening|afternoon)|yo)\b.*", work):
        u.intent = "greeting"
    return u
