"""`manage.py ledger_backup PATH`: the append-only ledger (consent events, royalty events, denied views) as
JSON Lines with a checksum, for `manage.py ledger_restore PATH`.

Format: a header line {"format": "twinshop-ledger", "version": 1, ...}; one line per row
{"model", "pk", "fields"} with exact decimals as strings and times in full ISO 8601 (Django's own JSON
serialiser cuts times to milliseconds, which would not round-trip); a trailer line
with the row counts, the ledger totals per currency and the SHA-256 of every byte before the trailer.
The rows reference grants, twins, products, brands and users by id: restore into a database that holds
those (a rebuilt or copied database whose ledger tables were lost), never as a merge into a live ledger.
The export runs in one repeatable-read snapshot on PostgreSQL, so rows and totals agree.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from licensing.models import ConsentEvent, DeniedView, RoyaltyEvent

FORMAT = "twinshop-ledger"
VERSION = 1
LEDGER_MODELS = (ConsentEvent, RoyaltyEvent, DeniedView)  # restore order
BATCH = 2000


def model_label(model: type[Model]) -> str:
    return model._meta.label_lower


def row_encode(obj: Any) -> str:
    fields: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        fields[f.attname] = value
    return json.dumps({"model": model_label(type(obj)), "pk": obj.pk, "fields": fields}, ensure_ascii=False,
                      sort_keys=True)


def row_decode(line: str, models: Mapping[str, type[Model]]) -> Any:
    data = json.loads(line)
    model = models[data["model"]]
    kwargs: dict[str, Any] = {model._meta.pk.attname: data["pk"]}
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    for name, value in data["fields"].items():
        f = by_attname[name]
        if value is not None:
            if f.get_internal_type() == "DecimalField":
                value = Decimal(value)
            elif f.get_internal_type() == "DateTimeField":
                value = datetime.fromisoformat(value)
        kwargs[name] = value
    return model(**kwargs)


def ledger_totals() -> dict[str, Any]:
    """Counts per table and royalty sums per currency (exact decimals, as strings)."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for currency, amount, commission, net in RoyaltyEvent.objects.values_list(
            "currency", "amount", "agency_commission", "talent_net").iterator(chunk_size=5000):
        s = sums[currency]
        s["amount"] += amount
        s["agency_commission"] += commission
        s["talent_net"] += net
    return {
        "rows": {model_label(m): m.objects.count() for m in LEDGER_MODELS},
        "totals": {c: {k: str(v.quantize(Decimal("0.0001"))) for k, v in s.items()} for c, s in sorted(sums.items())},
    }


def ledger_backup(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    tmp = path.with_name(path.name + ".partial")
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:  # inside a caller's transaction, its snapshot rules
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with tmp.open("wb") as out:
            def write(line: str) -> None:
                data = (line.rstrip("\n") + "\n").encode("utf-8")
                digest.update(data)
                out.write(data)

            write(json.dumps({"format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
                              "tables": [model_label(m) for m in LEDGER_MODELS]}))
            for model in LEDGER_MODELS:
                qs = model.objects.order_by("pk")
                last = None
                while True:
                    batch = list((qs.filter(pk__gt=last) if last is not None else qs)[:BATCH])
                    if not batch:
                        break
                    for obj in batch:
                        write(row_encode(obj))
                    last = batch[-1].pk
            summary = ledger_totals()
            trailer = {"trailer": True, **summary, "sha256": digest.hexdigest()}
            out.write((json.dumps(trailer) + "\n").encode("utf-8"))
    tmp.replace(path)  # a crash mid-export never leaves a file that looks complete
    return trailer


class Command(BaseCommand):
    help = "Write the ledger (consent events, royalty events, denied views) to PATH as checksummed JSON Lines."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if path.exists():
            raise CommandError(f"{path} exists; refusing to overwrite a backup")
        trailer = ledger_backup(path)
        for label, n in trailer["rows"].items():
            self.stdout.write(f"{label:<28} {n:>9} rows")
        for currency, sums in trailer["totals"].items():
            self.stdout.write(f"royalty total {currency}: {sums['amount']} (commission {sums['agency_commission']}, "
                              f"net {sums['talent_net']})")
        self.stdout.write(self.style.SUCCESS(f"wrote {path} sha256 {trailer['sha256']}"))
