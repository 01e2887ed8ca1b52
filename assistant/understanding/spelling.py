"""Typo tolerance grounded in the catalogue: a word nothing in the shop spells is corrected to the closest word
that something does ("snekers" -> "sneakers", "addidas" -> "adidas"), or left alone.

The words that can be corrected to are the vocabulary's own: the words of its phrases (article types, their
published synonyms, colour names, usages, brands, categories) and every word of a product name. A correction is
one edit away (a letter added, dropped, changed, or two neighbours swapped), two for words of eight letters or
more; between equally close words, a word of the vocabulary's phrases beats a word found only in names, then
the more common one. Lookup is by symmetric deletion (the words one letter shorter, indexed once per
vocabulary), so a word costs a few dictionary reads, not a scan of the whole word list.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from . import lexicon
from .vocabulary import Vocabulary, normalise, tokens

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


def allowed_distance(word: str) -> int:
    return 2 if len(word) >= 8 else 1


@dataclass
class Speller:
    weights: dict[str, tuple[int, int]]  # word -> (is a phrase word, how many phrases or names carry it)
    index: dict[str, list[str]]  # a word, or the word with one letter dropped -> the words it comes from

    @classmethod
    def build(cls, phrase_words: Iterable[str], name_words: Iterable[str]) -> Speller:
        weights: dict[str, tuple[int, int]] = {}
        for word in phrase_words:
            kind, n = weights.get(word, (1, 0))
            weights[word] = (1, n + 1)
        for word in name_words:
            kind, n = weights.get(word, (0, 0))
            weights[word] = (kind, n + 1)
        index: dict[str, list[str]] = {}
        for word in weights:
            if len(word) < MIN_LENGTH or not word.isalpha():
                continue
            for key in _deletes(word) | {word}:
                index.setdefault(key, []).append(word)
        return cls(weights=weights, index=index)

    def known(self, word: str) -> bool:
        return word in self.weights or word in lexicon.STOPWORDS or word in lexicon.DESCRIPTIVE_WORDS

    def correct(self, word: str) -> str | None:
        """The word meant, when `word` is unknown and one is close enough; else None."""
        if len(word) < MIN_LENGTH or not word.isalpha() or self.known(word):
            return None
        limit = allowed_distance(word)
        best: tuple[int, int, int, str] | None = None
        for key in _deletes(word) | {word}:
            for candidate in self.index.get(key, ()):
                distance = osa_distance(word, candidate)
                if distance > limit or distance > allowed_distance(candidate):
                    continue
                kind, count = self.weights[candidate]
                rank = (distance, -kind, -count, candidate)
                if best is None or rank < best:
                    best = rank
        return best[3] if best else None


_lock = threading.Lock()
_cache: dict[int, tuple[Vocabulary, Speller]] = {}


def speller_for(vocab: Vocabulary) -> Speller:
    """The vocabulary's speller, built once per vocabulary (a new index version builds a new one)."""
    with _lock:
        hit = _cache.get(id(vocab))
        if hit is not None and hit[0] is vocab:
            return hit[1]
    phrase_words = [w for key in vocab.phrases for w in key.split()]
    speller = Speller.build(phrase_words, vocab.name_words)
    with _lock:
        _cache.clear()
        _cache[id(vocab)] = (vocab, speller)
    return speller


@dataclass(frozen=True)
class Correction:
    text: str  # the text with its unknown words corrected (normalised: lower case, plain letters)
    changes: tuple[tuple[str, str], ...]  # (typed, meant)


def correct_text(text: str, vocab: Vocabulary) -> Correction | None:
    """`text` with every word the catalogue does not know replaced by the word it most likely meant; None when
    nothing needed correcting."""
    speller = speller_for(vocab)
    words = tokens(normalise(text))
    changes: list[tuple[str, str]] = []
    out: list[str] = []
    for i, word in enumerate(words):
        joined = "".join(words[i:i + 2])
        if i + 1 < len(words) and (joined in vocab.compact or speller.known(joined)):
            out.append(word)  # "t shirt", "tee shirt": the pair is a word the vocabulary knows
            continue
        meant = speller.correct(word)
        if meant is not None and (not out or out[-1] + word not in vocab.compact):
            changes.append((word, meant))
            out.append(meant)
        else:
            out.append(word)
    if not changes:
        return None
    return Correction(text=" ".join(out), changes=tuple(changes))
