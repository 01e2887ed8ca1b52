from django.contrib import admin
from django.urls import include, path

from shop import health_views

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("licensing.urls")),
    path("", include("assistant.urls")),
    path("", include("shop.urls")),
]
