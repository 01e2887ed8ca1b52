from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from shop.services import hooks

HEADER = ["id", "name", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season",
          "year", "usage", "price", "currency", "sizes", "stock"]


def row(**over: str) -> dict[str, str]:
    base = {
        "id": "1001", "name": "Peter England Men Blue Shirt", "gender": "Men", "masterCategory": "Apparel",
        "subCategory": "Topwear", "articleType": "Shirts", "baseColour": "Blue", "season": "Summer",
        "year": "2012", "usage": "Formal", "price": "49.99", "currency": "USD", "sizes": "S|M|L", "stock": "10",
    }
    base.update(over)
    return base


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or HEADER
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue().encode()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def _write(rows: list[dict[str, str]], header: list[str] | None = None, gz: bool = False, name: str = "cat.csv") -> Path:
        data = csv_bytes(rows, header)
        path = tmp_path / (name + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(data) if gz else data)
        return path

    return _write


@pytest.fixture(scope="session")
def demo_sample_bytes() -> bytes:
    """The first 300 rows of the real demo catalogue (realistic names, sizes, brands)."""
    with gzip.open(settings.DEMO_CATALOG_PATH, "rt", newline="", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(301)]
    return "".join(lines).encode()


@pytest.fixture
def hook_calls() -> Iterator[list[list[int]]]:
    """Replace the products-changed registry with a recorder for the test."""
    saved = hooks._unregister_all_for_tests()
    calls: list[list[int]] = []

    def record(*, catalog_ids: list[int]) -> None:
        calls.append(catalog_ids)

    hooks.on_products_changed(record)
    yield calls
    hooks._restore_for_tests(saved)
