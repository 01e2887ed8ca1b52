# Shared by scripts/run and scripts/test: create the virtual environment and install what pyproject.toml
# declares, skipping the install when nothing changed since the last one (so a second run is fast).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON_BIN="${PYTHON:-}"
if [ -z "$PYTHON_BIN" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
      PYTHON_BIN="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON_BIN" ]; then
  echo "Twinshop needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Creating virtual environment in .venv"
  "$PYTHON_BIN" -m venv "$VENV"
fi
EXTRAS="${TWINSHOP_EXTRAS:-}"
STAMP="$VENV/.twinshop-installed${EXTRAS:+-$EXTRAS}"
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "==> Installing dependencies (first run takes a few minutes: torch CPU build, sentence-transformers, FAISS)"
  "$VENV/bin/python" -m pip install --upgrade --quiet pip
  # torch first, pinned to the CPU build: a looser resolution pulls a multi-GB CUDA build.
  if [ -n "${PIP_FIND_LINKS:-}" ] || "$VENV/bin/python" -c 'import torch' >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip install --quiet "torch==2.13.0"
  else
    "$VENV/bin/python" -m pip install --quiet "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
  fi
  "$VENV/bin/python" -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
