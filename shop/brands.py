"""Brand names read out of product names, cleaned against the catalogue itself.

The catalogue has no brand column: a product name starts with its brand ("C Vox Men Red Jacket").
Taking the first word gives "C"; taking everything before the gender word over-splits sub-lines
("Jockey ZONE Men ..."). The evidence that settles it is in the catalogue:

1. a curated list of multi-word brands (shop.catalog_data) wins, longest first ("Lee Cooper" vs "Lee");
2. a first word that the catalogue itself uses as a whole brand (it stands right before a gender word
   somewhere: "Jockey Men Vest") is the brand of every name it starts;
3. otherwise the words before this name's gender word ("C Vox" in "C Vox Men Red Jacket"), without
   trailing colour names ("Newhide Black Men Wallet" -> "Newhide") unless only colour words would be left
   ("Red Rose Women Blue Nightdress" -> "Red Rose");
4. otherwise the shortest 2-3 word prefix the catalogue attests that way, else the first word.

Spellings are then merged by a compact key (case, spaces, punctuation, "&"/"and": "Rayban" = "Ray Ban",
"Reid&Taylor" = "Reid & Taylor"), the most common spelling winning, and a rare brand one edit away from
a brand with at least ten times more products is taken for a typo of it ("Levisi" -> "Levis"). File
names ("Ayaanay_Women_..._Size_Chart.jpg") are read as words; placeholder names with no words to read
("productDisplayName") get the brand UNBRANDED.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from shop.catalog_data import COLOUR_HEX, MULTI_WORD_BRANDS, BrandResolver

UNBRANDED = "Unbranded"
GENDER_WORDS: frozenset[str] = frozenset({
    "men", "women", "men's", "women's", "mens", "womens", "boys", "girls", "boy's", "girl's", "kids",
    "kid's", "unisex",
})
MAX_PREFIX_WORDS = 3
# A typo merge needs a big brand to merge into: this many products, and this many times the rare one's.
TYPO_MIN_TARGET = 10
TYPO_MIN_RATIO = 10
TYPO_MIN_LENGTH = 5  # "Fifa" and "Fila" are both real: short names are too close to judge

_FILE_EXTENSION = re.compile(r"\.(jpe?g|png|gif|webp|bmp|tiff?|pdf|csv)$", re.IGNORECASE)
_GLUED_GENDER = re.compile(r"(?<=\.)(?=(?:Men|Women|Boys|Girls|Unisex)\b)")  # "U.S. Polo Assn.Men"
_IDENTIFIER = re.compile(r"^[a-z]{2,}[A-Z][a-z]+\w*$")  # "productDisplayName": a field name, not a word
_KEY_DROP = re.compile(r"[^0-9a-z]+")


def name_words(product_name: str) -> list[str]:
    """The words of a product name, file-name spellings read as words."""
    name = _FILE_EXTENSION.sub("", product_name.strip())
    name = _GLUED_GENDER.sub(" ", name.replace("_", " "))
    return name.split()


@lru_cache(maxsize=8192)  # a catalogue has a few hundred brands and 44k names
def brand_key(brand: str) -> str:
    """Spelling-independent key: "Reid&Taylor", "Reid & Taylor" and "reid and taylor" are one brand."""
    words = [w for w in re.split(r"\s+|(&)", brand.lower()) if w and w not in {"&", "and"}]
    return _KEY_DROP.sub("", "".join(words))


def _spelling_rank(spelling: str, count: int) -> tuple[bool, bool, int, int, str]:
    """Capitalised before lower case ("Aramis" over "aramis"), mixed case before shouting ("Biba" over
    "BIBA"), then the most common, then the one with words spaced out ("Reid & Taylor")."""
    shouted = spelling.isupper() and sum(ch.isalpha() for ch in spelling) > 3
    return (spelling[:1].isupper() or spelling[:1].isdigit(), not shouted, count, spelling.count(" "), spelling)


def _within(a: str, b: str, limit: int) -> int | None:
    """Levenshtein distance of a and b if at most `limit`, else None (banded, early exit)."""
    if abs(len(a) - len(b)) > limit:
        return None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return None
        prev = cur
    return prev[-1] if prev[-1] <= limit else None


class BrandNormaliser:
    """Derives one clean brand per product name for a whole catalogue (or a file added to one).

    `existing` maps brand names already in the database to their product counts; they attest brands and
    spellings the file alone might not (an import of a few rows into a full catalogue).
    """

    def __init__(self, *, existing: Mapping[str, int] | None = None,
                 colour_names: Iterable[str] = ()) -> None:
        self.resolver = BrandResolver()
        self.known_multi = {b.lower() for b in MULTI_WORD_BRANDS if " " in b}
        self.existing = {name: n for name, n in (existing or {}).items() if n > 0}
        self.colours = {c.lower() for c in (*COLOUR_HEX, *colour_names)}
        self._existing_by_key = {brand_key(name): name for name in self.existing}

    # -- step 1: a candidate per name ------------------------------------------------------------

    def _attested(self, all_words: Sequence[Sequence[str]]) -> tuple[set[str], set[str]]:
        singles: set[str] = set()
        multis: set[str] = set()
        for name in self.existing:
            (singles if " " not in name else multis).add(name.lower())
        for words in all_words:
            prefix = self._gender_prefix(words)
            if prefix:
                (singles if len(prefix) == 1 else multis).add(" ".join(prefix).lower())
        return singles, multis

    def _gender_prefix(self, words: Sequence[str]) -> list[str]:
        for i, w in enumerate(words[: MAX_PREFIX_WORDS + 1]):
            if w.lower() in GENDER_WORDS:
                prefix = list(words[:i])
                # "Newhide Black Men Wallet" -> "Newhide"; but a brand made only of colour words stays whole
                # ("Red Rose Women Blue Nightdress" is Red Rose, not Red)
                while (len(prefix) > 1 and prefix[-1].lower() in self.colours
                       and any(w.lower() not in self.colours for w in prefix[:-1])):
                    prefix.pop()
                return prefix
        return []

    def _candidate(self, words: Sequence[str], singles: set[str], multis: set[str]) -> str:
        if not words:
            return UNBRANDED
        known = self.resolver.known_prefix(words)
        if known:
            return known
        if words[0].lower() in singles:
            return words[0]
        if len(words) == 1 or any(_IDENTIFIER.match(w) for w in words):
            # one unknown word ("NA", "Yelloe") or a field name ("test dispName"): nothing names a brand
            return UNBRANDED
        # the shortest prefix the catalogue uses as a whole brand; this name's own gender prefix is one
        for n in range(2, MAX_PREFIX_WORDS + 1):
            if " ".join(words[:n]).lower() in multis:
                return " ".join(words[:n])
        return words[0]

    # -- step 2: one spelling per brand, typos merged ---------------------------------------------

    def _spellings(self, candidates: Iterable[str]) -> tuple[dict[str, str], Counter[str]]:
        by_key: dict[str, Counter[str]] = defaultdict(Counter)
        for c, n in Counter(candidates).items():
            by_key[brand_key(c)][self.resolver.canonical(c)] += n
        totals: Counter[str] = Counter({k: sum(v.values()) for k, v in by_key.items()})
        spelling: dict[str, str] = {}
        for name, n in self.existing.items():
            key = brand_key(name)
            totals[key] += n
            spelling.setdefault(key, name)  # the database's spelling stays
        for key, names in by_key.items():
            spelling.setdefault(key, max(names, key=lambda s: _spelling_rank(s, names[s])))
        return spelling, totals

    def _typo_targets(self, totals: Counter[str]) -> dict[str, str]:
        big = [k for k, n in totals.items() if n >= TYPO_MIN_TARGET]
        biggest = max((totals[b] for b in big), default=0)
        merged: dict[str, str] = {}
        for key, n in totals.items():
            if len(key) < TYPO_MIN_LENGTH or n * TYPO_MIN_RATIO > biggest:
                continue
            limit = 1 if len(key) < 10 else 2
            best: tuple[int, int, str] | None = None
            for b in big:
                if b == key or totals[b] < n * TYPO_MIN_RATIO:
                    continue
                d = _within(key, b, limit)
                if d is not None and (best is None or (d, -totals[b], b) < best):
                    best = (d, -totals[b], b)
            if best is not None:
                merged[key] = best[2]
        return merged

    def brands_for(self, product_names: Sequence[str]) -> list[str]:
        """The brand of each name, in order."""
        all_words = [name_words(n) for n in product_names]
        singles, multis = self._attested(all_words)
        candidates = [self._candidate(w, singles, multis) for w in all_words]
        spelling, totals = self._spellings(candidates)
        typo = self._typo_targets(totals)
        return [spelling[typo.get(k, k)] for k in (brand_key(c) for c in candidates)]

    def clean(self, brand: str) -> str:
        """An explicit brand (the file's brand column): canonical spelling, the database's if it has one."""
        brand = self.resolver.canonical(brand)
        return self._existing_by_key.get(brand_key(brand), brand)
