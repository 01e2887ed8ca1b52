from django.apps import AppConfig


class AssistantConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistant"

    def ready(self) -> None:
        from shop.services import on_products_changed

        from .services import index_mark_stale

        on_products_changed(index_mark_stale)
