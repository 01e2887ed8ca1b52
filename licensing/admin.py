"""Admin: merchandisers see everything and the render statistics, but cannot sign, widen or un-revoke a
consent, nobody can change or delete ledger or consent-event rows here, and a twin's talent and a talent's
login are editable on add only (the database refuses all of these too)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from .concentration import concentration_report
from .models import (
    Agency,
    ConsentEvent,
    ConsentGrant,
    DeniedView,
    DigitalTwin,
    Representation,
    RoyaltyEvent,
    Talent,
    TwinCapture,
    TwinPose,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _TwinCounts(TypedDict):
    """What DigitalTwinAdmin.get_queryset annotates each twin row with."""

    n_views: int
    n_billable: int
    n_denied: int


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only: no add, change or delete through the admin, for anyone (superusers included)."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        return {}


class TwinPoseInline(admin.TabularInline):
    model = TwinPose
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A tabular inline shows help text only as a header tooltip, so the id Django's widget points
        # aria-describedby at never exists; the hint goes into the placeholder instead.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and field.help_text:
            field.widget.attrs.setdefault("placeholder", str(field.help_text))
            field.help_text = ""
        return field


class TwinCaptureInline(admin.TabularInline):
    model = TwinCapture
    extra = 0
    fields = ("image", "angle", "lighting", "metadata", "captured_at")


@admin.register(Talent)
class TalentAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "gender_presentation", "monk_skin_tone", "height_cm", "clothing_size")
    list_filter = ("gender_presentation", "clothing_size", "body_shape")
    search_fields = ("display_name", "user__username")
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request: HttpRequest, obj: Talent | None = None) -> tuple[str, ...]:
        # The login that signs as this person is fixed at creation (the database refuses a change too).
        return ("user",) if obj is not None else ()


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "commission_rate")
    filter_horizontal = ("staff",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ("talent", "agency", "start", "end")
    list_filter = ("agency",)


@admin.register(DigitalTwin)
class DigitalTwinAdmin(admin.ModelAdmin):
    """Merchandisers assign poses and upload captures; consent lives elsewhere."""

    list_display = ("name", "talent", "is_active", "views", "billable", "denied")
    list_filter = ("is_active",)
    search_fields = ("name", "slug", "talent__display_name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TwinPoseInline, TwinCaptureInline]

    def get_readonly_fields(self, request: HttpRequest, obj: DigitalTwin | None = None) -> tuple[str, ...]:
        # Whose likeness this is never changes: the consents signed for it name that person (issue 20).
        return ("talent",) if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).select_related("talent")
            .annotate(
                n_views=Count("royalty_events", distinct=True),
                n_billable=Count("royalty_events", filter=Q(royalty_events__billable=True), distinct=True),
                n_denied=Count("denied_views", distinct=True),
            )
        )

    @admin.display(description="views", ordering="n_views")
    def views(self, obj: WithAnnotations[DigitalTwin, _TwinCounts]) -> int:
        return obj.n_views

    @admin.display(description="billable", ordering="n_billable")
    def billable(self, obj: WithAnnotations[DigitalTwin, _TwinCounts]) -> int:
        return obj.n_billable

    @admin.display(description="denied", ordering="n_denied")
    def denied(self, obj: WithAnnotations[DigitalTwin, _TwinCounts]) -> int:
        return obj.n_denied


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_label", "terms_sha256", "data")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ConsentGrant)
class ConsentGrantAdmin(ReadOnlyAdmin):
    """Grants change only through the consent services (the talent signs and revokes on /talent/)."""

    list_display = ("pk", "twin", "payer", "version", "status", "rate_per_view", "currency", "view_cap",
                    "billable_views", "valid_from", "valid_until")
    list_filter = ("status", "brand_scope", "brand")
    search_fields = ("twin__name", "brand__name", "purpose")
    inlines = [ConsentEventInline]
    readonly_fields = ("render_statistics",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("brand").prefetch_related("listed_brands")

    @admin.display(description="who pays (brands covered)")
    def payer(self, obj: ConsentGrant) -> str:
        return obj.payer_label

    @admin.display(description="render statistics")
    def render_statistics(self, obj: ConsentGrant) -> str:
        stats = obj.royalty_events.aggregate(
            views=Count("pk"), billable=Count("pk", filter=Q(billable=True)), gross=Sum("amount"))
        denied = dict(obj.denied_views.values_list("reason").annotate(n=Count("pk")).order_by())
        denied_text = ", ".join(f"{k}: {v}" for k, v in sorted(denied.items())) or "none"
        return (f"{stats['views']} views, {stats['billable']} billable, gross {stats['gross'] or 0} {obj.currency}; "
                f"denied: {denied_text}")


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "grant", "actor_label", "terms_sha256")
    list_filter = ("kind",)
    list_select_related = ("grant__twin", "grant__brand")


@admin.register(RoyaltyEvent)
class RoyaltyEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "twin", "product", "brand", "channel", "billable", "non_billable_reason", "amount",
                    "agency_commission", "talent_net", "currency")
    list_filter = ("billable", "non_billable_reason", "channel", "twin")
    show_facets = admin.ShowFacets.ALWAYS  # counts per reason / twin: the render statistics
    list_select_related = ("twin", "product", "brand")
    date_hierarchy = "at"
    show_full_result_count = False

    def get_urls(self):
        extra = [path("concentration/", self.admin_site.admin_view(self.concentration_view),
                      name="licensing_royaltyevent_concentration")]
        return extra + super().get_urls()

    def concentration_view(self, request: HttpRequest) -> HttpResponse:
        """Views, billable views and earnings per twin over a period; each twin's share, top-1 and Gini, per
        category and channel. Straight from the ledger (licensing.concentration)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        start, end, notes = _period(request.GET)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Twin concentration",
                   "start": start.date(), "end": (end - timedelta(days=1)).date(), "notes": notes,
                   "report": concentration_report(start=start, end=end)}
        return TemplateResponse(request, "admin/licensing/concentration.html", context)


def _day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _period(params) -> tuple[datetime, datetime, list[str]]:
    """[start, end) in UTC from ?start=YYYY-MM-DD&end=YYYY-MM-DD (end inclusive); the last 30 days by default."""
    today = timezone.now().astimezone(UTC).date()
    notes = []
    start, end = _day(params.get("start", "")), _day(params.get("end", ""))
    if params.get("start") and start is None or params.get("end") and end is None:
        notes.append("A date was not understood (YYYY-MM-DD, years 2000-2100): the default period is shown.")
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        notes.append("The start was after the end: they were swapped.")
        start, end = end, start
    return (datetime.combine(start, time.min, tzinfo=UTC),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC), notes)


@admin.register(DeniedView)
class DeniedViewAdmin(ReadOnlyAdmin):
    """Render statistics: what the gate refused and why."""

    list_display = ("at", "twin", "grant", "product", "channel", "territory", "reason")
    list_filter = ("reason", "channel", "twin")
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ("twin", "product", "grant")
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(TwinPose)
class TwinPoseAdmin(admin.ModelAdmin):
    list_display = ("twin", "key", "label", "position")
    list_filter = ("key",)
    list_select_related = ("twin",)


@admin.register(TwinCapture)
class TwinCaptureAdmin(admin.ModelAdmin):
    list_display = ("twin", "angle", "lighting", "captured_at")
    list_filter = ("angle",)
    list_select_related = ("twin",)
