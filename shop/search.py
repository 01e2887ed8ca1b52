"""One search for the shop: what the words of `/products/?q=` mean, and in which order their products come.

The shop alone reads the words literally: every word must occur in the product's name (`CatalogFilters.
name_words`), names that start with the first word first. The assistant understands the same words as its chat
does (the catalogue's vocabulary, published colour names, typo tolerance, embeddings) and registers itself
here from its AppConfig.ready(), the way licensing adds the twin panel (shop.pages): the shop never imports
it. A provider reads a query into exact limits (`SearchReading.limits`, in shop.filters' one definition of
what a filter means) that the listing applies together with the filters in its URL, and ranks what meets
both; the database remains the truth of which products are shown.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from shop.filters import CatalogFilters


@dataclass(frozen=True)
class SearchChip:
    """One thing the search understood ("Colour: red"), removable: `q` is the query without the words that
    said it."""

    label: str
    q: str


@dataclass(frozen=True)
class SearchReading:
    """What a query means to the listing."""

    q: str  # the words searched: the query as typed, or its correction
    limits: CatalogFilters  # exact: every product listed meets them (and the URL's filters)
    # What was understood, as display words the heading combines with the URL's filters ("" = not read).
    gender: str = ""
    colour: str = ""
    kind: str = ""
    brand: str = ""
    usage: str = ""
    matching: str = ""  # words every product's name carries ("batman"), said after the heading's subject
    corrected_from: str = ""  # the query as typed, when `q` corrects a word the catalogue does not know
    chips: tuple[SearchChip, ...] = ()
    notes: tuple[str, ...] = ()
    assistant_url: str = ""  # the chat, opened with the query: "" when no assistant is installed
    understood: bool = False  # the words were read as a kind, colour, brand or person (the heading says so)
    context: Any = field(default=None, compare=False)  # the provider's own, for rank()

    @property
    def did_you_mean(self) -> str:
        return self.q if self.corrected_from else ""


class SearchProvider(Protocol):
    def read(self, *, q: str, filters: CatalogFilters) -> SearchReading:
        """The query's meaning; `filters` are the listing's own (a reading may loosen what it inferred, and
        say so, when nothing meets both)."""
        ...

    def rank(self, *, reading: SearchReading, filters: CatalogFilters) -> Sequence[int] | None:
        """Catalogue ids of the published products meeting `reading.limits` and `filters`, best first; None
        when it cannot rank (the shop then orders them itself)."""
        ...


_provider: SearchProvider | None = None


def on_search(provider: SearchProvider) -> SearchProvider:
    """Register the shop's search provider (one: the last registered answers)."""
    global _provider
    _provider = provider
    return provider


def search_provider() -> SearchProvider | None:
    return _provider


def search_provider_swap(provider: SearchProvider | None) -> SearchProvider | None:
    """Install `provider` (None: the literal search) and return the one it replaces (tests, other apps)."""
    global _provider
    previous, _provider = _provider, provider
    return previous


MAX_LITERAL_WORDS = 8  # each is a LIKE over every name: a long query reads its first words


def literal_reading(q: str, words: Sequence[str]) -> SearchReading:
    """The shop's own reading: each word in the product's name, nothing else claimed."""
    return SearchReading(q=q, limits=CatalogFilters(name_words=tuple(words[:MAX_LITERAL_WORDS])))


def search_read(*, q: str, words: Sequence[str], filters: CatalogFilters) -> SearchReading:
    if not q:
        return SearchReading(q="", limits=CatalogFilters())
    provider = _provider
    if provider is None:
        return literal_reading(q, words)
    return provider.read(q=q, filters=filters)


def search_rank(*, reading: SearchReading, filters: CatalogFilters) -> Sequence[int] | None:
    provider = _provider
    if provider is None or not reading.q:
        return None
    return provider.rank(reading=reading, filters=filters)
