from django.urls import include, path

app_name = "licensing"
urlpatterns: list = [
    path("showcase/", include("licensing.showcase.urls")),
]
