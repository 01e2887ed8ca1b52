"""Session-wide tally of generated cases (fuzz examples, injection messages), printed by conftest."""
from __future__ import annotations

from collections import Counter

CASES: Counter[str] = Counter()


def tally(name: str, n: int = 1) -> None:
    CASES[name] += n
