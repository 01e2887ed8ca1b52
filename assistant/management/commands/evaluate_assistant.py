"""Run graded conversations through the same pipeline the websocket uses and write the results file.

Each conversation gets a fresh Conversation row inside a transaction that is rolled back at the end, so
evaluation leaves no trace in the database.
"""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assistant.models import Conversation
from assistant.services import AssistantError, conversation_message


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "evaluate_assistant CONVERSATIONS.jsonl RESULTS.jsonl: the product ids shown after each turn"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("conversations")
        parser.add_argument("results")
        parser.add_argument("--verbose-turns", action="store_true", help="print every turn's reply")

    def handle(self, *args: Any, **options: Any) -> None:
        src = Path(options["conversations"])
        if not src.exists():
            raise CommandError(f"{src} does not exist")
        convs = []
        for n, line in enumerate(src.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                convs.append((str(data["id"]), [str(t) for t in data["turns"]]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CommandError(f"{src}:{n}: not a conversation ({exc})") from None
        timings: list[float] = []
        out_lines = []
        try:
            with transaction.atomic():
                for cid, turns in convs:
                    convo = Conversation.objects.create(session_key=f"eval-{cid}"[:40])
                    results: list[list[int]] = []
                    for text in turns:
                        started = time.perf_counter()
                        try:
                            result = conversation_message(conversation=convo, text=text)
                            ids = [p["id"] for p in result.products][:10]
                        except AssistantError as exc:
                            ids = []
                            result = None
                            self.stderr.write(f"{cid}: {exc.message}")
                        timings.append((time.perf_counter() - started) * 1000)
                        results.append(ids)
                        if options["verbose_turns"] and result is not None:
                            self.stdout.write(f"{cid} | {text} -> {result.text}")
                    out_lines.append(json.dumps({"id": cid, "results": results}))
                raise _Rollback
        except _Rollback:
            pass
        Path(options["results"]).write_text("\n".join(out_lines) + "\n")
        if timings:
            self.stdout.write(
                f"{len(convs)} conversations, {len(timings)} turns; turn median {statistics.median(timings):.1f} ms "
                f"(includes first-call warm-up) -> {options['results']}"
            )
