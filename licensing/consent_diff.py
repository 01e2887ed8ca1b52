"""What an amendment changes: the terms of two consent versions side by side, term by term.

A talent reads an amendment next to the version it replaces; the changed terms are marked, so a new
rate or a new view cap cannot go unnoticed in a long text."""
from __future__ import annotations

from dataclasses import dataclass

from .models import ConsentGrant


@dataclass(frozen=True)
class TermRow:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _listed(values: list[str]) -> str:
    return ", ".join(sorted(values))  # order carries no meaning in the terms: a reordering is no change


def _products(g: ConsentGrant) -> str:
    allowed = _listed(g.allowed_master_categories + g.allowed_article_types) or "any category"
    excluded = _listed(g.excluded_master_categories + g.excluded_article_types)
    return f"{allowed}; excluding {excluded}" if excluded else allowed


def _terms(g: ConsentGrant) -> dict[str, str]:
    return {
        "Who pays": g.payer_label,
        "Purpose": g.purpose,
        "Channels": _listed(g.channels),
        "Products": _products(g),
        "Territories": "worldwide" if "*" in g.territories else _listed(g.territories),
        "Valid from": f"{g.valid_from:%Y-%m-%d}",
        "Valid until": f"{g.valid_until:%Y-%m-%d}",
        "Rate per billable view": f"{g.rate_per_view.normalize():f} {g.currency}",
        "View cap": f"{g.view_cap:,} billable views" if g.view_cap else "no cap",
    }


def terms_diff(*, old: ConsentGrant, new: ConsentGrant) -> list[TermRow]:
    """Every term of `new` next to the same term of `old`, in reading order."""
    before, after = _terms(old), _terms(new)
    return [TermRow(label, before[label], after[label]) for label in after]
