from django.urls import path

from . import views

app_name = "showcase"
urlpatterns = [
    path("<str:token>.png", views.showcase_image, name="image"),
]
