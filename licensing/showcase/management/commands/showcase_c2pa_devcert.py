"""Create a development C2PA signing chain and print the settings that enable manifests."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write a throwaway CA + ES256 signing certificate for C2PA manifests (development only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", default=str(Path(settings.DATA_DIR) / "c2pa"))

    def handle(self, *args, **opts) -> None:
        from licensing.showcase.c2pa_manifest import make_test_chain

        cert, key = make_test_chain(Path(opts["dir"]))
        self.stdout.write(f"SHOWCASE_C2PA_CERT={cert}\nSHOWCASE_C2PA_KEY={key}\n")
        self.stdout.write("Development CA: readers will report the signer as untrusted, as they should.")
