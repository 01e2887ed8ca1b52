"""The codebase's size budget, run by `make test` before the suite: no function above cyclomatic complexity 25
and no module above 600 lines (migrations aside). Prints every offender and exits 1 when there is one."""
from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit

MAX_COMPLEXITY = 25
MAX_LINES = 600
PACKAGES = ("config", "shop", "licensing", "assistant", "drawing", "scripts", "bench")


def offenders(root: Path) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            lines = source.count("\n")
            if lines > MAX_LINES:
                found.append(f"{path.relative_to(root)}: {lines} lines (budget {MAX_LINES})")
            for block in cc_visit(source):
                if block.complexity > MAX_COMPLEXITY:
                    found.append(f"{path.relative_to(root)}:{block.lineno} {block.fullname}: complexity "
                                 f"{block.complexity} (budget {MAX_COMPLEXITY})")
    return found


if __name__ == "__main__":
    problems = offenders(Path(__file__).resolve().parent.parent)
    print("\n".join(problems) or f"complexity <= {MAX_COMPLEXITY}, modules <= {MAX_LINES} lines: ok")
    sys.exit(1 if problems else 0)
