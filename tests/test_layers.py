"""Layers point one way: config -> assistant -> licensing -> shop -> drawing. Read from the source, so a
function-local import counts as much as a module-level one."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# package -> the top-level packages it must never import
FORBIDDEN = {
    "drawing": {"django", "shop", "licensing", "assistant", "config"},
    "shop": {"licensing", "assistant", "config"},
    "licensing": {"assistant", "config"},
    "assistant": {"config"},
}
DJANGO_INTERNALS = ("django.db.models.sql", "django.db.models.query_utils.RelatedPopulator")


def imports_of(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def modules(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_above_it(package):
    # given the package's modules; when their imports are read; then none reaches a forbidden package
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules(package)
        for line, name in imports_of(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert wrong == []


@pytest.mark.parametrize("package", ["shop", "licensing", "assistant", "config"])
def test_no_app_reaches_into_the_orm_compiler(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules(package)
        for line, name in imports_of(path)
        if name.startswith(DJANGO_INTERNALS) or name.endswith(".ModelState")
    ]
    assert wrong == []
