"""Which licensed twin a shopper's words ask for: "show it on a taller model", "on someone my size (M)", "on Priya".

The candidates are the twins the gate would license for the product (licensing.selectors, by the rules in
licensing.rules); nothing here widens them. The words only narrow them by the twins' own measurements (height,
clothing size, waist and hips): relative words ("taller", "curvier") against the twin on screen, words for
a kind of figure ("petite", "plus size") by what the trade means by them. Among the twins that fit, the fair
rotation (licensing.showcase.rotation via choose_twins) picks, so a wish for "taller" does not hand every such view to the one tallest twin.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from licensing.models import CLOTHING_SIZE_ORDER
from licensing.showcase.selectors import choose_twins

SIZE_REQUEST = "my size"
# The cut the fashion trade calls petite is for women of 5'4" (163 cm) and under; plus sizes start above L.
PETITE_MAX_CM = 163
PLUS_SIZE_FROM = "XL"


@dataclass(frozen=True)
class Measure:
    """One of a twin's measurements as the words compare it: the value (larger = more of what the word asks
    for when the direction is +1) and how the reply says it."""
    value: Callable[[Any], float]
    said: Callable[[Any], str]


HEIGHT = Measure(lambda t: t.talent.height_cm, lambda t: f"{t.talent.height_cm} cm")
SIZE = Measure(lambda t: CLOTHING_SIZE_ORDER.get(t.talent.clothing_size, 2), lambda t: f"who wears {t.talent.clothing_size}")
# Curvier is a lower waist-to-hip ratio (the usual measure of a figure's curves), so its negative grows with it.
CURVES = Measure(lambda t: -t.talent.waist_cm / t.talent.hips_cm,
                 lambda t: f"waist {t.talent.waist_cm} cm, hips {t.talent.hips_cm} cm")
# Words that compare with the twin on screen: (measure, direction, "taller", "tallest").
RELATIVE: dict[str, tuple[Measure, int, str, str]] = {
    "taller": (HEIGHT, 1, "taller", "tallest"), "shorter": (HEIGHT, -1, "shorter", "shortest"),
    "curvier": (CURVES, 1, "curvier", "curviest"), "slimmer": (SIZE, -1, "in a smaller size", "slimmest"),
    "bigger": (SIZE, 1, "in a larger size", "largest size"), "larger": (SIZE, 1, "in a larger size", "largest size"),
    "smaller": (SIZE, -1, "in a smaller size", "smallest size"),
}
CURVY_SHAPES = frozenset({"curvy", "hourglass", "pear"})  # licensing.models.BodyShape values
# Words that name a kind of figure whatever is on screen: (measure, direction toward it, who fits, what it means).
ABSOLUTE: dict[str, tuple[Measure, int, Callable[[Any], bool], str]] = {
    "petite": (HEIGHT, -1, lambda t: t.talent.height_cm <= PETITE_MAX_CM,
               f"petite ({PETITE_MAX_CM} cm, 5'4\", and under)"),
    "plus size": (SIZE, 1, lambda t: SIZE.value(t) >= CLOTHING_SIZE_ORDER[PLUS_SIZE_FROM],
                  f"plus size ({PLUS_SIZE_FROM} and up)"),
    "curvy": (CURVES, 1, lambda t: t.talent.body_shape in CURVY_SHAPES, "a curvy figure"),
}


@dataclass(frozen=True)
class TwinChoice:
    twin_id: int | None  # None: the next covering twin (show_on_twin's "another")
    detail: str = ""  # what the reply says about the choice: "178 cm, taller than Priya (170 cm)"
    question: str = ""  # asked instead of choosing ("Which clothing size do you wear?")


def _name(twin: Any) -> str:
    return str(twin.talent.display_name)


def _relative(candidates: Sequence[Any], shown: Any, request: str, *, product: Any, session_key: str) -> TwinChoice:
    """"A taller model", "someone curvier": among the twins with more of the measure than the one on screen."""
    measure, direction, word, most = RELATIVE[request]
    here = measure.value(shown)
    pool = [t for t in candidates if (measure.value(t) - here) * direction > 0]
    if not pool:
        return TwinChoice(shown.pk, f"{measure.said(shown)}: the {most} model who can show it")
    pick = choose_twins(list(pool), product=product, session_key=session_key)[0]
    return TwinChoice(pick.pk, f"{measure.said(pick)}, {word} than {_name(shown)} ({measure.said(shown)})")


def _absolute(candidates: Sequence[Any], request: str, *, product: Any, session_key: str) -> TwinChoice:
    """"A petite model", "plus size": the twins whose measurements fit the word; when none does, the ones
    nearest to it, and the reply says so."""
    measure, direction, fits, meaning = ABSOLUTE[request]
    pool = [t for t in candidates if fits(t)]
    if pool:
        pick = choose_twins(pool, product=product, session_key=session_key)[0]
        return TwinChoice(pick.pk, f"{measure.said(pick)}: {meaning}")
    best = max(measure.value(t) * direction for t in candidates)
    nearest = [t for t in candidates if measure.value(t) * direction == best]
    pick = choose_twins(nearest, product=product, session_key=session_key)[0]
    return TwinChoice(pick.pk, f"{measure.said(pick)}: no model who can show it is {meaning}; this is the nearest")


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


def shown_twin(candidates: Sequence[Any], *, shown_id: int | None, product: Any, session_key: str) -> Any:
    """The twin the product's card shows in this chat: the one it was last shown on (`shown_id`), else the fair
    rotation's pick for the session."""
    shown = next((t for t in candidates if t.pk == shown_id), None)
    return shown if shown is not None else choose_twins(list(candidates), product=product, session_key=session_key)[0]


def twin_for_request(candidates: Sequence[Any], *, product: Any, request: str, shown_id: int | None,
                     size: str | None, session_key: str) -> TwinChoice:
    """The twin the words ask for among `candidates`. `shown_id`: the twin the product was last shown on in
    this chat (None: the one the rotation shows this session)."""
    if not candidates:
        return TwinChoice(None)
    request = " ".join((request or "").lower().replace("-", " ").replace("plussize", "plus size").split())
    named = [t for t in candidates
             if request and request in f"{getattr(t, 'name', '')} {_name(t)}".lower().split()]
    if named:
        return TwinChoice(named[0].pk)
    shown = shown_twin(candidates, shown_id=shown_id, product=product, session_key=session_key)
    if request in RELATIVE:
        return _relative(candidates, shown, request, product=product, session_key=session_key)
    if request in ABSOLUTE:
        return _absolute(candidates, request, product=product, session_key=session_key)
    if request == SIZE_REQUEST:
        return _by_size(candidates, size=size, product=product, session_key=session_key)
    return TwinChoice(None)
