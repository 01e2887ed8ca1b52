"""Merchandising choices: what the listing shows first, what the home page's rows hold, what a listing
heading says. The shop sells clothes worn by twins, so clothes come first; cosmetics, innerwear and
home goods are a filter away, not the front page.
"""
from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from shop.caching import cached
from shop.models import ArticleType

# Sub categories of outer clothes (worn on a twin, shown first), then the master categories that follow.
CLOTHES_SUB_CATEGORIES: tuple[str, ...] = ("topwear", "dress", "bottomwear", "saree", "apparel-set")
FEATURED_MASTERS: tuple[str, ...] = ("footwear", "accessories")

# (title, listing parameters) of the home page's rows: clothes, by who wears them, newest first.
HOME_ROWS: tuple[tuple[str, dict[str, str]], ...] = (
    ("New in women's tops", {"gender": "Women", "category": "topwear", "sort": "newest"}),
    ("Dresses", {"gender": "Women", "category": "dress", "sort": "newest"}),
    ("New in men's shirts and t-shirts", {"gender": "Men", "category": "topwear", "sort": "newest"}),
    ("Jeans, trousers and skirts", {"category": "bottomwear", "sort": "newest"}),
    ("Shoes", {"category": "shoes", "sort": "newest"}),
)

_POSSESSIVE = {"Men": "Men's", "Women": "Women's", "Boys": "Boys'", "Girls": "Girls'", "Unisex": "Unisex"}


def _featured_ranks() -> dict[int, int]:
    """Article type id -> rank (0 clothes, 1 footwear, 2 accessories); absent types rank last."""
    rows = ArticleType.objects.values_list("pk", "sub_category__slug", "sub_category__master__slug")
    ranks = {}
    for pk, sub, master in rows:
        if sub in CLOTHES_SUB_CATEGORIES:
            ranks[pk] = 0
        elif master in FEATURED_MASTERS:
            ranks[pk] = 1 + FEATURED_MASTERS.index(master)
    return ranks


def featured_order(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The listing's order with no search and no sort chosen: clothes, then shoes, then accessories,
    then the rest; newest first within each. (Ordering by stock too doubled the page's time: a
    subquery per product over the whole catalogue.)"""
    ranks = cached("featured-ranks", (), _featured_ranks)
    by_rank: dict[int, list[int]] = {}
    for pk, rank in ranks.items():
        by_rank.setdefault(rank, []).append(pk)
    featured = Case(
        *(When(Q(article_type_id__in=pks), then=Value(r)) for r, pks in sorted(by_rank.items())),
        default=Value(len(FEATURED_MASTERS) + 1), output_field=IntegerField(),
    )
    return qs.annotate(_featured=featured).order_by("_featured", "-year", "catalog_id")


def listing_heading(*, q: str, gender: str, colour: str, usage: str, kind: str, size: str,
                    min_price: Any, max_price: Any, currency: str, brand: str = "", matching: str = "",
                    understood: bool = False) -> str:
    """What a listing shows, in words: "Women's Red Casual Dresses by Biba in size M up to 50 USD".

    `colour`, `kind` (article type or category) and `brand` are display names; empty parts are left out. A
    search the shop understood (`understood`) is named by what was understood ("Sports Shoes by Nike"), one it
    read literally by its words ("Results for “tee”"); `matching` is words every product's name carries."""
    words = [_POSSESSIVE.get(gender, gender), colour, usage, kind or ("products" if gender or colour or usage else "")]
    subject = " ".join(w for w in words if w)
    if brand:
        subject = f"{subject or 'Products'} by {brand}"
    extras = []
    if size:
        extras.append(f"in size {size}")
    if min_price is not None:
        extras.append(f"from {min_price} {currency}")
    if max_price is not None:
        extras.append(f"up to {max_price} {currency}")
    if matching:
        extras.append(f"matching “{matching}”")
    if q and not understood:
        where = " ".join([subject, *extras]).strip()
        return f"Results for “{q}”" + (f" in {where}" if where else "")
    if not subject:
        subject = "All products"
    return " ".join([subject, *extras])
