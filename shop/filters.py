"""What a catalogue filter means, defined once for the listing, the chat and the chat's search index.

`CatalogFilters` holds catalogue values (names, not slugs). Every filter is exact:

- genders, categories, article types, colours, usages, brands: the product has one of the values (a category
  is a master or a sub category name). A gender of Men or Women also admits Unisex products (they are made
  for both; the listing's gender facet says so); Boys, Girls and Unisex admit only themselves.
- exclude_colours, exclude_brands: the product has none of them (a product without a colour is never excluded
  by colour).
- min_price, max_price: inclusive bounds.
- size: the product has that size in stock.
- exclude_words: the product's name contains none of them, case-insensitively and as a part of the name
  ("not leather" also drops "Leatherette"): the words shoppers exclude that the catalogue carries only in
  names (materials, patterns), never as an attribute.
- name_words: the product's name contains every one of them, read the same way ("floral" keeps "Florals"):
  the search box's words that name no attribute (the literal search, and the words a search understands
  as no kind, colour, brand or person).

`as_q()` says it to the ORM (the listing), `matches(facts)` to a product in memory (the chat's check of every
database row it shows), and `conditions()` lists the value tests in a form the index turns into masks (the
index reads `exclude_words` and `name_words` itself, from its names).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

GENDER_ADMITS: dict[str, tuple[str, ...]] = {
    "Men": ("Men", "Unisex"),
    "Women": ("Women", "Unisex"),
    "Boys": ("Boys",),
    "Girls": ("Girls",),
    "Unisex": ("Unisex",),
}


def admitted_genders(genders: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The product genders a gender filter admits, in order, each once."""
    out: list[str] = []
    for gender in genders:
        for admitted in GENDER_ADMITS.get(gender, (gender,)):
            if admitted not in out:
                out.append(admitted)
    return tuple(out)


@dataclass(frozen=True)
class ProductFacts:
    """What the filters read of one product, as plain values."""

    gender: str
    article_type: str
    name: str = ""
    sub_category: str = ""
    master_category: str = ""
    colour: str = ""
    usage: str = ""
    brand: str = ""
    price: Decimal = Decimal("0")
    sizes_in_stock: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, product: Any, *, variants: list[Any] | None = None) -> ProductFacts:
        """From a shop Product with brand, colour and category chain loaded; `variants` if already at hand."""
        at = product.article_type
        variants = variants if variants is not None else list(product.variants.all())
        return cls(gender=product.gender, article_type=at.name, name=product.name, sub_category=at.sub_category.name,
                   master_category=at.sub_category.master.name,
                   colour=product.colour.name if product.colour_id else "", usage=product.usage or "",
                   brand=product.brand.name, price=product.price,
                   sizes_in_stock=frozenset(v.size for v in variants if v.stock > 0))


@dataclass(frozen=True)
class Condition:
    """One value test: the product's `fields` (any of them) hold one of `values`; `exclude` negates it.
    `name` is the filter it comes from (the chat can drop one by name)."""

    name: str
    fields: tuple[str, ...]
    values: tuple[str, ...]
    exclude: bool = False


# ProductFacts field -> ORM lookup path
_LOOKUP = {
    "gender": "gender", "article_type": "article_type__name", "sub_category": "article_type__sub_category__name",
    "master_category": "article_type__sub_category__master__name", "colour": "colour__name", "usage": "usage",
    "brand": "brand__name",
}


@dataclass(frozen=True)
class CatalogFilters:
    genders: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    article_types: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    usages: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    size: str | None = None
    exclude_colours: tuple[str, ...] = ()
    exclude_brands: tuple[str, ...] = ()
    exclude_words: tuple[str, ...] = ()
    name_words: tuple[str, ...] = ()

    def conditions(self) -> list[Condition]:
        wanted = [
            ("genders", ("gender",), admitted_genders(self.genders)),
            ("categories", ("master_category", "sub_category"), self.categories),
            ("article_types", ("article_type",), self.article_types),
            ("colours", ("colour",), self.colours),
            ("usages", ("usage",), self.usages),
            ("brands", ("brand",), self.brands),
        ]
        out = [Condition(name, fields, tuple(values)) for name, fields, values in wanted if values]
        if self.exclude_colours:
            out.append(Condition("exclude_colours", ("colour",), tuple(self.exclude_colours), exclude=True))
        if self.exclude_brands:
            out.append(Condition("exclude_brands", ("brand",), tuple(self.exclude_brands), exclude=True))
        return out

    def as_q(self) -> Q:
        """The filters as one Q over shop.Product."""
        from .models import Variant

        q = Q()
        for cond in self.conditions():
            test = Q()
            for name in cond.fields:
                test |= Q(**{f"{_LOOKUP[name]}__in": cond.values})
            if cond.exclude and cond.fields == ("colour",):
                test &= Q(colour__isnull=False)  # a product without a colour is never excluded by colour
            q &= ~test if cond.exclude else test
        for word in self.exclude_words:
            q &= ~Q(name__icontains=word)
        for word in self.name_words:
            q &= Q(name__icontains=word)
        if self.min_price is not None:
            q &= Q(price__gte=self.min_price)
        if self.max_price is not None:
            q &= Q(price__lte=self.max_price)
        if self.size:
            q &= Q(Exists(Variant.objects.filter(product=OuterRef("pk"), size=self.size, stock__gt=0)))
        return q

    def matches(self, facts: ProductFacts) -> bool:
        for cond in self.conditions():
            # an empty value (no colour, no usage) is never one of the values, as NULL is in SQL
            hit = any(getattr(facts, name) and getattr(facts, name) in cond.values for name in cond.fields)
            if hit == (not cond.exclude):
                continue
            return False
        name = facts.name.lower()
        if any(word.lower() in name for word in self.exclude_words):
            return False
        if not all(word.lower() in name for word in self.name_words):
            return False
        if self.min_price is not None and facts.price < self.min_price:
            return False
        if self.max_price is not None and facts.price > self.max_price:
            return False
        return not self.size or self.size in facts.sizes_in_stock
