from django.apps import AppConfig


class LicensingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "licensing"
    verbose_name = "Licensing: talent, consent and royalties"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .db import register_sqlite_functions

        # Infrastructure, not business logic: the SQLite append-only triggers call this function.
        connection_created.connect(register_sqlite_functions, dispatch_uid="licensing_sqlite_functions")
