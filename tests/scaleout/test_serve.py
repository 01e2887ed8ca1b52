"""`python -m config.serve`: N workers on one port, a SO_REUSEPORT socket each, under a small supervisor.

Runs on SQLite (a throwaway data directory, no demo catalogue): what is under test is the process model, not
the shop. The chat and gate benchmarks and tests/scaleout/test_two_workers.py start their servers the same way.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from config.serve import parse_options

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "REDIS_URL": "", "TWINSHOP_DATA_DIR": str(tmp_path),
            "ASSISTANT_WARM_ON_START": "0"}


def _answering_workers(server, requests: int = 40) -> set[int]:  # type: ignore[no-untyped-def]
    # A fresh connection per request (urllib does not keep connections alive): each one is placed anew.
    return {server.get_json("/readyz")["worker"] for _ in range(requests)}


def _wait(condition, timeout: float = 90.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_connections_reach_every_worker_and_a_killed_worker_is_replaced(tmp_path: Path) -> None:
    from bench._live import live_server

    with live_server(workers=2, env=_env(tmp_path)) as server:
        # given two workers, each on a socket of its own
        first = set(server.worker_pids())
        assert len(first) == 2
        # then new connections are spread over both (40 all on one: a chance of 2**-39)
        assert _answering_workers(server) == first

        # when one worker dies without a word
        victim = min(first)
        os.kill(victim, signal.SIGKILL)

        # then the supervisor starts another, and the port keeps answering from two workers
        second = _wait(lambda: (pids := set(server.worker_pids())) and len(pids) == 2 and victim not in pids and pids)
        assert len(second & first) == 1
        _wait(lambda: _answering_workers(server, 20) == second)

        # when the supervisor is told to stop, every worker stops with it
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in second)


def test_sighup_replaces_every_worker_while_the_port_keeps_answering(tmp_path: Path) -> None:
    from bench._live import live_server

    with live_server(workers=2, env=_env(tmp_path)) as server:
        old = set(server.worker_pids())
        answered: list[int] = []
        # when the supervisor is asked for new workers (a deploy)
        server.proc.send_signal(signal.SIGHUP)
        # then the port answers throughout, and in the end from two new workers only
        def replaced() -> set[int] | None:
            answered.append(server.get_json("/readyz")["worker"])
            pids = set(server.worker_pids())
            return pids if len(pids) == 2 and not pids & old else None
        new = _wait(replaced)
        assert _wait(lambda: _answering_workers(server, 20) == new)
        assert set(answered) <= old | new


def test_workers_stop_when_their_supervisor_is_killed(tmp_path: Path) -> None:
    from bench._live import live_server

    with live_server(workers=2, env=_env(tmp_path)) as server:
        workers = server.worker_pids()
        # when the supervisor dies without a chance to stop them
        server.proc.kill()
        server.proc.wait(timeout=10)
        # then its workers notice and stop instead of serving on unsupervised
        _wait(lambda: not any(_alive(pid) for pid in workers), timeout=30)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_port_that_is_taken_stops_the_server_with_startup_failure(tmp_path: Path) -> None:
    # given a port some other program listens on (without SO_REUSEPORT, so no one may join it)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        env = {**os.environ, **_env(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.development"}
        # when the server starts on it
        done = subprocess.run([sys.executable, "-m", "config.serve", "--port", str(port), "--workers", "2",
                               "--log-level", "warning"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
    # then it gives up with uvicorn's start-up failure code instead of restarting workers forever
    assert done.returncode == 3
    assert f"cannot bind 127.0.0.1:{port}" in done.stderr


@pytest.mark.parametrize("argv, message", [
    (["--workers", "0"], "--workers must be at least 1"),
    (["--workers", "two"], "invalid int value"),
    (["--port", "70000"], "--port must be 0 to 65535"),
    (["--port", "0", "--workers", "2"], "several workers need a fixed --port"),
    (["--log-level", "loud"], "invalid choice"),
])
def test_bad_arguments_are_refused_with_the_reason(argv: list[str], message: str, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        parse_options(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_good_arguments_become_uvicorn_settings() -> None:
    options = parse_options(["--host", "0.0.0.0", "--port", "8123", "--workers", "3", "--no-access-log"])
    assert (options.workers, options.port) == (3, 8123)
    assert options.uvicorn_kwargs() == {"host": "0.0.0.0", "port": 8123, "ws_max_size": 65536, "backlog": 2048,
                                        "access_log": False, "log_level": "info", "timeout_graceful_shutdown": 10.0,
                                        "proxy_headers": False}


def test_readyz_names_the_worker_over_plain_http(tmp_path: Path) -> None:
    from bench._live import live_server

    # one worker: plain uvicorn, same entry point
    with live_server(workers=1, env=_env(tmp_path)) as server:
        with urllib.request.urlopen(server.http + "/healthz", timeout=10) as response:
            assert response.status == 200
        assert server.get_json("/readyz")["worker"] == server.proc.pid
