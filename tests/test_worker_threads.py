"""config/asgi.py: a worker process runs one BLAS thread (an idle second one spins, burning a core)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = ("import config.asgi, os, numpy, threadpoolctl\n"
         "blas = [p['num_threads'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas']\n"
         "print(os.environ['OPENBLAS_NUM_THREADS'], blas)\n")


def _probe(**env: str) -> str:
    run_env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    run_env.update(DJANGO_SETTINGS_MODULE="config.settings.test", ASSISTANT_WARM_ON_START="0", **env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=run_env, capture_output=True, text=True,
                         timeout=120, check=True)
    return out.stdout.strip().splitlines()[-1]


def test_a_worker_loads_numpy_with_one_blas_thread() -> None:
    assert _probe() == "1 [1]"


def test_a_thread_count_set_by_the_deployment_wins() -> None:
    assert _probe(OPENBLAS_NUM_THREADS="2") == "2 [2]"
