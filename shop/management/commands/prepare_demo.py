"""Everything the one-command demo needs, each step idempotent and fast when there is nothing to do."""
from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Import the demo catalogue, create the demo talents, twins and consents, and build the search index."

    def handle(self, *args: object, **options: object) -> None:
        steps: list[tuple[str, tuple[object, ...]]] = [
            ("import_catalog", (str(settings.DEMO_CATALOG_PATH), "--if-changed")),
            ("seed_licensing_demo", ()),
            ("build_index", ()),
        ]
        for name, args_ in steps:
            self.stdout.write(self.style.MIGRATE_HEADING(f"-> {name}"))
            call_command(name, *args_, stdout=self.stdout, stderr=self.stderr)
