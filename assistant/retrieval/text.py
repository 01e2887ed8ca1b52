"""The one text a product is embedded as. Changing it changes every text hash, so it is versioned."""
from __future__ import annotations

import hashlib

TEXT_VERSION = 1


def product_text(*, name: str, gender: str, article_type: str, colour: str, usage: str) -> str:
    # Name first (it carries brand and style words); then the structured facets so that products whose
    # name is terse still land near queries phrased in facet words ("women white casual shoes").
    parts = [name.strip(), f"{article_type} for {gender}".strip()]
    if colour and colour != "NA":
        parts.append(colour)
    if usage and usage != "NA":
        parts.append(usage)
    return " | ".join(parts)


def text_hash(text: str) -> str:
    return hashlib.blake2b(f"v{TEXT_VERSION}\x00{text}".encode(), digest_size=16).hexdigest()
