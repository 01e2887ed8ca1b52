"""Thin storefront views: parse input, call selectors/services, render. Everything works without JS."""
from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from shop import selectors
from shop.forms import AddToCartForm, CartLineForm, CheckoutForm
from shop.merchandising import listing_heading
from shop.models import InfoPage, Order, Variant
from shop.pages import product_page_context, with_card_images
from shop.services import CartError, OrderError, cart_add, cart_get, cart_remove, cart_update, order_place
from shop.services.orders import ORDERS_SESSION_KEY


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/home.html",
        {
            "categories": selectors.home_categories(limit=8),
            "rows": _rows_with_card_images(request, selectors.home_rows()),
            "stats": selectors.catalogue_stats(),
        },
    )


def _rows_with_card_images(request: HttpRequest, rows) -> list[tuple[str, str, list]]:
    """The home page's rows, their cards' twin images asked for in one batch (the first rows are clothes)."""
    products = with_card_images(request=request, products=[p for _, _, row in rows for p in row])
    out, start = [], 0
    for title, params, row in rows:
        out.append((title, urlencode(params), products[start:start + len(row)]))
        start += len(row)
    return out


def _active_chips(f: selectors.ProductFilters, labels: dict[str, str], reading) -> list[tuple[str, str]]:
    """(label, query string without it) for each filter in force: the URL's, then what the search understood
    (removing one of those searches again without the words that said it)."""
    active = []
    for name, label in (
        ("q", f"“{f.q}”" if f.q else ""), ("gender", f.gender), ("category", labels.get("category", f.category)),
        ("article_type", labels.get("article_type", f.article_type)), ("colour", labels.get("colour", f.colour)),
        ("brand", labels.get("brand", f.brand)), ("usage", f.usage),
        ("min_price", f"from {f.min_price}" if f.min_price is not None else ""),
        ("max_price", f"up to {f.max_price}" if f.max_price is not None else ""),
        ("size", f"size {f.size}" if f.size else ""),
    ):
        if label:
            active.append((label, urlencode(f.without(name).as_params())))
    for chip in reading.chips:
        active.append((chip.label, urlencode(f.as_params(q=chip.q))))
    return active


def _heading(f: selectors.ProductFilters, labels: dict[str, str], reading) -> str:
    """The URL's filters and what the search understood, in words (the URL's value where both name one)."""
    limits = reading.limits
    return listing_heading(
        q=f.q, gender=f.gender or reading.gender, colour=labels.get("colour") or reading.colour,
        usage=f.usage or reading.usage, brand=labels.get("brand") or reading.brand,
        kind=labels.get("article_type") or labels.get("category") or reading.kind, size=f.size or limits.size or "",
        min_price=f.min_price if f.min_price is not None else limits.min_price,
        max_price=f.max_price if f.max_price is not None else limits.max_price,
        currency=settings.SHOP_CURRENCY, matching=reading.matching, understood=reading.understood,
    )


def product_list(request: HttpRequest) -> HttpResponse:
    parsed = selectors.parse_filters(request.GET)
    f = parsed.filters
    reading = selectors.search_reading(filters=f)  # shop.search: the assistant's reading when installed
    notes = [*parsed.notes, *reading.notes]
    products = selectors.product_list(filters=f, reading=reading)
    paginator = Paginator(products, settings.SHOP_PAGE_SIZE, allow_empty_first_page=True)  # type: ignore[arg-type]
    page_number = f.page
    if page_number > paginator.num_pages:
        notes.append(f"There is no page {page_number}; showing the last page.")
        page_number = paginator.num_pages
    page = paginator.page(page_number)
    facets = selectors.product_facets(filters=f, limits=reading.limits)
    labels = selectors.facet_labels(filters=f)

    def link(**override: object) -> str:
        return "?" + urlencode(f.as_params(**override))

    return render(
        request,
        "shop/product_list.html",
        {
            "heading": _heading(f, labels, reading),
            "filters": f,
            "currency": settings.SHOP_CURRENCY,
            "notes": notes,
            "page": page,
            "products": with_card_images(request=request, products=page.object_list),  # twins on cards (licensing)
            "paginator": paginator,
            "facets": [
                (key, title, [(opt, link(**{key: "" if opt.selected else opt.value}, page="")) for opt in facets[key]])
                for key, title in (
                    ("gender", "Gender"), ("category", "Category"), ("article_type", "Type"), ("colour", "Colour"),
                    ("usage", "Occasion"), ("size", "Size in stock"),
                )
            ],
            "active": _active_chips(f, labels, reading),
            "did_you_mean": reading.did_you_mean,
            "did_you_mean_url": link(q=reading.did_you_mean, page=""),
            "typed": reading.corrected_from,
            "assistant_url": reading.assistant_url,
            "clear_url": "?" + urlencode({"q": f.q}) if f.q else "?",
            "sort_choices": selectors.Sort.CHOICES,
            "prev_url": link(page=page.previous_page_number()) if page.has_previous() else "",
            "next_url": link(page=page.next_page_number()) if page.has_next() else "",
            "hidden_params": {k: v for k, v in f.as_params().items() if k not in {"sort", "min_price", "max_price"}},
        },
        status=200,
    )


def product_detail(request: HttpRequest, catalog_id: int) -> HttpResponse:
    product = selectors.product_get(catalog_id=catalog_id)
    variants = list(product.variants.all())
    has_sizes = not (len(variants) == 1 and variants[0].size == Variant.ONE_SIZE)
    context = {
        "product": product,
        "variants": variants,
        "has_sizes": has_sizes,
        "stock_total": sum(v.stock for v in variants),
        "related": with_card_images(request=request, products=selectors.product_related(product=product, limit=8)),
        "max_quantity": settings.SHOP_MAX_LINE_QUANTITY,
        "form_error": None,
    }
    context.update(product_page_context(request=request, product=product))  # the twin panel (licensing)
    return render(request, "shop/product_detail.html", context)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return fallback


@require_POST
def cart_add_view(request: HttpRequest, catalog_id: int) -> HttpResponse:
    product = selectors.product_get(catalog_id=catalog_id)
    form = AddToCartForm(request.POST)
    back = product.get_absolute_url()
    if not form.is_valid():
        messages.error(request, "Please choose a size and a quantity.")
        return redirect(back)
    try:
        line = cart_add(
            session=request.session, product=product, size=form.cleaned_data["size"],
            quantity=form.cleaned_data["quantity"] or 1,
        )
    except CartError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    size = "" if line.variant.size == Variant.ONE_SIZE else f" (size {line.variant.size})"
    messages.success(request, f"Added {product.name}{size} to your cart.")
    return redirect(_safe_next(request, reverse("shop:cart")))


def cart_view(request: HttpRequest) -> HttpResponse:
    cart = cart_get(session=request.session)
    return render(
        request, "shop/cart.html",
        {"cart": cart, "max_quantity": settings.SHOP_MAX_LINE_QUANTITY, "quantity_range": range(1, settings.SHOP_MAX_LINE_QUANTITY + 1)},
    )


@require_POST
def cart_update_view(request: HttpRequest) -> HttpResponse:
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That item is not in your cart.")
        return redirect("shop:cart")
    try:
        if "remove" in request.POST:
            cart_remove(session=request.session, variant_id=form.cleaned_data["variant_id"])
            messages.success(request, "Removed from your cart.")
        else:
            line = cart_update(
                session=request.session, variant_id=form.cleaned_data["variant_id"],
                quantity=form.cleaned_data["quantity"] if form.cleaned_data["quantity"] != "" else None,
            )
            messages.success(request, "Cart updated." if line else "Removed from your cart.")
    except CartError as exc:
        messages.error(request, exc.message)
    return redirect("shop:cart")


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_get(session=request.session)
    if cart.is_empty:
        messages.info(request, "Your cart is empty.")
        return redirect("shop:cart")
    initial = {}
    if request.user.is_authenticated:
        initial = {"full_name": request.user.get_full_name(), "email": request.user.email}
    form = CheckoutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_place(session=request.session, user=request.user, full_name=form.cleaned_data["full_name"],
                                email=form.cleaned_data["email"], shipping=form.shipping())
        except OrderError as exc:
            messages.error(request, exc.message)
            return redirect("shop:cart")
        return HttpResponseRedirect(order.get_absolute_url())
    return render(request, "shop/checkout.html", {"cart": cart, "form": form}, status=400 if request.method == "POST" else 200)


_ORDER_NUMBER = re.compile(r"[A-Z0-9-]{1,20}")


def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    if not _ORDER_NUMBER.fullmatch(number):
        raise Http404("No such order")  # also keeps NUL and friends away from the database
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise Http404("No such order")
    placed_here = number in (request.session.get(ORDERS_SESSION_KEY) or [])
    owner = request.user.is_authenticated and order.user_id == request.user.pk
    if not (placed_here or owner):
        raise Http404("No such order")  # 404, not 403: don't confirm that the number exists
    return render(request, "shop/order_detail.html", {"order": order, "lines": list(order.lines.all())})


def info_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = InfoPage.objects.filter(slug=slug[:40]).first()
    if page is None:
        raise Http404("No such page")
    return render(request, "shop/info_page.html", {"page": page})


def favicon(request: HttpRequest) -> HttpResponse:
    # browsers ask for /favicon.ico on pages that name no icon (the admin's); ours is an SVG
    return HttpResponsePermanentRedirect(static("favicon.svg"))
