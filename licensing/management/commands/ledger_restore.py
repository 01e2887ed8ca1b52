"""`manage.py ledger_restore PATH`: load a `ledger_backup` file into an EMPTY ledger.

Refuses (writing nothing) when the checksum or format does not match, when any ledger table already has
rows (the ledger is append-only; a restore is not a merge), when a row references a grant, twin, product
or user this database lacks, or when the restored counts and totals differ from the file's trailer. All or
nothing: one transaction. Primary keys are kept, so statements, CSV exports and audit trails that cite
event ids stay valid; PostgreSQL sequences are moved past the restored ids.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction

from licensing.management.commands.ledger_backup import (
    FORMAT,
    LEDGER_MODELS,
    VERSION,
    ledger_totals,
    model_label,
    row_decode,
)

BATCH = 2000


class RestoreRefused(Exception):
    pass


def _read_verified(path: Path) -> tuple[dict[str, Any], list[bytes], dict[str, Any]]:
    raw = path.read_bytes().splitlines(keepends=True)
    if len(raw) < 2:
        raise RestoreRefused("not a ledger backup (no header and trailer)")
    try:
        header, trailer = json.loads(raw[0]), json.loads(raw[-1])
    except ValueError:
        raise RestoreRefused("not a ledger backup (header or trailer is not JSON)") from None
    if header.get("format") != FORMAT or header.get("version") != VERSION or not trailer.get("trailer"):
        raise RestoreRefused(f"not a {FORMAT} v{VERSION} file")
    digest = hashlib.sha256(b"".join(raw[:-1])).hexdigest()
    if digest != trailer.get("sha256"):
        raise RestoreRefused(f"checksum mismatch: file {digest}, trailer {trailer.get('sha256')}; the file was "
                             "changed or truncated")
    return header, raw[1:-1], trailer


def ledger_restore(path: Path) -> dict[str, Any]:
    _header, lines, trailer = _read_verified(path)
    non_empty = [model_label(m) for m in LEDGER_MODELS if m.objects.exists()]
    if non_empty:
        raise RestoreRefused(f"the ledger is not empty ({', '.join(non_empty)}); restore only into an empty ledger")
    allowed = {model_label(m): m for m in LEDGER_MODELS}
    try:
        with transaction.atomic():
            pending: dict[str, list[Any]] = {label: [] for label in allowed}

            def flush(label: str) -> None:
                if pending[label]:
                    allowed[label].objects.bulk_create(pending[label])
                    pending[label] = []

            for number, line in enumerate(lines, start=2):
                try:
                    obj = row_decode(line.decode("utf-8"), allowed)
                except (ValueError, KeyError, TypeError) as exc:
                    raise RestoreRefused(f"line {number} is malformed ({exc!r}); nothing was written") from None
                label = model_label(type(obj))
                pending[label].append(obj)
                if len(pending[label]) >= BATCH:
                    flush(label)
            for label in allowed:
                flush(label)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(LEDGER_MODELS)):
                        cursor.execute(sql)
            now = ledger_totals()
            if now["rows"] != trailer["rows"] or now["totals"] != trailer["totals"]:
                raise RestoreRefused(f"restored ledger {now} differs from the backup's trailer; rolled back")
    except (IntegrityError, DatabaseError) as exc:
        raise RestoreRefused(f"a row could not be restored ({exc.__class__.__name__}: {exc}); nothing was written. "
                             "Restore into a database that holds the grants, twins, products and users.") from None
    return trailer


class Command(BaseCommand):
    help = "Restore a ledger_backup file into an empty ledger (all or nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            trailer = ledger_restore(path)
        except (RestoreRefused, OSError) as exc:
            raise CommandError(f"restore refused: {exc}") from None
        for label, n in trailer["rows"].items():
            self.stdout.write(f"{label:<28} {n:>9} rows restored")
        self.stdout.write(self.style.SUCCESS(f"restored {path}; counts and totals match the backup"))
