"""Chat turn latency over a real websocket to a live uvicorn server with the demo catalogue.

Starts `uvicorn config.asgi:application` (DEBUG off) against the configured database (the dev SQLite
database by default, PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set), then drives it with the
`websockets` client:
  1. one client: conversations one after another, each on a fresh connection (a fresh session, like a new
     shopper); latency of every turn = message frame sent -> final "reply" frame received.
  2. N concurrent clients (default 50) for a fixed time, each sending its next message as soon as the reply
     came (closed loop, no think time): the most turns/s the server gives. Latency here is queueing: by
     Little's law the mean is N / throughput (50 clients at 100 turns/s wait 500 ms on average), so this
     row shows capacity, not what a shopper waits.
  3. The same N clients with open-loop arrivals at --rate turns/s in all (default 100): each client's
     messages are scheduled at random (exponential) intervals of mean N / rate, and a turn is timed from
     its scheduled moment, so a server that falls behind is charged for the wait too (no coordinated
     omission). This row answers "100 turns/s from 50 clients: what p95?".
The server runs with the query-embedding cache off (ASSISTANT_QUERY_CACHE_SIZE=0): ten conversations repeat
their search texts, which real traffic does far less, so every timed turn pays for its embedding.
Connection set-up (session + conversation rows) is not part of a turn and is not timed.

    python bench/chat_ws_bench.py [--workers 1] [--clients 50] [--duration 20] [--rate 100]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.client import connect  # noqa: E402

from bench._live import (  # noqa: E402
    LiveServer,
    cpu_snapshot,
    live_server,
    load_average,
    machine,
    percentile,
    server_label,
    table,
)

CONVERSATIONS = [
    ["women white casual shoes", "only under ${p}", "not cream", "the second one is nice, anything cheaper than that?"],
    ["kicks for my husband under ${p}", "blue ones", "any colour is fine"],
    ["a timepiece for dad below ${p}", "something for the office", "more like the first"],
    ["crimson frock for my daughter", "start over", "black track pants for women between 20 and {p}"],
    ["shirt for an interview for men under ${p}", "size L", "no white"],
    ["something festive for my wife under ${p}", "kurtas", "only green ones"],
    ["running shoes for women under ${p}", "anything but black", "compare the first and second"],
    ["men's navy polo under ${p}", "in xl", "show me jackets instead"],
    ["a red handbag for a party under ${p}", "leather", "cheaper"],
    ["sunglasses for the beach", "for men under ${p}", "more like the second"],
]


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    products: int = 0


class Pacer:
    """One client's open-loop schedule: exponential gaps of mean `interval` seconds between scheduled sends."""

    def __init__(self, rng: random.Random, interval: float) -> None:
        self.rng, self.interval = rng, interval
        self.next_at = time.perf_counter() + rng.expovariate(1 / interval)

    async def wait(self) -> float:
        """Sleep until the next scheduled send (at once if it is overdue); returns its scheduled moment."""
        delay = self.next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        scheduled = self.next_at
        self.next_at += self.rng.expovariate(1 / self.interval)
        return scheduled


def shopper_address(n: int) -> str:
    """A client's own address, sent as X-Forwarded-For through the server's trusted proxy (127.0.0.1): the chat's
    per-address budgets (assistant.consumers) would otherwise count every simulated shopper as one office NAT."""
    return f"10.{20 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}"


async def conversation(server: LiveServer, turns: list[str], stats: Stats, rng: random.Random,
                       pacer: Pacer | None = None, stop_at: float = float("inf"), address: str = "10.1.0.1") -> None:
    async with connect(server.ws, origin=server.origin, max_size=2**20, open_timeout=30,
                       additional_headers={"X-Forwarded-For": address}) as ws:
        hello = json.loads(await ws.recv())
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello}")
        for template in turns:
            text = template.replace("{p}", str(rng.randint(25, 180)))
            if pacer is not None and pacer.next_at >= stop_at:
                return  # the open-loop window is over: nothing more is scheduled
            started = await pacer.wait() if pacer is not None else time.perf_counter()
            await ws.send(json.dumps({"type": "message", "text": text}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                if frame["type"] in ("reply", "error"):
                    break
            elapsed = (time.perf_counter() - started) * 1000
            if frame["type"] == "error":
                stats.errors[frame.get("code", "?")] = stats.errors.get(frame.get("code", "?"), 0) + 1
            else:
                stats.latencies_ms.append(elapsed)
                stats.products += len(frame.get("products") or [])


async def one_client(server: LiveServer, passes: int, seed: int) -> Stats:
    rng = random.Random(seed)
    stats = Stats()
    for p in range(passes):
        for n, turns in enumerate(CONVERSATIONS):
            # A new shopper per conversation, each from an address of its own: one address's budget is 10 turns/s,
            # which one client typing without pause exceeds within a couple of passes.
            await conversation(server, turns, stats, rng, address=shopper_address(100_000 + p * len(CONVERSATIONS) + n))
    return stats


async def many_clients(server: LiveServer, clients: int, duration: float, seed: int,
                       rate: float | None = None) -> tuple[Stats, float]:
    """`clients` concurrent clients for `duration` seconds; closed loop, or open loop at `rate` turns/s in all."""
    stats = Stats()
    stop_at = time.perf_counter() + duration

    async def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        pacer = Pacer(random.Random(seed * 7919 + n), clients / rate) if rate else None
        i = n
        while time.perf_counter() < stop_at:
            # Each conversation is a new shopper (a fresh session) from an address of its own: an address opens
            # at most 0.2 new sessions a second (burst 20), which one simulated client chatting without pause
            # exceeds within a minute, and which in Redis lasts from one benchmark run into the next.
            try:
                await conversation(server, CONVERSATIONS[i % len(CONVERSATIONS)], stats, rng, pacer, stop_at,
                                   address=shopper_address(i))
            except (TimeoutError, OSError) as exc:
                stats.errors[type(exc).__name__] = stats.errors.get(type(exc).__name__, 0) + 1
            i += clients

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return stats, time.perf_counter() - started


def summary(label: str, stats: Stats, wall: float | None = None) -> list[object]:
    xs = stats.latencies_ms
    rate = f"{len(xs) / wall:.1f}" if wall else "-"
    return [label, len(xs), rate, f"{statistics.median(xs):.1f}", f"{percentile(xs, 0.95):.1f}",
            f"{percentile(xs, 0.99):.1f}", f"{max(xs):.1f}", sum(stats.errors.values()) or 0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "1")))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--passes", type=int, default=3, help="single-client passes over the conversations")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="offered turns/s of the open-loop run (0 skips it)")
    args = parser.parse_args()
    db = os.environ.get("DATABASE_URL", "sqlite (var/twinshop.sqlite3)").split("@")[-1]
    print(f"machine: {machine()}; load average before: {load_average()}")
    print(f"server: {server_label(args.workers)}; database: {db}; channel layer: "
          f"{'redis' if os.environ.get('REDIS_URL') else 'in-memory'}")
    with live_server(workers=args.workers, env={"ASSISTANT_QUERY_CACHE_SIZE": "0", "TRUSTED_PROXIES": "127.0.0.1"}) as server:
        t0 = time.perf_counter()
        # Warm-up: every worker loads the index, the ONNX session and the vocabulary on its first turn.
        warm = asyncio.run(many_clients(server, max(2, args.workers * 2), 0.1, seed=99))[0]
        asyncio.run(one_client(server, 1, seed=98))
        print(f"warm-up: {time.perf_counter() - t0:.1f} s ({len(warm.latencies_ms)} turns, first turn "
              f"{max(warm.latencies_ms or [0]):.0f} ms)")
        cpu_start = cpu_snapshot(server)
        single = asyncio.run(one_client(server, args.passes, seed=1))
        cpu_before = cpu_snapshot(server)
        crowd, wall = asyncio.run(many_clients(server, args.clients, args.duration, seed=2))
        cpu_after = cpu_snapshot(server)
        paced, paced_wall = (asyncio.run(many_clients(server, args.clients, args.duration, seed=3, rate=args.rate))
                             if args.rate else (None, 0.0))
        rss = {pid: server_rss for pid in server.worker_pids() if (server_rss := _rss(pid))}
    print()
    rows = [summary("1", single), summary(f"{args.clients}, closed loop", crowd, wall)]
    if paced is not None:
        rows.append(summary(f"{args.clients}, offered {args.rate:g}/s", paced, paced_wall))
    print(table(["clients", "turns", "turns/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"], rows))
    if single.errors or crowd.errors or (paced is not None and paced.errors):
        print(f"errors: single {single.errors}, closed loop {crowd.errors}, open loop {paced.errors if paced else {}}")
    print(f"cards per turn: {crowd.products / max(1, len(crowd.latencies_ms)):.1f}; worker RSS after run: "
          + ", ".join(f"{v:.0f} MB" for v in rss.values()))
    one_turns = max(1, len(single.latencies_ms))
    print("CPU per turn with 1 client (ms): " + ", ".join(
        f"{k} {(cpu_before[k] - cpu_start[k]) * 1000 / one_turns:.1f}" for k in cpu_start))
    turns = max(1, len(crowd.latencies_ms))
    print(f"CPU per turn with {args.clients} clients (ms): " + ", ".join(
        f"{k} {(cpu_after[k] - cpu_before[k]) * 1000 / turns:.1f}" for k in cpu_before)
        + f"; machine total {sum(cpu_after.values()) * 1000 / turns - sum(cpu_before.values()) * 1000 / turns:.1f}"
        + f" of {os.cpu_count() * wall * 1000 / turns:.1f} available")
    print(f"load average after: {load_average()}")
    p50, p95 = statistics.median(single.latencies_ms), percentile(single.latencies_ms, 0.95)
    tps, cp95 = len(crowd.latencies_ms) / wall, percentile(crowd.latencies_ms, 0.95)
    print(f"targets: 1 client p50 <= 20 ms: {'MET' if p50 <= 20 else 'MISSED'} ({p50:.1f}); p95 <= 50 ms: "
          f"{'MET' if p95 <= 50 else 'MISSED'} ({p95:.1f}); {args.clients} clients >= 100 turns/s (closed loop): "
          f"{'MET' if tps >= 100 else 'MISSED'} ({tps:.1f}); closed-loop p95 < 500 ms: "
          f"{'MET' if cp95 < 500 else 'MISSED'} ({cp95:.0f})")
    if paced is not None:
        pp95 = percentile(paced.latencies_ms, 0.95)
        met = args.rate >= 100 and not paced.errors and pp95 < 500
        print(f"open loop: {args.rate:g} turns/s offered by {args.clients} clients, {len(paced.latencies_ms)} sent in the "
              f"{args.duration:g} s window ({len(paced.latencies_ms) / args.duration:.1f}/s), "
              f"all answered {paced_wall - args.duration:+.2f} s after the window; p95 {pp95:.0f} ms "
              f"(target: 100 turns/s from {args.clients} clients with p95 < 500 ms: {'MET' if met else 'MISSED'})")


def _rss(pid: int) -> float | None:
    from bench._live import rss_mb

    try:
        return rss_mb(pid)
    except OSError:
        return None


if __name__ == "__main__":
    main()
