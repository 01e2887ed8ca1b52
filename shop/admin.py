"""Merchandiser admin: catalogue (with CSV import + preview), orders with status changes, import history."""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path

from shop.admin_import import catalog_import_view
from shop.caching import catalogue_version_bump
from shop.models import (
    ArticleType,
    Brand,
    Colour,
    ImportRun,
    InfoPage,
    MasterCategory,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    SubCategory,
    Variant,
)
from shop.services import OrderError, order_set_status, products_changed, products_set_published


class SafeActionsMixin(admin.ModelAdmin):
    """Refuse action posts whose selected ids aren't ids, instead of letting the ORM raise (a 500)."""

    # *args, **kwargs: Django 6 adds an argument (django-stubs describe it already); passed on as given.
    def response_action(self, request: HttpRequest, queryset: QuerySet[Any], *args: Any,
                        **kwargs: Any) -> HttpResponse | None:
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(not (str(v).isascii() and str(v).isdigit()) or len(str(v)) > 18 for v in selected):
            self.message_user(request, "That selection isn't valid; nothing was changed.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)


class VariantInline(admin.TabularInline):
    model = Variant
    fields = ("size", "position", "stock")
    extra = 0
    ordering = ("position",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Variant]:
        # each row's label is str(variant), which reads the product: one query per size without this
        return super().get_queryset(request).select_related("product")


@admin.register(Product)
class ProductAdmin(SafeActionsMixin, admin.ModelAdmin):
    list_display = ("catalog_id", "name", "brand", "gender", "article_type", "colour", "price", "total_stock", "is_published")
    list_display_links = ("catalog_id", "name")
    list_editable = ("price",)
    list_filter = ("is_published", "gender", "article_type__sub_category__master", "usage", "season", "colour")
    search_fields = ("name", "=catalog_id", "brand__name")
    list_select_related = ("brand", "article_type", "colour")
    autocomplete_fields = ("brand", "article_type", "colour")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("catalog_id", "name", "brand", "is_published")}),
        ("Classification", {"fields": ("gender", "article_type", "colour", "season", "year", "usage")}),
        ("Price", {"fields": ("price", "currency")}),
        ("Picture", {"fields": ("image",), "description": "An uploaded image replaces the generated illustration."}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (VariantInline,)
    actions = ("publish", "hide")
    list_per_page = 50
    show_full_result_count = False  # the unfiltered count on 44k rows is wasted work on every page
    change_list_template = "admin/shop/product/change_list.html"

    class Media:
        css = {"all": ("admin-shop/changelist.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        stock = (
            Variant.objects.filter(product=OuterRef("pk")).order_by().values("product")
            .annotate(s=Sum("stock")).values("s")
        )
        return super().get_queryset(request).annotate(
            _total_stock=Coalesce(Subquery(stock, output_field=IntegerField()), 0)
        )

    @admin.display(description="Stock", ordering="_total_stock")
    def total_stock(self, obj: Product) -> int:
        return obj._total_stock  # type: ignore[attr-defined]

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path("import/", self.admin_site.admin_view(self.import_view), name="shop_product_import"),
        ]
        return custom + super().get_urls()

    def import_view(self, request: HttpRequest) -> Any:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return catalog_import_view(request, self.admin_site)

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        products_changed(products=[obj])

    @admin.action(description="Publish selected products")
    def publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        n = products_set_published(product_ids=queryset.values_list("pk", flat=True), published=True)
        self.message_user(request, f"Published {n} product(s).", messages.SUCCESS)

    @admin.action(description="Hide selected products from the shop")
    def hide(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        n = products_set_published(product_ids=queryset.values_list("pk", flat=True), published=False)
        self.message_user(request, f"Hid {n} product(s).", messages.SUCCESS)


class LookupAdmin(admin.ModelAdmin):
    """Brands, colours and categories: every worker keeps a copy of these tables (shop.lookups), keyed by the
    catalogue version, so an edit bumps it once committed."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalogue_version_bump)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(catalogue_version_bump)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(catalogue_version_bump)


@admin.register(Brand)
class BrandAdmin(LookupAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Colour)
class ColourAdmin(LookupAdmin):
    list_display = ("name", "hex")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(MasterCategory)
class MasterCategoryAdmin(LookupAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(SubCategory)
class SubCategoryAdmin(LookupAdmin):
    list_display = ("name", "master", "slug")
    list_filter = ("master",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ArticleType)
class ArticleTypeAdmin(LookupAdmin):
    list_display = ("name", "sub_category", "slug")
    list_filter = ("sub_category__master",)
    list_select_related = ("sub_category__master",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("product_name", "size", "unit_price", "quantity", "line_total", "product")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _status_action(target: str, label: str) -> Any:
    def action(modeladmin: OrderAdmin, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done, refused = [], []
        for order in queryset.order_by("pk"):
            try:
                order_set_status(order=order, status=target)
                done.append(order.number)
            except OrderError as exc:
                refused.append(exc.message)
        if done:
            modeladmin.message_user(request, f"{label}: {', '.join(done)}.", messages.SUCCESS)
        for reason in refused[:20]:
            modeladmin.message_user(request, reason, messages.WARNING)

    action.__name__ = f"mark_{target}"
    return admin.action(description=f"{label} selected orders")(action)


@admin.register(Order)
class OrderAdmin(SafeActionsMixin, admin.ModelAdmin):
    list_display = ("number", "created_at", "full_name", "email", "status", "total", "currency")
    list_filter = ("status", "created_at")
    search_fields = ("=number", "email", "full_name")
    readonly_fields = ("number", "user", "status", "total", "currency", "created_at", "updated_at")
    fields = ("number", "status", "user", "full_name", "email", "address", "address_line1", "address_line2", "city",
              "postcode", "country", "total", "currency", "created_at", "updated_at")
    inlines = (OrderLineInline,)
    date_hierarchy = "created_at"
    actions = (
        _status_action(OrderStatus.PAID, "Marked paid"),
        _status_action(OrderStatus.SHIPPED, "Marked shipped"),
        _status_action(OrderStatus.CANCELLED, "Cancelled (stock returned)"),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders come from checkout, with stock taken; never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel instead: the record stays


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "source", "status", "rows", "created", "updated", "unchanged", "rejected", "duration", "triggered_by")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    @admin.display(description="Seconds")
    def duration(self, obj: ImportRun) -> str:
        d = obj.duration_seconds
        return "" if d is None else f"{d:.1f}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InfoPage)
class InfoPageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "footer_position", "updated_at")
    list_editable = ("footer_position",)
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}

    def save_model(self, request: HttpRequest, obj: InfoPage, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalogue_version_bump)  # the footer's cached links show the change at once
