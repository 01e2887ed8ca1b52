"""Load, smaller: licensed views from 4 worker processes x 3 clients on PostgreSQL, dedup off, lose nothing.

The full-size run (10,000 views) is bench/load_views_bench.py; this is the same code at suite size.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from bench.load_views_bench import RATE, scenario_run, table

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_views_without_a_cap_are_each_one_row(settings, capsys) -> None:
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    outcome = scenario_run("no cap", attempts=600, cap=None, workers=4, threads=3)
    print(table([outcome]))
    assert (outcome.rows, outcome.billable, outcome.counter, outcome.denied) == (600, 600, 600, 0)
    assert outcome.total == RATE * 600 == Decimal("8.2200")
    call_command("reconcile_ledger")


def test_concurrent_views_on_a_capped_grant_stop_exactly_at_the_cap(settings) -> None:
    settings.LICENSING_DEDUP_WINDOW_SECONDS = 0
    outcome = scenario_run("cap 150", attempts=600, cap=150, workers=4, threads=3)
    print(table([outcome]))
    assert (outcome.rows, outcome.billable, outcome.counter, outcome.denied) == (150, 150, 150, 450)
    assert outcome.total == RATE * 150
    call_command("reconcile_ledger")
