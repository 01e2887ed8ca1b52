"""Which licensed twin a shopper's words ask for: "show it on a taller model", "on someone my size (M)", "on Priya".

The candidates are the twins the gate would license for the product (licensing.selectors, by the rules in
licensing.rules); nothing here widens them. The words only narrow them by the twins' own measurements (height,
clothing size); among the twins that fit, the fair rotation (licensing.showcase.rotation via choose_twins) picks,
so a wish for "taller" does not hand every such view to the one tallest twin.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from licensing.models import CLOTHING_SIZE_ORDER
from licensing.showcase.selectors import choose_twins

HEIGHT_REQUESTS = {"taller": 1, "shorter": -1}
SIZE_REQUEST = "my size"


@dataclass(frozen=True)
class TwinChoice:
    twin_id: int | None  # None: the next covering twin (show_on_twin's "another")
    detail: str = ""  # what the reply says about the choice: "178 cm, taller than Priya (170 cm)"
    question: str = ""  # asked instead of choosing ("Which clothing size do you wear?")


def _name(twin: Any) -> str:
    return str(twin.talent.display_name)


def _by_height(candidates: Sequence[Any], shown: Any, *, direction: int, product: Any,
               session_key: str) -> TwinChoice:
    height = shown.talent.height_cm
    pool = [t for t in candidates if (t.talent.height_cm - height) * direction > 0]
    if not pool:
        most = "tallest" if direction > 0 else "shortest"
        return TwinChoice(shown.pk, f"{height} cm: the {most} model who can show it")
    pick = choose_twins(list(pool), product=product, session_key=session_key)[0]
    word = "taller" if direction > 0 else "shorter"
    return TwinChoice(pick.pk, f"{pick.talent.height_cm} cm, {word} than {_name(shown)} ({height} cm)")


def _by_size(candidates: Sequence[Any], *, size: str | None, product: Any, session_key: str) -> TwinChoice:
    wanted = (size or "").upper()
    if wanted not in CLOTHING_SIZE_ORDER:
        sizes = ", ".join(CLOTHING_SIZE_ORDER)
        return TwinChoice(None, question=f"Which clothing size do you wear ({sizes})? Say, for example, "
                                         "\"show it on someone my size, M\".")
    distance = {t.pk: abs(CLOTHING_SIZE_ORDER.get(t.talent.clothing_size, 2) - CLOTHING_SIZE_ORDER[wanted])
                for t in candidates}
    nearest = min(distance.values())
    pool = [t for t in candidates if distance[t.pk] == nearest]
    pick = choose_twins(pool, product=product, session_key=session_key)[0]
    fits = "your size" if nearest == 0 else f"the closest to your {wanted} among the models who can show it"
    return TwinChoice(pick.pk, f"who wears {pick.talent.clothing_size}, {fits}")


def twin_for_request(candidates: Sequence[Any], *, product: Any, request: str, shown_id: int | None,
                     size: str | None, session_key: str) -> TwinChoice:
    """The twin the words ask for among `candidates`. `shown_id`: the twin the product was last shown on in
    this chat (None: the one the rotation shows this session)."""
    if not candidates:
        return TwinChoice(None)
    request = (request or "").lower().strip()
    named = [t for t in candidates
             if request and request in f"{getattr(t, 'name', '')} {_name(t)}".lower().split()]
    if named:
        return TwinChoice(named[0].pk)
    shown = next((t for t in candidates if t.pk == shown_id), None)
    if shown is None:
        shown = choose_twins(list(candidates), product=product, session_key=session_key)[0]
    if request in HEIGHT_REQUESTS:
        return _by_height(candidates, shown, direction=HEIGHT_REQUESTS[request], product=product,
                          session_key=session_key)
    if request == SIZE_REQUEST:
        return _by_size(candidates, size=size, product=product, session_key=session_key)
    return TwinChoice(None)
