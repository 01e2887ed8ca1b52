"""Scale-out mode for real: `uvicorn --workers 2` on PostgreSQL + Redis, driven over websockets.

The cluster runs on its own PostgreSQL database (twinshop_scaleout) and Redis database (13), with a small
slice of the demo catalogue, the demo twins and consents, and its own index directory. Every change is
made by *another process* (a `django.setup()` subprocess, like an admin action or a talent's revoke on
some other worker), and the open chats on both workers must see it:

- the two workers both serve chats (each connection is traced to the process owning its server socket);
- a consent revocation reaches open chats on both workers through the Redis channel layer, and the
  revoked twin is gone from the next turn's cards;
- an unpublished product disappears from the next turn on both workers (facets re-read from the DB);
- a new index version (a renamed product re-embedded by build_index) is picked up without a restart.
"""
from __future__ import annotations

import asyncio
import csv
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "twinshop_scaleout"
REDIS_DB = 13
SLICE = 600  # products from the demo CSV: enough brands and article types for consents and cards


@dataclass
class Cluster:
    server: object  # bench._live.LiveServer
    env: dict[str, str]

    def django(self, code: str, *, timeout: float = 300) -> str:
        """Run `code` after django.setup() in a separate process on the cluster's database and Redis."""
        prelude = "import django, json\ndjango.setup()\n"
        proc = subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if proc.returncode:
            raise AssertionError(f"subprocess failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
        return proc.stdout


def _urls() -> tuple[str, str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    pg = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{DB_NAME}"
    parts = urlsplit(settings.REDIS_URL)
    redis_url = urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))
    return pg, redis_url


def _recreate_database(pg_url: str) -> None:
    import psycopg

    parts = urlsplit(pg_url)
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                         password=parts.password or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _catalogue_slice(path: Path) -> None:
    from django.conf import settings

    with gzip.open(settings.DEMO_CATALOG_PATH, "rt", newline="") as src, path.open("w", newline="") as dst:
        reader = csv.reader(src)
        writer = csv.writer(dst)
        writer.writerow(next(reader))
        for n, row in enumerate(reader):
            if n >= SLICE:
                break
            writer.writerow(row)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    import redis
    from django.conf import settings

    from bench._live import live_server

    pg_url, redis_url = _urls()
    _recreate_database(pg_url)
    redis.Redis.from_url(redis_url).flushdb()
    # Kept between runs (outside the repo, like the assistant tests' index): the embedding cache and the
    # exported ONNX query model in it make the second run fast. Index versions are per-run files in it.
    data_dir = Path(settings.DATA_DIR) / "scaleout"
    data_dir.mkdir(parents=True, exist_ok=True)
    csv_path = data_dir / "catalogue-slice.csv"
    _catalogue_slice(csv_path)
    env = {**os.environ, "DATABASE_URL": pg_url, "REDIS_URL": redis_url, "TWINSHOP_DATA_DIR": str(data_dir), "DATABASE_POOL": "1",
           "DJANGO_SETTINGS_MODULE": "config.settings.development", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    env.pop("TWINSHOP_TEST_BACKEND", None)
    bootstrap = Cluster(server=None, env=env)
    bootstrap.django(
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        f"call_command('import_catalog', {str(csv_path)!r}, '--no-progress', verbosity=0)\n"
        "call_command('seed_licensing_demo', '--views', '0', verbosity=0)\n"
        "call_command('build_index', verbosity=0)\n"
    )
    with live_server(workers=2, env=env) as server:
        yield Cluster(server=server, env=env)


# --- websocket helpers ------------------------------------------------------------------------------

def _socket_owner(server, client_port: int) -> int | None:  # type: ignore[no-untyped-def]
    """The worker pid holding the server end of the TCP connection whose client port is `client_port`."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if int(local.rsplit(":", 1)[1], 16) == server.port and int(remote.rsplit(":", 1)[1], 16) == client_port:
                inode = fields[9]
    if inode is None:
        return None
    for pid in server.worker_pids():
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


class Chat:
    def __init__(self, ws, worker: int | None) -> None:  # type: ignore[no-untyped-def]
        self.ws = ws
        self.worker = worker
        self.pushed: list[dict] = []  # frames that arrived outside a reply (e.g. twin_revoked)

    async def say(self, text: str) -> dict:
        await self.ws.send(json.dumps({"type": "message", "text": text}))
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=90))
            if frame["type"] in ("reply", "error"):
                assert frame["type"] == "reply", frame
                return frame
            if frame["type"] != "delta":
                self.pushed.append(frame)

    async def wait_for(self, kind: str, timeout: float = 15) -> dict:
        for frame in self.pushed:
            if frame["type"] == kind:
                return frame
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.monotonic())))
            if frame["type"] == kind:
                return frame
            self.pushed.append(frame)


async def _open_on_both_workers(server, *, max_connections: int = 160) -> tuple[list[Chat], dict[int, Chat]]:  # type: ignore[no-untyped-def]
    """Open connections (in concurrent batches) until both workers hold at least one; return all of them
    and one chat per worker. The kernel hands a connection to whichever worker accepts first, and a worker
    still warming up (or busy) accepts late, so batches keep coming, a moment apart, for a while."""
    from websockets.asyncio.client import connect

    chats: list[Chat] = []
    per_worker: dict[int, Chat] = {}
    while len(per_worker) < 2 and len(chats) < max_connections:
        if chats:
            await asyncio.sleep(0.25)
        batch = await asyncio.gather(*(connect(server.ws, origin=server.origin, open_timeout=60) for _ in range(8)))
        for ws in batch:
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello" and "AI" in hello["disclosure"]
            chat = Chat(ws, _socket_owner(server, ws.local_address[1]))
            chats.append(chat)
            if chat.worker is not None:
                per_worker.setdefault(chat.worker, chat)
    return chats, per_worker


async def _close(chats: list[Chat]) -> None:
    await asyncio.gather(*(c.ws.close() for c in chats), return_exceptions=True)


# --- the tests ----------------------------------------------------------------------------------------

def test_both_workers_serve_chats_and_readiness(cluster: Cluster) -> None:
    server = cluster.server
    workers = server.worker_pids()
    assert len(workers) == 2

    async def scenario() -> dict[int, Chat]:
        chats, per_worker = await _open_on_both_workers(server)
        try:
            # Every traced connection belongs to one of the two workers, and both hold some.
            assert {c.worker for c in chats} <= set(workers)
            replies = await asyncio.gather(*(chat.say("tshirts for men") for chat in per_worker.values()))
            for reply in replies:
                assert reply["products"] and reply["filters"]["article_types"] == ["Tshirts"]
            # The same question gets the same answer from either process (one index, one database).
            assert [p["id"] for p in replies[0]["products"]] == [p["id"] for p in replies[1]["products"]]
        finally:
            await _close(chats)
        return per_worker

    per_worker = asyncio.run(scenario())
    assert set(per_worker) == set(workers)
    ready = server.get_json("/readyz")
    assert ready["status"] == "ready" and ready["checks"] == {"database": "ok", "channel_layer": "ok", "search_index": "ok"}
    assert ready["worker"] in workers


def test_a_revocation_made_elsewhere_reaches_open_chats_on_both_workers(cluster: Cluster) -> None:
    from assistant.services import TWIN_WITHDRAWN

    query = json.loads(cluster.django(
        "from collections import Counter\n"
        "from shop.models import Product\n"
        "from assistant.selectors import products_by_catalog_ids, twins_for_products\n"
        "ps = products_by_catalog_ids(list(Product.objects.filter(is_published=True).values_list('catalog_id', flat=True)))\n"
        "cov = twins_for_products(ps)\n"
        "c = Counter((p.article_type.name, p.gender) for p in ps if cov[p.catalog_id] and p.gender in ('Men', 'Women'))\n"
        "print(json.dumps(c.most_common(1)[0][0]))\n"
    ).strip().splitlines()[-1])
    text = f"{query[0]} for {query[1].lower()}"

    async def scenario() -> None:
        chats, per_worker = await _open_on_both_workers(cluster.server)
        try:
            a, b = per_worker.values()
            first_a, first_b = await asyncio.gather(a.say(text), b.say(text))
            # The fair rotation gives each session its own twins: take one that chat A shows.
            twins_a = sorted({p["twin"]["id"] for p in first_a["products"] if p["twin"]})
            assert twins_a, (text, first_a["products"])
            twin_id = twins_a[0]
            shown_on_b = twin_id in {p["twin"]["id"] for p in first_b["products"] if p["twin"]}

            # The talent revokes every consent of that twin, in another process (as on any worker).
            revoked = cluster.django(
                "from licensing.models import ConsentGrant, GrantStatus\n"
                "from licensing.services.consent import grant_revoke\n"
                f"grants = ConsentGrant.objects.filter(twin_id={twin_id}, status=GrantStatus.SIGNED).select_related('twin__talent__user')\n"
                "n = 0\n"
                "for g in grants:\n"
                "    grant_revoke(grant=g, user=g.twin.talent.user); n += 1\n"
                "print(n)\n"
            )
            assert int(revoked.strip().splitlines()[-1]) > 0

            # The chats showing it are told, whichever worker holds them: the message crossed Redis.
            told = await asyncio.gather(*(c.wait_for("twin_revoked") for c in ([a, b] if shown_on_b else [a])))
            # (the frame carries the wording that replaces a reply naming the model: issue 16)
            frame = {"type": "twin_revoked", "twin_id": twin_id, "text": TWIN_WITHDRAWN}
            assert told == [frame] * (2 if shown_on_b else 1)

            # And the next turn on either worker shows no image of that twin any more.
            again = await asyncio.gather(a.say(text), b.say(text))
            for reply in again:
                assert reply["products"]
                assert twin_id not in {p["twin"]["id"] for p in reply["products"] if p["twin"]}
        finally:
            await _close(chats)

    asyncio.run(scenario())


def test_catalogue_changes_and_a_new_index_version_reach_both_workers_without_a_restart(cluster: Cluster) -> None:
    text = "shirts for men"
    pids_before = sorted(cluster.server.worker_pids())

    async def ask(per_worker: dict[int, Chat], message: str) -> list[list[int]]:
        replies = await asyncio.gather(*(c.say(message) for c in per_worker.values()))
        return [[p["id"] for p in r["products"]] for r in replies]

    async def scenario() -> None:
        chats, per_worker = await _open_on_both_workers(cluster.server)
        try:
            before = await ask(per_worker, text)
            assert before[0] and before[0] == before[1]
            gone = before[0][0]

            # A merchandiser hides the top product (another process; the shop's after-commit hook marks
            # the index stale), and every worker's next turn leaves it out.
            cluster.django(
                "from shop.models import Product\n"
                "from shop.services import products_set_published\n"
                f"products_set_published(product_ids=[Product.objects.get(catalog_id={gone}).pk], published=False)\n"
            )
            after = await ask(per_worker, text)
            for ids in after:
                assert ids and gone not in ids

            # A renamed product is re-embedded into a new index version by build_index elsewhere; both
            # workers switch to it on their next turn (no restart), so the new name is now searchable.
            # (A probe naming a kind of product: words naming nothing the shop sells get "we don't sell that".)
            probe = "zephyrine moonglade quillwork shirt"
            old_top = (await ask(per_worker, probe))[0][0]
            target = after[0][-1]
            assert target != old_top
            version = cluster.django(
                "from shop.models import Product\n"
                "from assistant.retrieval.index import index_build\n"
                f"Product.objects.filter(catalog_id={target}).update(name='Zephyrine Moonglade Quillwork Shirt')\n"
                "print(index_build().version)\n"
            )
            new_version = int(version.strip().splitlines()[-1])
            tops = await ask(per_worker, probe)
            assert [ids[0] for ids in tops] == [target, target], (new_version, tops)
        finally:
            await _close(chats)

    asyncio.run(scenario())
    assert sorted(cluster.server.worker_pids()) == pids_before  # same processes: nothing restarted


# --- two machines: nothing shared but PostgreSQL and Redis ---------------------------------------------

MACHINES_SLICE = 300  # a small catalogue keeps the test fast; the mechanism does not depend on its size
PROBE_NAME = "Zephyrine Moonglade Quillwork Shirt"


@dataclass
class Machines:
    a: object  # bench._live.LiveServer, its own TWINSHOP_DATA_DIR
    env_a: dict[str, str]
    env_b: dict[str, str]
    data_b: Path
    timings: dict[str, float]

    def on_a(self, code: str) -> str:
        return Cluster(server=None, env=self.env_a).django(code)


def _machines_urls() -> tuple[str, str]:
    """This run's own database (named after the test database, so parallel runs never meet) and Redis db."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    name = f"{db['NAME']}_machines"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}", settings.REDIS_URL


def _recreate(pg_url: str) -> None:
    import psycopg

    parts = urlsplit(pg_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                         password=parts.password or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machines]:
    import redis

    from bench._live import live_server

    pg_url, redis_url = _machines_urls()
    _recreate(pg_url)
    redis.Redis.from_url(redis_url).flushdb()
    data_a, data_b = tmp_path_factory.mktemp("machine-a"), tmp_path_factory.mktemp("machine-b")
    csv_path = data_a / "catalogue-slice.csv"
    _catalogue_slice_of(csv_path, MACHINES_SLICE)
    common = {**os.environ, "DATABASE_URL": pg_url, "REDIS_URL": redis_url, "DATABASE_POOL": "1",
              "ASSISTANT_INDEX_STORE": "database", "ASSISTANT_INDEX_POLL_SECONDS": "1",
              "DJANGO_SETTINGS_MODULE": "config.settings.development", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    common.pop("TWINSHOP_TEST_BACKEND", None)
    env_a = {**common, "TWINSHOP_DATA_DIR": str(data_a)}
    env_b = {**common, "TWINSHOP_DATA_DIR": str(data_b)}
    timings: dict[str, float] = {}
    started = time.monotonic()
    # Machine A prepares the shop: schema, catalogue, twins and consents, the index (embedded once, published
    # to PostgreSQL).
    Cluster(server=None, env=env_a).django(
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        f"call_command('import_catalog', {str(csv_path)!r}, '--no-progress', verbosity=0)\n"
        "call_command('seed_licensing_demo', '--views', '0', verbosity=0)\n"
        "call_command('build_index', verbosity=0)\n",
        timeout=900,  # a busy shared host; about 3 minutes when two cores are loaded 5x over
    )
    timings["A prepares (s)"] = time.monotonic() - started
    with live_server(workers=1, env=env_a) as a:
        yield Machines(a=a, env_a=env_a, env_b=env_b, data_b=data_b, timings=timings)
    print("\ntwo machines:", json.dumps({k: round(v, 1) for k, v in timings.items()}))


def _catalogue_slice_of(path: Path, rows: int) -> None:
    from django.conf import settings

    with gzip.open(settings.DEMO_CATALOG_PATH, "rt", newline="") as src, path.open("w", newline="") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        writer.writerow(next(reader))
        for n, row in enumerate(reader):
            if n >= rows:
                break
            writer.writerow(row)


def _covered_query(env: dict[str, str]) -> str:
    """The article type and gender with the most products a twin may wear (so B's cards carry twin images)."""
    found = json.loads(Cluster(server=None, env=env).django(
        "from collections import Counter\n"
        "from shop.models import Product\n"
        "from assistant.selectors import products_by_catalog_ids, twins_for_products\n"
        "ps = products_by_catalog_ids(list(Product.objects.filter(is_published=True).values_list('catalog_id', flat=True)))\n"
        "cov = twins_for_products(ps)\n"
        "c = Counter((p.article_type.name, p.gender) for p in ps if cov[p.catalog_id] and p.gender in ('Men', 'Women'))\n"
        "print(json.dumps(c.most_common(1)[0][0]))\n"
    ).strip().splitlines()[-1])
    return f"{found[0]} for {found[1].lower()}"


def _session_on(env: dict[str, str]) -> str:
    """A shopper's session (sessions live in PostgreSQL, cached in Redis: any machine knows it)."""
    out = Cluster(server=None, env=env).django(
        "from importlib import import_module\n"
        "from django.conf import settings\n"
        "s = import_module(settings.SESSION_ENGINE).SessionStore(); s.create(); print(s.session_key)\n")
    return out.strip().splitlines()[-1]


def _get(url: str, cookie: str) -> tuple[int, dict[str, str]]:
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"}), timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def test_two_machines_share_only_postgres_and_redis(machines: Machines) -> None:
    from websockets.asyncio.client import connect

    from bench._live import live_server

    vectors_before = int(machines.on_a(
        "from assistant.models import EmbeddingVector\nprint(EmbeddingVector.objects.count())\n").strip().splitlines()[-1])
    session = _session_on(machines.env_a)

    # Machine B starts afterwards on an empty disk, with nothing but the two URLs.
    started = time.monotonic()
    with live_server(workers=1, env=machines.env_b) as b:

        async def chat_on_b(texts: list[str], *, until=None, timeout: float = 90) -> tuple[dict, float]:  # type: ignore[no-untyped-def]
            t0 = time.monotonic()
            async with connect(b.ws, origin=b.origin, open_timeout=60,
                               additional_headers={"Cookie": f"sessionid={session}"}) as ws:
                chat = Chat(ws, None)
                assert json.loads(await ws.recv())["type"] == "hello"
                while True:
                    for text in texts:
                        reply = await chat.say(text)
                    if until is None or until(reply) or time.monotonic() - t0 > timeout:
                        return reply, time.monotonic() - t0
                    await asyncio.sleep(1.0)  # within a session's 2 messages/s: a shopper's pace

        # B serves chat with results, without embedding the catalogue (no vector written anywhere, none on its disk).
        first, _ = asyncio.run(chat_on_b(["tshirts for men"], until=lambda r: bool(r["products"])))
        machines.timings["B start to first results (s)"] = time.monotonic() - started
        assert first["products"] and first["filters"]["article_types"] == ["Tshirts"]
        assert machines.timings["B start to first results (s)"] < 90
        assert not list(machines.data_b.rglob("embeddings-*"))
        vectors_after = int(machines.on_a(
            "from assistant.models import EmbeddingVector\nprint(EmbeddingVector.objects.count())\n").strip().splitlines()[-1])
        assert vectors_after == vectors_before
        assert b.get_json("/readyz")["checks"]["search_index"] == "ok"

        # A imports a product afterwards (the import's after-commit hook embeds it and publishes a version, on A);
        # B's chat finds it within 30 s.
        new_id = 9_900_001
        new_csv = Path(machines.env_a["TWINSHOP_DATA_DIR"]) / "new-product.csv"
        new_csv.write_text("id,name,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,price,"
                           f"currency,sizes,stock\n{new_id},{PROBE_NAME},Men,Apparel,Topwear,Shirts,Teal,Summer,2024,"
                           "Casual,41.99,USD,S|M|L,12\n")
        # B's chat asks all along (a turn at a time) while A imports, so the time measured is the propagation's.
        out: list[str] = []
        importer = threading.Thread(target=lambda: out.append(machines.on_a(
            "import threading, time\n"
            "from shop.services.catalog import catalog_import\n"
            f"catalog_import(path={str(new_csv)!r})\n"
            "print(json.dumps({'committed': time.time()}), flush=True)\n"
            "for t in threading.enumerate():\n"
            "    if t.name == 'assistant-index-refresh': t.join()\n"
            "print(json.dumps({'published': time.time()}), flush=True)\n"
        )))
        importer.start()
        reply, _ = asyncio.run(chat_on_b(["zephyrine moonglade quillwork shirt"],
                                         until=lambda r: bool(r["products"]) and r["products"][0]["id"] == new_id,
                                         timeout=120))
        found = time.time()
        importer.join()
        stamps = {k: v for line in out[0].splitlines() if line.startswith("{") for k, v in json.loads(line).items()}
        machines.timings["A's import to its new version published (s)"] = stamps["published"] - stamps["committed"]
        machines.timings["A's import to B finding it (s)"] = found - stamps["committed"]
        assert reply["products"] and reply["products"][0]["id"] == new_id, (reply["text"], reply["filters"])
        assert machines.timings["A's import to B finding it (s)"] < 30

        # A revocation made through A is honoured by B's next image view. Another shopper asks: this one's chat
        # is about the Zephyrine shirt, and "tshirts for men" next would refine it (same kind of product: the
        # brand stays, with an offer to drop it) rather than start afresh.
        session = _session_on(machines.env_a)
        covered = _covered_query(machines.env_a)
        reply, _ = asyncio.run(chat_on_b([covered]))
        card = next((p for p in reply["products"] if p["twin"]), None)
        assert card is not None, (covered, reply)
        status, _headers = _get(b.http + card["twin_image"], session)
        assert status == 200
        machines.on_a(
            "from licensing.models import ConsentGrant, GrantStatus\n"
            "from licensing.services.consent import grant_revoke\n"
            f"for g in ConsentGrant.objects.filter(twin_id={card['twin']['id']}, status=GrantStatus.SIGNED)"
            ".select_related('twin__talent__user'):\n"
            "    grant_revoke(grant=g, user=g.twin.talent.user)\n"
        )
        status, headers = _get(b.http + card["twin_image"], session)
        assert status == 302 and headers.get("x-showcase-fallback") == "revoked", (status, headers)
