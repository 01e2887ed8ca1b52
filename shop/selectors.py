"""Shop reads: the product listing (filters, search, sort, facets) and single products.

The listing takes untrusted query parameters. `parse_filters` turns them into a `ProductFilters` and a
list of human-readable notes for whatever it had to ignore, so a hostile or stale URL degrades to a
sensible page instead of an error.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Sum, Value, When
from django.http import Http404, QueryDict
from django.utils.text import slugify

from shop.caching import cached
from shop.filters import CatalogFilters, admitted_genders
from shop.merchandising import HOME_ROWS, featured_order
from shop.models import ArticleType, Brand, Colour, Gender, MasterCategory, Product, SubCategory, Variant
from shop.search import SearchReading, search_rank, search_read

# Attribute a page of products carries its variants in, as a plain list (assistant.selectors.
# products_by_catalog_ids sets it), so reading them builds no queryset per product.
VARIANTS_ATTR = "variant_list"


def variants_of(product: Product) -> list[Variant]:
    """The product's variants in position order: the list loaded with it if any, else its related manager
    (which uses a prefetch of its own, or queries)."""
    loaded = getattr(product, VARIANTS_ATTR, None)
    return loaded if loaded is not None else list(product.variants.all())


MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
MAX_PRICE_FILTER = Decimal("99999999.99")


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NAME = "name"

    CHOICES: tuple[tuple[str, str], ...] = (
        (RELEVANCE, "Relevance"),
        (NEWEST, "Newest"),
        (PRICE_ASC, "Price: low to high"),
        (PRICE_DESC, "Price: high to low"),
        (NAME, "Name A–Z"),
    )
    ORDERING: dict[str, tuple[str, ...]] = {
        NEWEST: ("-year", "-catalog_id"),
        PRICE_ASC: ("price", "catalog_id"),
        PRICE_DESC: ("-price", "catalog_id"),
        NAME: ("name", "catalog_id"),
    }


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    gender: str = ""
    category: str = ""  # a master or sub category slug
    article_type: str = ""  # slug
    colour: str = ""  # slug
    usage: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    size: str = ""
    brand: str = ""  # slug (a catalogue name works too)
    sort: str = Sort.RELEVANCE
    page: int = 1

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_QUERY_WORDS]

    @property
    def is_filtered(self) -> bool:
        return any((self.q, self.gender, self.category, self.article_type, self.colour, self.usage,
                    self.min_price is not None, self.max_price is not None, self.size, self.brand))

    def without(self, *names: str) -> ProductFilters:
        defaults = ProductFilters()
        return replace(self, **{n: getattr(defaults, n) for n in names})

    def as_params(self, **override: Any) -> dict[str, str]:
        """Query-string parameters for links that change one thing (facets, sort, pages)."""
        values = {
            "q": self.q, "gender": self.gender, "category": self.category, "article_type": self.article_type,
            "colour": self.colour, "usage": self.usage,
            "min_price": "" if self.min_price is None else str(self.min_price),
            "max_price": "" if self.max_price is None else str(self.max_price),
            "size": self.size, "brand": self.brand, "sort": "" if self.sort == Sort.RELEVANCE else self.sort,
        }
        values.update({k: ("" if v is None else str(v)) for k, v in override.items()})
        return {k: v for k, v in values.items() if v}


@dataclass
class ParsedFilters:
    filters: ProductFilters
    notes: list[str] = field(default_factory=list)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_text(value: str | None, limit: int = 80) -> str:
    # Control characters never appear in catalogue values, and PostgreSQL rejects NUL in a query.
    value = " ".join(_CONTROL.sub(" ", value or "").split())
    return value[:limit]


def _parse_price(raw: str | None, label: str, notes: list[str]) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw[:20])
    except InvalidOperation:
        notes.append(f"Ignored the {label} “{raw[:20]}”: not a number.")
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE_FILTER:
        notes.append(f"Ignored the {label} “{raw[:20]}”: out of range.")
        return None
    return value.quantize(Decimal("0.01"))


def parse_filters(params: QueryDict | dict[str, str]) -> ParsedFilters:
    notes: list[str] = []
    get = params.get

    q = _clean_text(get("q"), 10_000)
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] if " " in q[:MAX_QUERY_LENGTH] else q[:MAX_QUERY_LENGTH]
        notes.append(f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters.")

    gender = _clean_text(get("gender"), 20)
    if gender and gender not in Gender.values:
        # Accept "men" for "Men"; ignore anything else.
        match = {g.lower(): g for g in Gender.values}.get(gender.lower())
        if match is None:
            notes.append(f"Ignored the unknown gender “{gender}”.")
        gender = match or ""

    min_price = _parse_price(get("min_price"), "minimum price", notes)
    max_price = _parse_price(get("max_price"), "maximum price", notes)
    if min_price is not None and max_price is not None and min_price > max_price:
        notes.append("The minimum price was above the maximum; the two were swapped.")
        min_price, max_price = max_price, min_price

    sort = _clean_text(get("sort"), 20) or Sort.RELEVANCE
    if sort not in dict(Sort.CHOICES):
        notes.append(f"Ignored the unknown sort order “{sort}”.")
        sort = Sort.RELEVANCE

    raw_page = (get("page") or "1").strip()
    try:
        page = int(raw_page[:9])
        if page < 1:
            raise ValueError
    except ValueError:
        notes.append(f"Ignored the page number “{raw_page[:20]}”; showing page 1.")
        page = 1

    # Category, article type and colour are slugs in our own links; links written by people and other
    # systems use the catalogue's names ("Casual Shoes", "Navy Blue"), which slugify to the same thing.
    filters = ProductFilters(
        q=q, gender=gender, category=slugify(_clean_text(get("category"))),
        article_type=slugify(_clean_text(get("article_type"))), colour=slugify(_clean_text(get("colour"))), usage=_clean_text(get("usage"), 40), min_price=min_price,
        max_price=max_price, size=_clean_text(get("size"), 20), brand=slugify(_clean_text(get("brand"), 140)),
        sort=sort, page=page,
    )
    return ParsedFilters(filters=filters, notes=notes)


def _names_by_slug() -> dict[tuple[str, str], tuple[str, ...]]:
    """(listing parameter, slug) -> the catalogue names it stands for: a category slug names a master or a sub
    category (sub category slugs are unique per master only). Small tables, read in one statement and cached
    with the facets (any catalogue change invalidates it)."""
    return cached("names-by-slug", (), _load_names_by_slug)


def _load_names_by_slug() -> dict[tuple[str, str], tuple[str, ...]]:
    def rows(model: Any, param: str) -> QuerySet:
        return model.objects.order_by().annotate(param=Value(param)).values_list("param", "slug", "name")

    out: dict[tuple[str, str], tuple[str, ...]] = {}
    union = rows(MasterCategory, "category").union(rows(SubCategory, "category"), rows(ArticleType, "article_type"),
                                                  rows(Colour, "colour"), rows(Brand, "brand"), all=True)
    for param, slug, name in union:
        names = out.get((param, slug), ())
        if name not in names:
            out[(param, slug)] = (*names, name)
    return out


def catalog_filters(f: ProductFilters) -> CatalogFilters:
    """The listing's URL filters (slugs) as catalogue values, in the one definition of what they mean
    (shop.filters: a gender of Men or Women admits Unisex products too)."""
    names = _names_by_slug() if (f.category or f.article_type or f.colour or f.brand) else {}

    def resolved(param: str, slug: str) -> tuple[str, ...]:
        # An unknown slug stays as it is: no catalogue name is a slug, so it matches nothing (as it always did).
        return names.get((param, slug), (slug,)) if slug else ()

    return CatalogFilters(
        genders=(f.gender,) if f.gender else (),
        categories=resolved("category", f.category),
        article_types=resolved("article_type", f.article_type),
        colours=resolved("colour", f.colour), brands=resolved("brand", f.brand),
        usages=(f.usage,) if f.usage else (),
        min_price=f.min_price, max_price=f.max_price, size=f.size or None,
    )


def _apply(qs: QuerySet[Product], limits: CatalogFilters, cf: CatalogFilters) -> QuerySet[Product]:
    """The search's limits and the URL's filters, both exact (shop.filters)."""
    return qs.filter(limits.as_q() & cf.as_q())


def published_products() -> QuerySet[Product]:
    return Product.objects.filter(is_published=True)


def search_reading(*, filters: ProductFilters) -> SearchReading:
    """What the listing's `q` means (shop.search: the registered provider's reading, else each word literally)."""
    return search_read(q=filters.q, words=filters.words, filters=catalog_filters(filters))


class RankedProducts:
    """A search's products in the provider's order, for the Paginator: only the page's rows are read, from the
    database with every limit applied again (the index orders, the database decides what is shown)."""

    def __init__(self, ranked: Sequence[int], qs: QuerySet[Product]) -> None:
        self.ranked = ranked
        self.qs = qs

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index: slice) -> list[Product]:
        ids = list(self.ranked[index])
        rows = {p.catalog_id: p for p in self.qs.filter(catalog_id__in=ids)}
        return [rows[c] for c in ids if c in rows]


def product_list(*, filters: ProductFilters, reading: SearchReading | None = None) -> QuerySet[Product] | RankedProducts:
    """Published products matching `filters` (and the search's reading of its `q`), in the requested order,
    ready for a listing card. Relevance with a search is the provider's ranking (shop.search), or without one
    names starting with the first word first; with no search it is the shop's featured order."""
    reading = reading if reading is not None else search_reading(filters=filters)
    cf = catalog_filters(filters)
    qs = _apply(published_products(), reading.limits, cf).select_related(
        # the whole category chain: a card's twin image needs it (shop.pages.with_card_images), joined, not queried
        "brand", "colour", "article_type__sub_category__master")
    qs = qs.annotate(in_stock=Exists(Variant.objects.filter(product=OuterRef("pk"), stock__gt=0)))
    if filters.sort == Sort.RELEVANCE:
        ranked = search_rank(reading=reading, filters=cf) if reading.q else None
        if ranked is not None:
            return RankedProducts(ranked, qs)
        words = reading.q.split()
        if words:
            # Names that start with the first search word (usually the brand or the product itself)
            # rank above names that only contain it somewhere.
            first = words[0]
            qs = qs.annotate(
                _rank=Case(When(name__istartswith=first, then=Value(0)), default=Value(1), output_field=IntegerField())
            ).order_by("_rank", "-year", "catalog_id")
        else:
            qs = featured_order(qs)  # what a shop leads with: clothes (shop.merchandising)
    else:
        qs = qs.order_by(*Sort.ORDERING[filters.sort])
    return qs


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def product_facets(*, filters: ProductFilters, limits: CatalogFilters | None = None) -> dict[str, list[FacetOption]]:
    """Counts per facet value within the search's `limits` (default: the literal reading of `filters.q`). Each
    facet ignores its own selection, so a shopper can switch values.

    Cached briefly per filter set (shop.caching): they are the costly part of a listing page."""
    key = replace(filters, page=1, sort=Sort.RELEVANCE)
    limits = limits if limits is not None else CatalogFilters(name_words=tuple(filters.words))
    return cached("facets", (key, limits), lambda: _product_facets(filters=key, limits=limits))


# Listing parameter -> the CatalogFilters field it sets (a facet ignores its own selection)
_FACET_FIELDS = {"gender": ("genders",), "category": ("categories",), "article_type": ("article_types",),
                 "colour": ("colours",), "usage": ("usages",), "size": ("size",)}


def _gender_options(rows: list[tuple[str, str, int]], selected: str) -> list[FacetOption]:
    """Men and Women admit Unisex products (shop.filters): their counts and labels say so."""
    by_gender = {v: n for v, _, n in rows}
    unisex = by_gender.get(Gender.UNISEX, 0)
    options = []
    for value, label, n in rows:
        admits = admitted_genders((value,))
        if len(admits) > 1 and unisex:
            label, n = f"{label} (and unisex)", sum(by_gender.get(g, 0) for g in admits)
        options.append(FacetOption(value, label, n, value == selected))
    return sorted(options, key=lambda o: (-o.count, o.label))


def _product_facets(*, filters: ProductFilters, limits: CatalogFilters) -> dict[str, list[FacetOption]]:
    base = published_products()
    cf = catalog_filters(filters)

    def without(param: str) -> QuerySet[Product]:
        cleared: dict[str, Any] = {name: None if name == "size" else () for name in _FACET_FIELDS[param]}
        return _apply(base, limits, replace(cf, **cleared))

    def counts(param: str, key: str, label_key: str | None = None) -> list[tuple[str, str, int]]:
        qs = without(param).values(key, *([label_key] if label_key else []))
        rows = qs.annotate(n=Count("pk", distinct=False)).order_by()
        out = [(r[key], r[label_key] if label_key else r[key], r["n"]) for r in rows if r[key]]
        return sorted(out, key=lambda t: (-t[2], t[1]))

    facets: dict[str, list[FacetOption]] = {}
    facets["gender"] = _gender_options(counts("gender", "gender"), filters.gender)
    facets["category"] = [
        FacetOption(v, lbl, n, v == filters.category)
        for v, lbl, n in counts("category", "article_type__sub_category__master__slug",
                                "article_type__sub_category__master__name")
    ]
    facets["article_type"] = [
        FacetOption(v, lbl, n, v == filters.article_type)
        for v, lbl, n in counts("article_type", "article_type__slug", "article_type__name")
    ][:40]
    facets["colour"] = [
        FacetOption(v, lbl, n, v == filters.colour) for v, lbl, n in counts("colour", "colour__slug", "colour__name")
    ]
    facets["usage"] = [FacetOption(v, lbl, n, v == filters.usage) for v, lbl, n in counts("usage", "usage")]
    size_rows = (
        Variant.objects.filter(stock__gt=0, product__in=without("size").values("pk"))
        .values("size").annotate(n=Count("pk")).order_by()  # (product, size) is unique: no DISTINCT needed
    )
    facets["size"] = sorted(
        (FacetOption(r["size"], r["size"], r["n"], r["size"] == filters.size) for r in size_rows),
        key=_size_sort_key,
    )
    return facets


_SIZE_ORDER = {s: i for i, s in enumerate(["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", Variant.ONE_SIZE])}


def _size_sort_key(option: FacetOption) -> tuple[int, float, str]:
    s = option.value
    if s in _SIZE_ORDER:
        return (0, _SIZE_ORDER[s], s)
    head = s.split("-")[0].rstrip("Y")
    try:
        return (1 if s[-1:] != "Y" else 2, float(head), s)
    except ValueError:
        return (3, 0, s)


def facet_labels(*, filters: ProductFilters) -> dict[str, str]:
    """Display names for the selected slugs (for the "active filters" chips); unknown slugs are absent."""
    labels: dict[str, str] = {}
    if filters.category:
        m = MasterCategory.objects.filter(slug=filters.category).values_list("name", flat=True).first()
        s = SubCategory.objects.filter(slug=filters.category).values_list("name", flat=True).first()
        if m or s:
            labels["category"] = m or s or ""
    if filters.article_type:
        a = ArticleType.objects.filter(slug=filters.article_type).values_list("name", flat=True).first()
        if a:
            labels["article_type"] = a
    if filters.colour:
        c = Colour.objects.filter(slug=filters.colour).values_list("name", flat=True).first()
        if c:
            labels["colour"] = c
    if filters.brand:
        b = Brand.objects.filter(slug=filters.brand).values_list("name", flat=True).first()
        if b:
            labels["brand"] = b
    return labels


def product_get(*, catalog_id: int | str) -> Product:
    """A published product by its catalogue id, with variants; Http404 if unknown, hidden or malformed."""
    try:
        cid = int(catalog_id)
    except (TypeError, ValueError):
        raise Http404("No such product") from None
    if not 1 <= cid <= 2_147_483_647:
        raise Http404("No such product")
    try:
        return (
            published_products()
            .select_related("brand", "colour", "article_type__sub_category__master")
            .prefetch_related("variants")
            .get(catalog_id=cid)
        )
    except Product.DoesNotExist:
        raise Http404("No such product") from None


def product_related(*, product: Product, limit: int = 8) -> list[Product]:
    """Same article type; same gender (or unisex) first, then same colour, then newest. One query."""
    return list(
        published_products()
        .filter(article_type_id=product.article_type_id)
        .exclude(pk=product.pk)
        .select_related("brand", "colour", "article_type__sub_category__master")
        .annotate(
            _gender_rank=Case(When(gender__in=[product.gender, Gender.UNISEX], then=Value(0)), default=Value(1),
                              output_field=IntegerField()),
            _colour_rank=Case(When(colour_id=product.colour_id, then=Value(0)), default=Value(1),
                              output_field=IntegerField()),
        )
        .order_by("_gender_rank", "_colour_rank", "-year", "catalog_id")[:limit]
    )


@dataclass(frozen=True)
class CategoryCard:
    name: str
    slug: str
    count: int


def home_categories(*, limit: int = 8) -> list[CategoryCard]:
    return cached("home-categories", limit, lambda: _home_categories(limit=limit))


def _home_categories(*, limit: int) -> list[CategoryCard]:
    rows = (
        published_products()
        .values("article_type__sub_category__slug", "article_type__sub_category__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:limit]
    )
    return [CategoryCard(r["article_type__sub_category__name"], r["article_type__sub_category__slug"], r["n"]) for r in rows]


def home_rows(*, per_row: int = 8) -> list[tuple[str, dict[str, str], list[Product]]]:
    """A few curated rows for the home page: (title, listing params, products)."""
    out = []
    for title, params in HOME_ROWS:
        f = parse_filters(params).filters
        out.append((title, params, list(product_list(filters=f)[:per_row])))
    return [row for row in out if row[2]]


def catalogue_stats() -> dict[str, int]:
    return cached("stats", (), _catalogue_stats)


def _catalogue_stats() -> dict[str, int]:
    agg = published_products().aggregate(n=Count("pk"))
    return {"products": agg["n"] or 0, "units": Variant.objects.aggregate(s=Sum("stock"))["s"] or 0}
