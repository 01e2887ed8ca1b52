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
taken) stops them all, and SIGINT/SIGTERM shut every worker down gracefully.
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import multiprocessing.connection
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

logger = logging.getLogger("twinshop.serve")


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
        return {"host": self.host, "port": self.port, "ws_max_size": self.ws_max_size, "backlog": self.backlog,
                "access_log": self.access_log, "log_level": self.log_level,
                "timeout_graceful_shutdown": self.graceful_timeout}


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


def _worker(options: dict[str, Any]) -> None:
    """One worker process: its own SO_REUSEPORT socket, then an ordinary uvicorn server on it."""
    import uvicorn

    opts = Options(**options)
    try:
        sock = reuse_port_socket(opts.host, opts.port)
    except OSError as exc:
        print(f"twinshop worker: cannot bind {opts.host}:{opts.port}: {exc}", file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)
    uvicorn.Server(uvicorn.Config(APP, **opts.uvicorn_kwargs())).run(sockets=[sock])


class Supervisor:
    """Keeps `workers` worker processes running until told to stop."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict[int, multiprocessing.process.BaseProcess] = {}
        self.stopping = threading.Event()
        self.exit_code = 0

    def start_worker(self, slot: int) -> None:
        process = self.context.Process(target=_worker, args=(asdict(self.options),), name=f"twinshop-worker-{slot}")
        process.start()
        self.processes[slot] = process

    def stop(self, *_: Any) -> None:
        self.stopping.set()

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.stop)
        for slot in range(self.options.workers):
            self.start_worker(slot)
        print(f"Twinshop: {self.options.workers} workers on http://{self.options.host}:{self.options.port} "
              f"(one SO_REUSEPORT socket each; pids {', '.join(str(p.pid) for p in self.processes.values())})",
              flush=True)
        while not self.stopping.is_set():
            multiprocessing.connection.wait([p.sentinel for p in self.processes.values()], timeout=0.5)
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
