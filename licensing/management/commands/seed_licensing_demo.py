"""Create the demo talents, agency, twins and consents (idempotent: a second run changes nothing)."""
from django.core.management.base import BaseCommand

from licensing.demo import DEMO_ACCOUNTS, demo_coverage, seed


class Command(BaseCommand):
    help = "Demo talents (diverse), an agency, twins with poses and signed consents in every state."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--views", type=int, default=600, help="past demo views to run through the gate")

    def handle(self, *args, **options) -> None:
        log = seed(views=options["views"])
        for line in log:
            self.stdout.write(f"  {line}")
        if not log:
            self.stdout.write("  licensing demo data already present")
        self.stdout.write(f"  {demo_coverage()}")
        self.stdout.write(DEMO_ACCOUNTS)
