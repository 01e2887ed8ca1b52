"""The taxonomy and brands a catalogue file refers to, looked up by name (case-insensitive) and created in bulk
with unique slugs when missing."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Model
from django.utils.text import slugify

from shop.catalog_data import COLOUR_HEX, FALLBACK_HEX
from shop.models import ArticleType, Brand, Colour, MasterCategory, SubCategory
from shop.services.catalog.rows import CatalogRow

BATCH = 1000
_IN_CHUNK = 900  # stays under SQLite's historical 999 bound-parameter limit


def _unique_slug(name: str, taken: set[str], max_length: int) -> str:
    base = (slugify(name) or "item")[: max_length - 6]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _chunks(items: list[Any], size: int = _IN_CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class _Lookups:
    """Existing taxonomy keyed by lower-cased name, so "blue" and "Blue" are one colour."""

    masters: dict[str, MasterCategory]
    subs: dict[tuple[int, str], SubCategory]
    article_types: dict[str, ArticleType]
    colours: dict[str, Colour]
    brands: dict[str, Brand]

    @classmethod
    def load(cls) -> _Lookups:
        return cls(
            masters={m.name.lower(): m for m in MasterCategory.objects.all()},
            subs={(s.master_id, s.name.lower()): s for s in SubCategory.objects.all()},
            article_types={a.name.lower(): a for a in ArticleType.objects.all()},
            colours={c.name.lower(): c for c in Colour.objects.all()},
            brands={b.name.lower(): b for b in Brand.objects.all()},
        )

    def canonical(self, rows: list[CatalogRow]) -> list[CatalogRow]:
        """Rewrite names to the spelling already in the database, so comparisons are exact."""
        out = []
        for r in rows:
            at = self.article_types.get(r.article_type.lower())
            col = self.colours.get(r.colour.lower()) if r.colour else None
            br = self.brands.get(r.brand.lower())
            out.append(
                replace(
                    r,
                    article_type=at.name if at else r.article_type,
                    colour=col.name if col else r.colour,
                    brand=br.name if br else r.brand,
                )
            )
        return out

    def ensure(self, rows: list[CatalogRow]) -> None:
        """Create missing masters, sub categories, article types, colours and brands (bulk, few queries)."""
        wanted_at = self._missing_article_types(rows)
        self.masters.update(
            _bulk_new(MasterCategory, self.masters, {m for _, m, _ in wanted_at.values()}, 100)
        )
        self._ensure_subs(wanted_at)
        self._ensure_article_types(wanted_at)
        colours = {r.colour for r in rows if r.colour and r.colour.lower() not in self.colours}
        self.colours.update(_bulk_new(Colour, self.colours, colours, 60, hex_for=True))
        brands = {r.brand for r in rows if r.brand and r.brand.lower() not in self.brands}
        self.brands.update(_bulk_new(Brand, self.brands, brands, 140))

    def _missing_article_types(self, rows: list[CatalogRow]) -> dict[str, tuple[str, str, str]]:
        """lower-cased name -> (name, master, sub) for every article type the database lacks."""
        # An article type belongs to one sub category; the catalogue files a few under two
        # (e.g. "Shorts" under Bottomwear and Loungewear), so the most common filing wins.
        filing: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        for r in rows:
            filing[r.article_type.lower()][(r.master, r.sub)] += 1
        wanted_at: dict[str, tuple[str, str, str]] = {}
        for r in rows:
            key = r.article_type.lower()
            if key not in self.article_types and key not in wanted_at:
                (master, sub), _ = max(filing[key].items(), key=lambda kv: (kv[1], kv[0]))
                wanted_at[key] = (r.article_type, master, sub)
        return wanted_at

    def _ensure_subs(self, wanted_at: dict[str, tuple[str, str, str]]) -> None:
        new_subs: dict[tuple[int, str], SubCategory] = {}
        slugs_by_master: dict[int, set[str]] = defaultdict(set)
        for s in self.subs.values():
            slugs_by_master[s.master_id].add(s.slug)
        for _, master_name, sub_name in wanted_at.values():
            master = self.masters[master_name.lower()]
            key = (master.pk, sub_name.lower())
            if key not in self.subs and key not in new_subs:
                new_subs[key] = SubCategory(
                    master=master, name=sub_name, slug=_unique_slug(sub_name, slugs_by_master[master.pk], 100)
                )
        if new_subs:
            SubCategory.objects.bulk_create(new_subs.values())
            self.subs.update({(s.master_id, s.name.lower()): s for s in SubCategory.objects.all()})

    def _ensure_article_types(self, wanted_at: dict[str, tuple[str, str, str]]) -> None:
        taken = set(ArticleType.objects.values_list("slug", flat=True))
        new_ats = []
        for name, master_name, sub_name in wanted_at.values():
            sub = self.subs[(self.masters[master_name.lower()].pk, sub_name.lower())]
            new_ats.append(ArticleType(sub_category=sub, name=name, slug=_unique_slug(name, taken, 100)))
        if new_ats:
            ArticleType.objects.bulk_create(new_ats)
            self.article_types = {a.name.lower(): a for a in ArticleType.objects.all()}


def _bulk_new(model: type[Model], existing: dict[str, Any], names: set[str], slug_len: int, hex_for: bool = False) -> dict[str, Any]:
    todo: dict[str, str] = {}
    for n in sorted(names):
        if n.lower() not in existing and n.lower() not in todo:
            todo[n.lower()] = n
    if not todo:
        return {}
    taken = set(model.objects.values_list("slug", flat=True))  # type: ignore[attr-defined]
    objs = []
    for n in todo.values():
        kwargs: dict[str, Any] = {"name": n, "slug": _unique_slug(n, taken, slug_len)}
        if hex_for:
            kwargs["hex"] = COLOUR_HEX.get(n) or COLOUR_HEX.get(n.title()) or FALLBACK_HEX
        objs.append(model(**kwargs))
    model.objects.bulk_create(objs, batch_size=BATCH)  # type: ignore[attr-defined]
    return {o.name.lower(): o for o in model.objects.filter(name__in=list(todo.values()))}  # type: ignore[attr-defined]

