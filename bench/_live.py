"""Helpers shared by the live-server benchmarks: start uvicorn in a subprocess, find its workers, talk to it.

Not a benchmark itself (scripts/bench runs bench/*_bench.py only).
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> str:
    """CPU count, model, clock and widest vector unit: the same "2 cpu AMD EPYC" name covers hosts whose ONNX
    query embedding differs by 2x (AVX-512 or not), so figures are only comparable with this line beside them."""
    model, mhz, flags = "", "", set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "model name" and not model:
                model = value
            elif key == "cpu MHz" and not mhz:
                mhz = f"{float(value):.0f} MHz"
            elif key == "flags" and not flags:
                flags = set(value.split())
    vector = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "no avx2"
    details = ", ".join(x for x in (model or "unknown CPU", mhz, vector if flags else "") if x)
    return f"{os.cpu_count()} cpu, {os.uname().machine}, {details}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
    return out


@dataclass
class LiveServer:
    port: int
    proc: subprocess.Popen[bytes]
    workers: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/assistant/"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the uvicorn process itself with one worker, else its children."""
        if self.workers <= 1:
            return [self.proc.pid]
        return [p for p in children(self.proc.pid) if _is_worker(p)]

    def listening_workers(self) -> set[int]:
        """The workers holding a listening socket on the port. A spawned worker binds its SO_REUSEPORT socket at
        once but listens only once the app is imported; until then the kernel gives every connection to the others."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == self.port:  # 0A: LISTEN
                        inodes.add(f"socket:[{fields[9]}]")
        owners = set()
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                if any(_readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
                    owners.add(pid)
        return owners

    def get_json(self, path: str, timeout: float = 10) -> dict:
        with urllib.request.urlopen(self.http + path, timeout=timeout) as r:
            return json.loads(r.read())


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def _is_worker(pid: int) -> bool:
    # uvicorn spawns workers through multiprocessing (spawn_main); its resource tracker is a child too.
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@contextlib.contextmanager
def live_server(*, workers: int = 1, env: dict[str, str] | None = None, settings: str = "config.settings.development",
                ready_timeout: float = 120.0, quiet: bool = True) -> Iterator[LiveServer]:
    """`python -m config.serve` on a free port; yields once /healthz answers, stops it on exit."""
    port = free_port()
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "DEBUG": "0", "LOG_LEVEL": "WARNING",
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"twinshop-live-{port}.log"
    # The production entry point (a SO_REUSEPORT socket per worker; plain uvicorn for one worker).
    cmd = [PYTHON, "-m", "config.serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--ws-max-size", "65536", "--backlog", "2048", "--no-access-log",
           "--log-level", "warning"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = LiveServer(port=port, proc=proc, workers=workers, log=log, env=full_env)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                server.get_json("/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn did not answer in {ready_timeout}s:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        if workers > 1:
            # The port answers as soon as the first worker is up; wait for the rest to listen too.
            while len(server.listening_workers()) < workers and time.monotonic() < deadline:
                time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if quiet:
            log.unlink(missing_ok=True)


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds (0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def pids_named(*names: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


def cpu_snapshot(server: LiveServer) -> dict[str, float]:
    """CPU seconds used so far by each party of a turn: the uvicorn workers, this load generator, and the
    database and Redis servers (all of PostgreSQL's processes, so other users of it count too)."""
    return {"workers": cpu_seconds(server.worker_pids()), "load generator": cpu_seconds([os.getpid()]),
            "postgresql": cpu_seconds(pids_named("postgres")), "redis": cpu_seconds(pids_named("redis-server"))}


def wait_until_idle(server: LiveServer, *, idle_share: float = 0.05, timeout: float = 180.0) -> float:
    """Block until the workers use less than `idle_share` of a core over a second (a worker warms the assistant
    in the background after it starts: the index, the vocabulary, the query encoder, torch when there is no
    ONNX export). A benchmark that starts before that measures the warm-up too. Returns the seconds waited."""
    started = time.perf_counter()
    before = cpu_seconds(server.worker_pids())
    while time.perf_counter() - started < timeout:
        time.sleep(1.0)
        now = cpu_seconds(server.worker_pids())
        if now - before < idle_share:
            break
        before = now
    return time.perf_counter() - started


def server_label(workers: int) -> str:
    return "uvicorn, 1 worker" if workers <= 1 else f"python -m config.serve --workers {workers} (a SO_REUSEPORT socket per worker)"


def percentile(values: list[float], q: float) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))]


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("| " + " | ".join(c.rjust(w) if n and i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False))) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
