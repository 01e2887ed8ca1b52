"""Mark consents whose end date has passed as expired (the gate refuses them by date already; this
keeps statuses and the consent history honest). Safe to run from cron at any interval."""
from django.core.management.base import BaseCommand

from licensing.services import grant_expire


class Command(BaseCommand):
    help = "Expire consent grants whose validity window has ended."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"expired {grant_expire()} consent grant(s)")
