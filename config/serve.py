"""Serve Twinshop with N uvicorn workers on one port, each worker with a listening socket of its own.

    python -m config.serve --host 127.0.0.1 --port 8000 --workers 4

Why not `uvicorn --workers N`: there the workers share one listening socket, and whichever worker's event loop
wakes first accepts every connection that is waiting (uvloop drains the accept queue). Chats and keep-alive
image clients hold their connection, so a burst of them stays on one worker: measured with 2 workers, 16
image clients put one worker at 81% CPU and left the other at 0.2%, and 50 chats split 37/12. Here every
worker binds its own socket with SO_REUSEPORT and the kernel spreads new connections over the workers by a
hash of their addresses (Linux only lets processes of the same user join the group). Where SO_REUSEPORT does
not exist, or with one worker, this is plain uvicorn.

The parent only supervises: a worker that dies is started again, a worker that cannot start (the port is
taken) stops them all, SIGINT/SIGTERM shut every worker down gracefully, and SIGHUP replaces the workers one
at a time (new code, same port). A worker whose supervisor is gone (killed with SIGKILL) stops by itself
rather than serve on unsupervised.
"""
from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

APP = "config.asgi:application"
STARTUP_FAILURE = 3  # uvicorn's exit code when it cannot bind or load the app
RESTART_PAUSE_SECONDS = 1.0  # between a worker's death and its replacement, so a crash loop cannot spin
ORPHAN_CHECK_SECONDS = 1.0
REPLACEMENT_START_SECONDS = 120.0  # a worker loads Django, the index and the query encoder before it serves


@dataclass(frozen=True)
class Options:
    host: str
    port: int
    workers: int
    ws_max_size: int
    backlog: int
    access_log: bool
    log_level: str
    graceful_timeout: float

    def uvicorn_kwargs(self) -> dict[str, Any]:
        # proxy_headers off: uvicorn would otherwise rewrite the client address from X-Forwarded-For for any peer
        # in FORWARDED_ALLOW_IPS (127.0.0.1 by default); the app decides whom to believe (settings.TRUSTED_PROXIES,
        # licensing.transport), from the real peer address.
        return {"host": self.host, "port": self.port, "ws_max_size": self.ws_max_size, "backlog": self.backlog,
                "access_log": self.access_log, "log_level": self.log_level,
                "timeout_graceful_shutdown": self.graceful_timeout, "proxy_headers": False}


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m config.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--ws-max-size", type=int, default=65536, help="largest websocket frame accepted, bytes")
    parser.add_argument("--backlog", type=int, default=2048)
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument("--graceful-timeout", type=float, default=10.0,
                        help="seconds a stopping worker waits for open requests and chats")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0 to 65535")
    if args.port == 0 and args.workers > 1:
        parser.error("several workers need a fixed --port (with 0 each worker would get a port of its own)")
    return Options(host=args.host, port=args.port, workers=args.workers, ws_max_size=args.ws_max_size,
                   backlog=args.backlog, access_log=args.access_log, log_level=args.log_level,
                   graceful_timeout=args.graceful_timeout)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port that other processes of this user may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _stop_when_orphaned(supervisor_pid: int) -> None:
    # Linux re-parents an orphan; a graceful SIGTERM to ourselves then ends the uvicorn server as usual.
    while os.getppid() == supervisor_pid:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def _report_started(server: Any, started: Any) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        started.set()


def _worker(options: dict[str, Any], supervisor_pid: int, started: Any) -> None:
    """One worker process: its own SO_REUSEPORT socket, then an ordinary uvicorn server on it."""
    import uvicorn

    threading.Thread(target=_stop_when_orphaned, args=(supervisor_pid,), daemon=True,
                     name="twinshop-orphan-check").start()
    opts = Options(**options)
    try:
        sock = reuse_port_socket(opts.host, opts.port)
    except OSError as exc:
        print(f"twinshop worker: cannot bind {opts.host}:{opts.port}: {exc}", file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(uvicorn.Config(APP, **opts.uvicorn_kwargs()))
    threading.Thread(target=_report_started, args=(server, started), daemon=True, name="twinshop-started").start()
    server.run(sockets=[sock])


class Supervisor:
    """Keeps `workers` worker processes running until told to stop."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict[int, multiprocessing.process.BaseProcess] = {}
        self.started: dict[int, Any] = {}
        self.stopping = threading.Event()
        self.replace_requested = threading.Event()
        self.exit_code = 0

    def start_worker(self, slot: int) -> Any:
        """Start the worker of `slot`; returns an event set once it serves (its app loaded, its socket listening)."""
        started = self.context.Event()
        process = self.context.Process(target=_worker, args=(asdict(self.options), os.getpid(), started),
                                       name=f"twinshop-worker-{slot}")
        process.start()
        self.processes[slot] = process
        # Held here: a semaphore collected before the child has unpickled it is gone for the child too.
        self.started[slot] = started
        return started

    def stop(self, *_: Any) -> None:
        self.stopping.set()

    def request_replacement(self, *_: Any) -> None:
        self.replace_requested.set()

    def replace_workers(self) -> None:
        """One at a time, so the port always has workers: start the new one, and once it serves retire the old
        one gracefully. A replacement that does not come up in time is given up and the old worker kept."""
        for slot, old in list(self.processes.items()):
            if self.stopping.is_set():
                return
            started = self.start_worker(slot)
            if not self._wait_started(started, self.processes[slot]):
                print(f"Twinshop: replacement worker {self.processes[slot].pid} did not start; keeping {old.pid}.",
                      file=sys.stderr, flush=True)
                self.processes[slot].kill()
                self.processes[slot].join()
                self.processes[slot] = old
                return
            old.terminate()
            old.join(timeout=self.options.graceful_timeout + 5)
            if old.is_alive():
                old.kill()
                old.join()

    def _wait_started(self, started: Any, process: multiprocessing.process.BaseProcess) -> bool:
        deadline = time.monotonic() + REPLACEMENT_START_SECONDS
        while time.monotonic() < deadline and not self.stopping.is_set() and process.is_alive():
            if started.wait(timeout=0.5):
                return True
        return False

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.stop)
        signal.signal(signal.SIGHUP, self.request_replacement)
        for slot in range(self.options.workers):
            self.start_worker(slot)
        print(f"Twinshop: {self.options.workers} workers on http://{self.options.host}:{self.options.port} "
              f"(one SO_REUSEPORT socket each; pids {', '.join(str(p.pid) for p in self.processes.values())})",
              flush=True)
        while not self.stopping.is_set():
            multiprocessing.connection.wait([p.sentinel for p in self.processes.values()], timeout=0.5)
            if self.replace_requested.is_set():
                self.replace_requested.clear()
                self.replace_workers()
                continue
            for slot, process in list(self.processes.items()):
                if process.is_alive() or self.stopping.is_set():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    print(f"Twinshop: worker {process.pid} could not start; stopping.", file=sys.stderr, flush=True)
                    self.exit_code = STARTUP_FAILURE
                    self.stopping.set()
                    break
                print(f"Twinshop: worker {process.pid} exited ({process.exitcode}); starting another.",
                      file=sys.stderr, flush=True)
                time.sleep(RESTART_PAUSE_SECONDS)
                self.start_worker(slot)
        self.shutdown()
        return self.exit_code

    def shutdown(self) -> None:
        for process in self.processes.values():
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes open requests, then exits
        deadline = time.monotonic() + self.options.graceful_timeout + 5
        for process in self.processes.values():
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    if options.workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        import uvicorn

        uvicorn.run(APP, workers=options.workers, **options.uvicorn_kwargs())
        return 0
    return Supervisor(options).run()


if __name__ == "__main__":
    sys.exit(main())
