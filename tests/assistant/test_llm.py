"""The optional chat-model path, with a fake model: structured understanding, streamed phrasing, safety."""
from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import llm as llm_mod
from assistant.models import Conversation
from assistant.services import conversation_message

pytestmark = pytest.mark.django_db


class FakeToolCallingModel(GenericFakeChatModel):
    """GenericFakeChatModel replays scripted messages; binding tools is a no-op so that
    `with_structured_output` parses the scripted tool call exactly as it would a provider's."""

    def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> Any:
        return self


def understanding_call(filters: dict[str, Any], **extra: Any) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": "LLMUnderstanding", "args": {"filters": filters, **extra}, "id": "call-1"}])


def test_structured_output_drives_the_filters_and_phrasing_is_streamed_and_stripped(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    model = FakeToolCallingModel(messages=iter([
        understanding_call({"genders": ["Men"], "article_types": ["Casual Shoes", "Hoverboards"],
                            "colours": ["Blue", "Navy Blue", "Ultraviolet"], "max_price": "40"}),
        AIMessage(content="The <b>Puma</b> canvas pair fits your budget.<script>alert(1)</script>"),
    ]))
    monkeypatch.setattr(llm_mod, "get_chat_model", lambda: model)
    convo = Conversation.objects.create(session_key="llm1")
    deltas: list[str] = []

    result = conversation_message(conversation=convo, text="something blue to kick about in, for him, max forty",
                                  on_delta=deltas.append)

    # made-up labels are dropped; only catalogue labels survive
    assert result.filters["article_types"] == ["Casual Shoes"]
    assert result.filters["colours"] == ["Blue", "Navy Blue"]
    assert result.filters["max_price"] == "40.00"
    assert [p["name"] for p in result.products] == ["Puma Men Blue Canvas Sneakers"]
    assert result.text == "The Puma canvas pair fits your budget.alert(1)"
    assert "<" not in "".join(deltas) and len(deltas) > 1


def test_a_failing_model_falls_back_to_the_offline_understanding(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    class Broken(FakeToolCallingModel):
        def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> Any:
            raise RuntimeError("provider down")

        def stream(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
            raise RuntimeError("provider down")

    monkeypatch.setattr(llm_mod, "get_chat_model", lambda: Broken(messages=iter([])))
    convo = Conversation.objects.create(session_key="llm2")
    result = conversation_message(conversation=convo, text="men's watches under $130")
    assert {p["name"] for p in result.products} == {"Titan Men Steel Analog Watch", "Unisex Black Digital Watch"}
    assert result.text.startswith("These are all 2")


def test_the_model_is_configured_by_setting_only(settings):  # type: ignore[no-untyped-def]
    settings.ASSISTANT_CHAT_MODEL = None
    assert llm_mod.get_chat_model() is None
