from django.apps import AppConfig


class LicensingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "licensing"
    verbose_name = "Licensing: talent, consent and royalties"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from shop.pages import on_product_cards, on_product_page

        from .db import register_sqlite_functions
        from .showcase.pages import card_images, see_it_on_panel

        # Infrastructure, not business logic: the SQLite append-only triggers call this function.
        connection_created.connect(register_sqlite_functions, dispatch_uid="licensing_sqlite_functions")
        # The product page's "See it on an AI twin" panel: the shop shows it without importing licensing.
        on_product_page(see_it_on_panel)
        # Product cards (listings, home rows, related): each card on its twin where a consent covers it.
        on_product_cards(card_images)
