from django.urls import path

from . import illustration_views, views

app_name = "shop"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product_list"),
    path("products/<int:catalog_id>/", views.product_detail, name="product_detail"),
    path("products/<int:catalog_id>/illustration.svg", illustration_views.product_illustration, name="product_illustration"),
    path("products/<int:catalog_id>/add-to-cart/", views.cart_add_view, name="cart_add"),
    path("cart/", views.cart_view, name="cart"),
    path("cart/update/", views.cart_update_view, name="cart_update"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("pages/<slug:slug>/", views.info_page, name="info_page"),
    path("favicon.ico", views.favicon, name="favicon"),
]
