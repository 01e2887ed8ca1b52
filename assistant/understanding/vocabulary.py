"""The catalogue's own vocabulary, read from the database, merged with the fashion lexicon into one phrase table."""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import colours as colour_names
from . import lexicon

# Catalogue words that are ordinary adjectives on their own ("a compact wallet", "flat shoes").
NOT_STANDALONE = frozenset({"compact", "flat", "short", "free", "travel", "home", "na", "ring", "suits", "trunk"})
# Plural-only nouns: their singular is an adjective, never the garment.
PLURALIA = frozenset({"shorts", "jeans", "trousers", "leggings", "tights", "briefs", "boxers", "capris", "pants",
                      "flats", "sunglasses", "jeggings", "glasses", "dungarees"})

KIND_PRIORITY = {"article_type": 6, "colour": 5, "gender": 5, "usage": 4, "season": 4, "category": 3, "brand": 1}
# Catalogue season labels shoppers say as wishes ("a summer dress", "for winter").
SEASON_WORDS = {"summer": "Summer", "winter": "Winter", "spring": "Spring", "fall": "Fall", "autumn": "Fall"}

TOKEN_RE = re.compile(r"\$?\d+(?:\.\d+)?|[a-z0-9]+|[,.;!?]")


def normalise(text: str) -> str:
    # "fiancé" -> "fiance": an accent would otherwise split the word in two
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"(\w)'s\b", r"\1", text)  # men's -> men, women's -> women
    text = re.sub(r"(\w)s'(\s|$)", r"\1s\2", text)  # mens' -> mens
    return text.replace("'", "")


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def inflections(phrase: str) -> set[str]:
    words = phrase.lower().split()
    if not words:
        return set()
    head, last = words[:-1], words[-1]
    forms = {last}
    if last in PLURALIA:
        pass
    elif last.endswith("ies") and len(last) > 4:
        forms.add(last[:-3] + "y")
    elif last.endswith(("ches", "shes", "sses", "xes", "zes")):
        forms.add(last[:-2])
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        forms.add(last[:-1])
    elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        forms.add(last[:-1] + "ies")
    elif last.endswith(("ch", "sh", "s", "x", "z")):
        forms.add(last + "es")
    else:
        forms.add(last + "s")
    return {" ".join([*head, f]) for f in forms}


@dataclass(frozen=True)
class Concept:
    kind: str  # gender | article_type | colour | usage | season | category | brand
    values: tuple[str, ...]  # catalogue labels this concept stands for
    label: str  # what to call it back to the shopper
    weak: bool = False  # a one-word survey colour name: a colour only next to a product or colour word

    @property
    def priority(self) -> int:
        return KIND_PRIORITY[self.kind]


@dataclass
class Vocabulary:
    article_types: list[str]
    colours: list[str]
    usages: list[str]
    genders: list[str]
    brands: list[str]
    sizes: list[str]
    phrases: dict[str, list[Concept]] = field(default_factory=dict)
    compact: dict[str, str] = field(default_factory=dict)  # "tshirt" -> "t shirt" style joins
    max_ngram: int = 1
    anchors: list[tuple[str, Concept]] = field(default_factory=list)
    type_group: dict[str, str] = field(default_factory=dict)  # article type -> the group a new topic changes
    type_rows: list[tuple[str, str, str]] = field(default_factory=list)  # (type, sub-category, master)
    name_words: frozenset[str] = frozenset()  # every word of a product name (exclusions such as "not leather")
    seasons: list[str] = field(default_factory=list)
    colour_space: colour_names.ColourSpace | None = None

    def lookup(self, words: list[str]) -> list[Concept] | None:
        spaced = " ".join(words)
        hit = self.phrases.get(spaced)
        if hit is None and len(words) > 1:
            key = self.compact.get("".join(words))
            hit = self.phrases.get(key) if key else None
        return hit

    def colour_concept(self, name: str) -> Concept:
        family = [c for c in lexicon.COLOUR_FAMILIES.get(name, [name]) if c in self._colour_set]
        return Concept("colour", tuple(family or [name]), name.lower())

    @property
    def _colour_set(self) -> set[str]:
        return set(self.colours)


def colour_readings(colours: list[str]) -> dict[str, list[str]]:
    """Every published colour name -> the catalogue colours it stands for (perceptual distance, colours.py)."""
    if not colours:  # nothing to read a colour name as (an empty catalogue)
        return {}
    families = dict(lexicon.COLOUR_FAMILIES)
    for label in colours:
        if not any(label in members for members in families.values()):
            families[label] = [label]
    space = colour_names.ColourSpace(catalogue_colours=colours, families=families)
    names = colour_names.phrase_names()
    return {name: list(r.labels) for name, r in zip(names, space.read_many(names), strict=True) if r is not None}


class _PhraseTable:
    """Phrase -> concepts, filled stage by stage: the first stage to claim a phrase keeps it unless a later concept
    has a higher priority (a catalogue name beats a lexicon synonym of the same kind)."""

    def __init__(self) -> None:
        self.entries: dict[str, list[Concept]] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def add(self, phrase: str, concept: Concept, *, standalone_check: bool = True) -> None:
        key = _phrase_key(phrase)
        if not key or (standalone_check and key in NOT_STANDALONE) or key in lexicon.STOPWORDS:
            return
        current = self.entries.get(key)
        if current is None or concept.priority > current[0].priority:
            self.entries[key] = [concept]
        elif concept.priority == current[0].priority and concept not in current:
            # A catalogue name beats a lexicon synonym of the same kind; list order keeps the first one.
            if current[0].kind != concept.kind:
                current.append(concept)

    def put(self, phrase: str, concept: Concept) -> None:
        """Claim the phrase outright (a lexicon word for several kinds of product: "hats")."""
        self.entries[_phrase_key(phrase)] = [concept]


def _add_published_colours(vocab: Vocabulary, readings: dict[str, list[str]], add) -> None:
    """Every published colour name the catalogue's own labels don't spell: they were added first and win."""
    for name, labels in readings.items():
        key = _phrase_key(name)
        if key and key not in vocab.phrases and key not in lexicon.STOPWORDS:
            add(name, Concept("colour", tuple(labels), name, weak=colour_names.is_weak(name)))


def _phrase_key(phrase: str) -> str:
    return " ".join(tokens(normalise(phrase)))


def _add_article_types(table: _PhraseTable, types: list[str]) -> None:
    # Catalogue article types first so they win over lexicon synonyms of the same priority.
    for name in types:
        concept = Concept("article_type", (name,), name)
        for form in inflections(name):
            table.add(form, concept)
        if " and " in name.lower():  # "Perfume and Body Mist" -> "perfume"
            for part in name.lower().split(" and "):
                if colour_names.canonical_name(part):  # "Highlighter and Blush": blush is a colour word
                    continue
                for form in inflections(part):
                    if _phrase_key(form) not in table:
                        table.add(form, concept)


def _add_type_synonyms(table: _PhraseTable, type_set: set[str]) -> None:
    for word, target in lexicon.ARTICLE_TYPE_SYNONYMS.items():
        if target in type_set:
            table.add(word, Concept("article_type", (target,), target))
    for word, targets in lexicon.MULTI_TYPE_SYNONYMS.items():
        kept = tuple(t for t in targets if t in type_set)
        if len(kept) > 1:
            table.put(word, Concept("article_type", kept, " or ".join(kept)))


def _add_colours(table: _PhraseTable, vocab: Vocabulary) -> None:
    colour_set = set(vocab.colours)
    for name in vocab.colours:
        table.add(name, vocab.colour_concept(name))
    for word, target in lexicon.COLOUR_SYNONYMS.items():
        if target in colour_set:
            table.add(word, vocab.colour_concept(target))


def _add_seasons(table: _PhraseTable, seasons: list[str]) -> None:
    for word, season in SEASON_WORDS.items():
        if season in seasons:
            table.add(word, Concept("season", (season,), word))


def _add_usages(table: _PhraseTable, usages: list[str]) -> None:
    for name in usages:
        for form in inflections(name):
            table.add(form, Concept("usage", (name,), name))
    usage_set = set(usages)
    for word, target in lexicon.USAGE_SYNONYMS.items():
        if target in usage_set:
            table.add(word, Concept("usage", (target,), target))


def _add_genders(table: _PhraseTable, genders: list[str]) -> None:
    for name in genders:
        table.add(name, Concept("gender", (name,), name))
    gender_set = set(genders)
    for word, targets in lexicon.GENDER_SYNONYMS.items():
        kept = tuple(t for t in targets if t in gender_set)
        if kept:
            table.add(word, Concept("gender", kept, "/".join(kept)))


def _add_categories(table: _PhraseTable, type_rows: list[tuple[str, str, str]], type_set: set[str]) -> None:
    """Sub-categories and master categories ("topwear", "footwear") stand for all their article types."""
    subs: dict[str, set[str]] = {}
    for name, sub, master in type_rows:
        subs.setdefault(sub, set()).add(name)
        subs.setdefault(master, set()).add(name)
    for name, members in subs.items():
        if name in type_set:
            continue
        concept = Concept("category", tuple(sorted(members)), name)
        for form in inflections(name):
            table.add(form, concept)
    for word, target in lexicon.CATEGORY_SYNONYMS.items():
        if target in subs:
            table.add(word, Concept("category", tuple(sorted(subs[target])), target))


def _add_brands(table: _PhraseTable, brands: list[str], brand_names: dict[str, str] | None) -> None:
    for name in brands:
        # The brand as its products spell it: the label "Delhi" is sold as "Delhi Daredevils", "Red" as "Red
        # Rose". A city, colour or season word alone is not a brand.
        surface = (brand_names or {}).get(name, name)
        key = _phrase_key(surface)
        if len(key) < 3 or key in table or key in lexicon.DESCRIPTIVE_WORDS or key in lexicon.STOPWORDS:
            continue
        if " " not in key and (colour_names.canonical_name(key) or key in SEASON_WORDS):
            continue
        table.add(surface, Concept("brand", (name,), surface))


def _index_phrases(vocab: Vocabulary) -> None:
    """What the parser looks phrases up by: joined spellings, the longest phrase, the embedding anchors."""
    table = vocab.phrases
    vocab.compact = {k.replace(" ", ""): k for k in table if " " in k}
    vocab.max_ngram = max((len(k.split()) for k in table), default=1)
    # Anchors for the embedding fallback: it only guesses kinds of product (a colour is grounded in colour
    # values, a brand must be named, an occasion is a wish).
    vocab.anchors = [(k, cs[0]) for k, cs in table.items() if cs[0].kind in ("article_type", "category")]


def build_vocabulary(
    *,
    article_types: Iterable[tuple[str, str, str]],  # (name, sub-category, master category)
    colours: Iterable[str],
    usages: Iterable[str],
    genders: Iterable[str],
    brands: Iterable[str] = (),
    sizes: Iterable[str] = (),
    brand_names: dict[str, str] | None = None,  # brand -> the words every one of its product names starts with
    name_words: Iterable[str] = (),
    seasons: Iterable[str] = (),
    readings: dict[str, list[str]] | None = None,  # colour_readings(colours), when the caller cached it
) -> Vocabulary:
    types = sorted({t[0] for t in article_types})
    type_rows = list({(t[0], t[1], t[2]) for t in article_types})
    table = _PhraseTable()
    vocab = Vocabulary(
        article_types=types,
        colours=sorted({c for c in colours if c and c != "NA"}),
        usages=sorted({u for u in usages if u and u != "NA"}),
        genders=sorted(set(genders)),
        brands=sorted(set(brands)),
        sizes=sorted(set(sizes)),
        name_words=frozenset(name_words),
        seasons=sorted({s for s in seasons if s}),
        phrases=table.entries,
    )
    # Footwear is one kind of product to a shopper (heels -> flats is a change of mind); elsewhere the
    # sub-category is (a watch after a bag is a new topic).
    vocab.type_group = {name: (master if master == "Footwear" else sub) for name, sub, master in type_rows}
    vocab.type_rows = sorted(type_rows)
    # The order of the stages is the order of precedence between equal priorities.
    type_set = set(types)
    _add_article_types(table, types)
    _add_type_synonyms(table, type_set)
    _add_colours(table, vocab)
    _add_published_colours(vocab, readings if readings is not None else colour_readings(vocab.colours), table.add)
    _add_seasons(table, vocab.seasons)
    _add_usages(table, vocab.usages)
    _add_genders(table, vocab.genders)
    _add_categories(table, type_rows, type_set)
    _add_brands(table, vocab.brands, brand_names)
    _index_phrases(vocab)
    return vocab


def _index_digest() -> str | None:
    from ..retrieval.index import read_manifest

    return (read_manifest() or {}).get("digest")


def _cached(name: str, key: str | None, compute):
    """What the vocabulary derives from the whole catalogue, computed once per index build (or colour list)
    and kept next to the index: every worker would otherwise spend seconds on it at its first turn."""
    from django.conf import settings

    if key is None:
        return compute()
    path = Path(settings.ASSISTANT_INDEX_DIR) / f"vocab-{name}-{key}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(value))
        os.replace(tmp, path)
    except OSError:  # a read-only data directory still answers, only slower
        pass
    return json.loads(json.dumps(value))


def _names_by_brand(rows: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """(brand -> the words all its product names start with, every word of every name)."""
    prefixes: dict[str, list[str]] = {}
    words: set[str] = set()
    for brand, name in rows:
        toks = tokens(name.lower().replace("'", ""))  # catalogue names are plain ASCII: no accent folding
        words.update(t for t in toks if t.isalpha())
        current = prefixes.get(brand)
        if current is None:
            prefixes[brand] = toks[:4]
        else:
            n = 0
            while n < len(current) and n < len(toks) and current[n] == toks[n]:
                n += 1
            prefixes[brand] = current[:n]
    surfaces = {}
    for brand, prefix in prefixes.items():
        label = tokens(normalise(brand))
        surfaces[brand] = " ".join(prefix) if prefix[: len(label)] == label and len(prefix) > len(label) else brand
    return surfaces, sorted(words)


_cache: dict[str, Vocabulary] = {}
_lock = threading.Lock()


def vocabulary_from_db(*, version: str = "") -> Vocabulary:
    """The vocabulary of what is published right now; rebuilt when the index version changes."""
    with _lock:
        hit = _cache.get(version)
        if hit is not None:
            return hit
    from shop.models import ArticleType, Brand, Colour, Gender, Product, Variant

    published = Product.objects.filter(is_published=True)
    article_types = list(
        ArticleType.objects.filter(products__is_published=True)
        .distinct()
        .values_list("name", "sub_category__name", "sub_category__master__name")
    )
    colours = list(Colour.objects.filter(products__is_published=True).distinct().values_list("name", flat=True))
    usages = list(published.order_by().values_list("usage", flat=True).distinct())
    brands = list(Brand.objects.filter(products__is_published=True).distinct().values_list("name", flat=True))
    sizes = list(Variant.objects.order_by().values_list("size", flat=True).distinct())
    seasons = list(published.order_by().values_list("season", flat=True).distinct())
    names = _cached("names", _index_digest(), lambda: _names_by_brand(
        published.values_list("brand__name", "name").iterator(chunk_size=5000)))
    labels = sorted({c for c in colours if c and c != "NA"})
    readings = _cached("colours", hashlib.blake2b(json.dumps(
        [labels, lexicon.COLOUR_FAMILIES, colour_names.DATA_VERSION]).encode(), digest_size=8).hexdigest(),
        lambda: colour_readings(labels))
    vocab = build_vocabulary(
        article_types=article_types, colours=colours, usages=usages, genders=[g.value for g in Gender],
        brands=brands, sizes=sizes, brand_names=names[0], name_words=names[1], seasons=seasons, readings=readings,
    )
    with _lock:
        _cache.clear()
        _cache[version] = vocab
    return vocab
