"""`manage.py flush`, allowed to empty the append-only ledger tables on SQLite.

Wiping the whole database is the one legitimate way ledger rows disappear (PostgreSQL does it with
TRUNCATE, which row triggers don't see). Django's test framework calls this command between
transactional tests. See licensing/db.py.
"""
from django.core.management.commands.flush import Command as DjangoFlushCommand

from licensing.db import whole_database_wipe


class Command(DjangoFlushCommand):
    def handle(self, **options):
        with whole_database_wipe():
            return super().handle(**options)
