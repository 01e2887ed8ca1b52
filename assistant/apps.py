from django.apps import AppConfig


class AssistantConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistant"

    def ready(self) -> None:
        from shop.services import on_products_changed

        from .services import index_mark_stale

        on_products_changed(index_mark_stale)

        from shop.search import on_search

        from .search import search_provider

        # The shop's search box reads words as the chat does, in the same index (shop.search).
        on_search(search_provider)

        from shop.health_views import readiness_check_register

        from .retrieval.store import health_report

        # /readyz says when the index store is unreachable or a version failed its checksum (store.health_report).
        readiness_check_register("search_index", health_report)

        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_close_sockets_on_logout, dispatch_uid="assistant-close-sockets-on-logout")


def _close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None and user.pk is not None:
        from .services import user_sockets_close

        user_sockets_close(user_id=user.pk)
