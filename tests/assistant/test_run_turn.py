"""run_turn: the same steps, directly or as the LangChain sequence, give the same turn."""
from __future__ import annotations

from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from assistant import pipeline
from assistant.pipeline import TurnContext, run_turn

pytestmark = pytest.mark.django_db

DIALOGUE = ["blue sneakers for men under $40", "any colour is fine", "a watch for dad", "more like the first",
            "compare the first and second", "hello"]


class StepNames(BaseCallbackHandler):
    def __init__(self) -> None:
        self.chains: list[str] = []
        self.retrievers = 0

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        self.chains.append(kwargs.get("name") or "")

    def on_retriever_start(self, serialized: Any, query: str, **kwargs: Any) -> None:
        self.retrievers += 1


def _dialogue(*, callbacks: list[BaseCallbackHandler] | None) -> list[tuple[Any, ...]]:
    state: dict[str, Any] = {}
    out = []
    for text in DIALOGUE:
        ctx = run_turn(TurnContext(text=text, state=state, session_key="s" * 32), callbacks=callbacks)
        state = {"filters": ctx.filters.to_public(), "last_shown": ctx.hits or state.get("last_shown") or [],
                 "pending": ctx.pending, "query_terms": ctx.query_terms}
        out.append((ctx.reply, ctx.hits, ctx.filters.to_public(), ctx.count, [c["id"] for c in ctx.cards]))
    return out


def test_direct_and_langchain_runs_give_the_same_turns(catalogue):  # type: ignore[no-untyped-def]
    # given the same dialogue, once with a listener (so it runs as the LangChain sequence) and once without
    listener = StepNames()
    traced = _dialogue(callbacks=[listener])
    direct = _dialogue(callbacks=None)

    # then every turn is the same, and the listener heard each step of every turn and the searches
    assert direct == traced
    assert any(hits for _, hits, *_ in direct)
    for step in ("understand", "retrieve", "cards", "reply"):
        assert listener.chains.count(step) == len(DIALOGUE)
    assert listener.retrievers >= 3


def test_without_a_listener_langchain_is_not_entered(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    # given a pipeline that fails if invoked
    class Refuses:
        def invoke(self, *args: Any, **kwargs: Any) -> None:
            raise AssertionError("the LangChain sequence ran with nobody listening")

    monkeypatch.setattr(pipeline, "_pipeline", Refuses())

    # when a turn runs with no callbacks, no chat model and tracing off
    ctx = run_turn(TurnContext(text="blue sneakers for men under $40", state={}))

    # then it ran the steps directly
    assert ctx.hits and not ctx.traced


def test_tracing_turns_the_langchain_sequence_on(catalogue, monkeypatch):  # type: ignore[no-untyped-def]
    # given LangSmith tracing reported on (without sending anything anywhere: the sequence is replaced)
    calls: list[TurnContext] = []

    class Records:
        def invoke(self, ctx: TurnContext, config: Any = None) -> TurnContext:
            calls.append(ctx)
            return ctx

    monkeypatch.setattr(pipeline, "_pipeline", Records())
    monkeypatch.setattr(pipeline, "tracing_is_enabled", lambda: True)

    # when a turn runs
    ctx = run_turn(TurnContext(text="a watch", state={}))

    # then it went through the sequence
    assert calls == [ctx] and ctx.traced
