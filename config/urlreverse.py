"""`reverse()` for URLs built many times per response: chat cards, product listings, twin image links.

Django's reverse() looks up the active language, the script prefix and the URLconf in request-local
storage and walks the resolver on every call; under ASGI that was a tenth of a chat worker's Python time
(py-spy, GIL samples: 10 product cards build ~30 URLs per turn). A one-argument URL is a fixed text either
side of its argument, so the two halves are reversed once per (name, script prefix, URLconf) and the
argument is placed between them.
"""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Accepted by both the int and the str converters, and no part of any route's fixed text.
_MARK = "2147483646"


@lru_cache(maxsize=256)
def _halves(name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    url = reverse(name, args=[_MARK], urlconf=urlconf)
    before, found, after = url.partition(_MARK)
    if not found or _MARK in after:
        raise ValueError(f"URL {name!r} does not take exactly one argument")
    return before, after


def reverse_one(name: str, arg: int | str) -> str:
    """reverse(name, args=[arg]) for an int, or a string of URL-safe characters (no quoting is applied,
    so a string must be one that reverse() would leave as it is: letters, digits and -_.:~)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _halves(name, get_script_prefix(), urlconf if isinstance(urlconf, str) else urlconf.__name__)
    return f"{before}{arg}{after}"
