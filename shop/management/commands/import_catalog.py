"""manage.py import_catalog PATH [--dry-run] [--if-changed]"""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shop.services import CatalogImportError, catalog_import


class Command(BaseCommand):
    help = (
        "Import (upsert by catalogue id) a .csv or .csv.gz catalogue with the demo catalogue's columns. "
        "Rejected rows are reported with line, field and reason; good rows are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--if-changed", action="store_true",
            help="Skip the import when the file is identical (sha256) to the last successful import.",
        )
        parser.add_argument("--max-errors", type=int, default=50, help="How many rejected-row lines to print.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            report = catalog_import(
                path=opts["path"], dry_run=opts["dry_run"], if_changed=opts["if_changed"],
                progress=not opts["no_progress"] and opts.get("verbosity", 1) > 0,
            )
        except CatalogImportError as exc:
            raise CommandError(f"import_catalog: {exc}") from exc
        if report.unknown_columns:
            self.stderr.write(self.style.WARNING(f"Unknown column(s) ignored: {', '.join(report.unknown_columns)}"))
        if report.errors:
            self.stderr.write(self.style.WARNING(f"{report.rejected} row(s) rejected:"))
            for err in report.errors[: opts["max_errors"]]:
                ident = f" (id {err.catalog_id})" if err.catalog_id else ""
                self.stderr.write(f"  line {err.line}{ident}: {err.field}: {err.reason}")
            if len(report.errors) > opts["max_errors"]:
                self.stderr.write(f"  … and {len(report.errors) - opts['max_errors']} more")
        style = self.style.SUCCESS if not report.errors else self.style.WARNING
        self.stdout.write(style(report.summary()))
