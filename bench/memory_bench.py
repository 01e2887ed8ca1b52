"""Memory (RSS) of one uvicorn worker with the full catalogue loaded.

Starts `uvicorn --workers 1` on the configured database, reads /proc/<pid>/status of the worker:
  idle         after start-up (Django, URL conf, no chat yet)
  first turn   after one websocket turn: index snapshot (facets + 44k x 384 float32 vectors), ONNX query
               encoder, catalogue vocabulary, LangChain pipeline
  after load   after a few hundred turns from 20 concurrent clients (query LRU, per-connection state)
VmHWM is the peak RSS the process ever reached.

    python bench/memory_bench.py [--turns 300]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._live import live_server, load_average, machine, table  # noqa: E402
from bench.chat_ws_bench import CONVERSATIONS, Stats, conversation  # noqa: E402


def status(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out


async def traffic(server, turns: int, clients: int = 20) -> int:  # type: ignore[no-untyped-def]
    import random

    stats = Stats()

    async def client(n: int) -> None:
        rng = random.Random(n)
        i = n
        while len(stats.latencies_ms) < turns:
            await conversation(server, CONVERSATIONS[i % len(CONVERSATIONS)], stats, rng)
            i += 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    return len(stats.latencies_ms)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average: {load_average()}")
    db = os.environ.get("DATABASE_URL", "sqlite (var/twinshop.sqlite3)").split("@")[-1]
    rows = []
    with live_server(workers=1) as server:
        pid = server.worker_pids()[0]
        rows.append(["idle after start-up", *status(pid).values()])
        stats = Stats()
        import random

        asyncio.run(conversation(server, CONVERSATIONS[0][:1], stats, random.Random(0)))
        rows.append(["after the first chat turn", *status(pid).values()])
        done = asyncio.run(traffic(server, args.turns))
        rows.append([f"after {done} more turns (20 clients)", *status(pid).values()])
        peak = status(pid)["VmHWM"]
    print(f"worker pid {pid}; database: {db}")
    print()
    print(table(["state", "VmHWM MB", "VmRSS MB", "RssAnon MB", "RssFile MB"],
                [[r[0], *(f"{x:.0f}" for x in r[1:])] for r in rows]))
    print(f"one worker < 1 GB RSS: {'MET' if peak < 1024 else 'MISSED'} (peak {peak:.0f} MB)")


if __name__ == "__main__":
    main()
