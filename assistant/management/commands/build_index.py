"""Embed the published catalogue (only texts not cached yet) and publish a new index version."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from assistant.retrieval.embeddings import export_query_model
from assistant.retrieval.index import index_build
from assistant.understanding.semantic import warm
from assistant.understanding.vocabulary import vocabulary_from_db


class Command(BaseCommand):
    help = "Build the assistant's search index (embeddings are cached by text hash; a second run is instant)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="write a new version even if nothing changed")
        parser.add_argument("--no-onnx", action="store_true", help="skip exporting the ONNX query encoder")

    def handle(self, *args: Any, **options: Any) -> None:
        bar: tqdm | None = None

        def on_total(n: int) -> None:
            nonlocal bar
            if n:
                bar = tqdm(total=n, unit="text", desc="embedding products", file=self.stderr._out)

        def progress(n: int) -> None:
            if bar is not None:
                bar.update(n)

        report = index_build(progress=progress, on_total=on_total, force=options["force"])
        if bar is not None:
            bar.close()
        if report.skipped:
            self.stdout.write("Another machine is building the index (it builds this catalogue too); nothing to do here.")
        elif report.unchanged:
            self.stdout.write(f"Index v{report.version} is up to date ({report.products} products).")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Index v{report.version}: {report.products} products, {report.embedded} newly embedded, "
                f"{report.seconds:.1f}s."
            ))
        if not options["no_onnx"]:
            path = export_query_model()
            self.stdout.write(f"Query encoder: {path.name if path else 'torch'}")
        warm(vocabulary_from_db())
