"""Outfit completion: what goes with a product, by garment role and a colour-harmony rule.

Roles come from the catalogue's own sub-categories (Topwear, Bottomwear, Shoes, ...); the outer layers of
Topwear (blazers, jackets, sweaters) are their own role, so a blazer is completed with shirts, not with more
blazers. COMPLEMENTS says which roles complete which.

Colour harmony (the neutral-plus-accent rule stylists teach): neutrals (black, white, grey, navy, beige,
brown and their shades, metal tones) go with everything; a chromatic piece goes with neutrals and with its
own colour family (tone on tone). So a navy blazer takes any colour, a red dress takes neutrals and reds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .retrieval.index import Snapshot
from .understanding.lexicon import COLOUR_FAMILIES

OUTER = frozenset({"Blazers", "Jackets", "Nehru Jackets", "Rain Jacket", "Sweaters", "Sweatshirts", "Shrug",
                   "Waistcoat", "Suits"})
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    "Outer": ("Bottomwear", "Topwear", "Shoes", "Belts", "Ties", "Watches"),
    "Topwear": ("Bottomwear", "Shoes", "Outer", "Belts", "Watches"),
    "Bottomwear": ("Topwear", "Shoes", "Belts", "Outer"),
    "Dress": ("Shoes", "Sandal", "Bags", "Jewellery", "Watches"),
    "Saree": ("Shoes", "Sandal", "Bags", "Jewellery"),
    "Shoes": ("Topwear", "Bottomwear", "Socks", "Belts"),
    "Sandal": ("Topwear", "Bottomwear", "Dress"),
    "Flip Flops": ("Topwear", "Bottomwear"),
    "Bags": ("Topwear", "Bottomwear", "Dress", "Shoes"),
    "Watches": ("Topwear", "Bottomwear", "Shoes"),
    "Jewellery": ("Dress", "Topwear", "Bags"),
    "Eyewear": ("Topwear", "Bottomwear", "Shoes"),
    "Belts": ("Topwear", "Bottomwear", "Shoes"),
}
NEUTRAL_FAMILIES = ("Black", "White", "Grey", "Beige", "Brown", "Silver")
NEUTRAL_EXTRA = ("Black", "Navy Blue", "Gold", "Steel", "Metallic", "Skin", "Nude", "Taupe")
PER_ROLE = 2


@dataclass
class Outfit:
    anchor_id: int
    roles: list[str]
    colours: list[str] | None  # None: any colour goes
    hits: list[int]


def role_of(article_type: str, sub_category: str) -> str:
    return "Outer" if article_type in OUTER else sub_category


def harmonious_colours(colour: str) -> list[str] | None:
    """The catalogue colours that go with `colour`; None when it is a neutral (everything goes)."""
    neutrals = {c for head in NEUTRAL_FAMILIES for c in COLOUR_FAMILIES.get(head, [head])} | set(NEUTRAL_EXTRA)
    if not colour or colour in neutrals:
        return None
    family = next((members for members in COLOUR_FAMILIES.values() if colour in members), [colour])
    return sorted(neutrals | set(family))


def types_by_role(type_rows: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, sub, _master in type_rows:
        out.setdefault(role_of(name, sub), []).append(name)
    return out


def complete(snap: Snapshot, *, anchor_id: int, base: np.ndarray, roles: dict[str, list[str]],
             anchor_type: str, anchor_sub: str, anchor_colour: str, anchor_usage: str, k: int = 10) -> Outfit:
    """The anchor first, then the best of each complementary role in turn (same audience via `base`)."""
    wanted = COMPLEMENTS.get(role_of(anchor_type, anchor_sub), ("Topwear", "Bottomwear", "Shoes"))
    colours = harmonious_colours(anchor_colour)
    mask = base.copy()
    if colours is not None:
        mask &= snap._isin(snap.colour, snap.colour_codes, colours)
    query = snap.vector_of(anchor_id)
    boost = snap.wish_boost(usages=[anchor_usage] if anchor_usage else [], seasons=[])
    picks: list[list[int]] = []
    for role in wanted:
        types = [t for t in roles.get(role, []) if t != anchor_type]
        if not types or query is None:
            continue
        role_mask = mask & snap._isin(snap.article_type, snap.type_codes, types)
        # one per article type first, so a role shows trousers and jeans rather than two trousers
        ranked = snap.rank(role_mask, query, k=PER_ROLE * 4, exclude=[anchor_id], boost=boost)
        seen: set[int] = set()
        chosen: list[int] = []
        for cid, _score in ranked:
            t = int(snap.article_type[snap.row_of[cid]])
            if t not in seen:
                seen.add(t)
                chosen.append(cid)
        chosen += [cid for cid, _ in ranked if cid not in chosen]
        if chosen:
            picks.append(chosen)
    hits = [anchor_id]
    depth = 0
    while len(hits) < k and any(depth < len(p) for p in picks):
        for p in picks:
            if depth < len(p) and len(hits) < k:
                hits.append(p[depth])
        depth += 1
    return Outfit(anchor_id=anchor_id, roles=[r for r in wanted if roles.get(r)], colours=colours, hits=hits)
