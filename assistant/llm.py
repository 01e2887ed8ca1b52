"""Optional chat model (settings.ASSISTANT_CHAT_MODEL, any `init_chat_model` provider).

It is given catalogue data only (the vocabulary, the current filters, the cards about to be shown) and
no tools at all, so it can read but never act; its structured output is validated against the catalogue
vocabulary, and its prose is stripped of markup before it reaches the browser (which also inserts it as
text, never as HTML).
"""
from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.html import strip_tags

from .understanding.schema import Filters, LLMUnderstanding
from .understanding.vocabulary import Vocabulary

logger = logging.getLogger(__name__)

_model: Any = None
_model_name: str | None = None
_lock = threading.Lock()


def get_chat_model() -> Any:
    """The configured chat model, or None (the offline default)."""
    global _model, _model_name
    name = settings.ASSISTANT_CHAT_MODEL
    if not name:
        return None
    with _lock:
        if _model is None or _model_name != name:
            from langchain.chat_models import init_chat_model

            _model = init_chat_model(name, temperature=0)
            _model_name = name
    return _model


def _system_prompt(vocab: Vocabulary) -> str:
    return (
        "You turn a shopper's message into catalogue filters for a fashion shop. Use ONLY these labels.\n"
        f"genders: {', '.join(vocab.genders)}\n"
        f"article_types: {', '.join(vocab.article_types)}\n"
        f"colours: {', '.join(vocab.colours)}\n"
        f"usages: {', '.join(vocab.usages)}\n"
        "Return the complete filters after the message (keep earlier filters unless the shopper changes or "
        "drops them). Prices are in USD. An occasion goes in usages: it only ranks the results, it never "
        "filters them. Put descriptive words that are not filters in `query`."
    )


def validate_filters(f: Filters, vocab: Vocabulary) -> Filters:
    """Drop anything the model made up: only catalogue labels survive."""
    allowed = {
        "genders": set(vocab.genders), "article_types": set(vocab.article_types), "colours": set(vocab.colours),
        "usages": set(vocab.usages), "brands": set(vocab.brands), "exclude_colours": set(vocab.colours),
        "exclude_brands": set(vocab.brands),
    }
    data = f.model_dump()
    for key, ok in allowed.items():
        data[key] = [v for v in data[key] if v in ok]
    if data["size"] is not None and vocab.sizes and data["size"] not in vocab.sizes:
        data["size"] = None
    return Filters.model_validate(data)


def llm_understand(model: Any, *, text: str, filters: Filters, vocab: Vocabulary) -> LLMUnderstanding | None:
    messages = [
        ("system", _system_prompt(vocab)),
        ("human", f"Current filters: {json.dumps(filters.to_public())}\nShopper: {text[:1000]}"),
    ]
    try:
        out = model.with_structured_output(LLMUnderstanding).invoke(messages)
    except Exception:  # noqa: BLE001 - any provider error falls back to the offline understanding
        logger.exception("chat model understanding failed; using the offline parser")
        return None
    if isinstance(out, dict):
        out = LLMUnderstanding.model_validate(out)
    out.filters = validate_filters(out.filters, vocab)
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_model_text(text: str) -> str:
    return _CONTROL.sub("", strip_tags(text))[:1200]


def llm_phrase(model: Any, *, text: str, draft: str, cards: list[dict[str, Any]]) -> Iterator[str]:
    """Stream a friendlier wording of `draft`, grounded in the cards only."""
    facts = [
        {k: c[k] for k in ("name", "price", "currency", "colour", "article_type", "brand")} for c in cards[:10]
    ]
    messages = [
        ("system", "You are a shop assistant. Rephrase the draft reply in at most three sentences. Mention only "
                   "products from the list; never invent products, prices or facts. Plain text, no markup."),
        ("human", f"Shopper: {text[:500]}\nDraft: {draft}\nProducts: {json.dumps(facts)}"),
    ]
    for chunk in model.stream(messages):
        content = getattr(chunk, "content", "")
        if isinstance(content, str) and content:
            yield clean_model_text(content)
