from django.contrib import admin
from django.urls import include, path

from licensing.render_stats import render_statistics_view
from shop import health_views

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    # before admin.site.urls, whose catch-all would claim it
    path("admin/render-statistics/", render_statistics_view, name="admin_render_statistics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("licensing.urls")),
    path("", include("assistant.urls")),
    path("", include("shop.urls")),
]
