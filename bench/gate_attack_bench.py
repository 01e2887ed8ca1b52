"""Attack the render gate the way the issue-20 red team did, and count what the attacks got billed.

In process, through the whole Django stack (middleware, sessions, token, gate, renderer), on PostgreSQL
(and Redis for the cache and sessions when REDIS_URL is set), against one twin whose grant is capped:

  made-up cookie   a `sessionid` cookie the server never issued, on the product page (mints a URL) and on the
                   image fetch: must be refused, never billed;
  no cookie        the minted URL fetched without any cookie: refused, and no session row per fetch;
  fresh sessions   one client (one IP address) dropping its cookies before every page view, so every view is a
                   new, real session: billed only up to that client's hourly budget;
  reloads          one session fetching the same image over and over: billed once, no ledger row per reload.

Prints, per attack: requests, images served, billable rows written, ledger rows written, session rows created;
then the grant's cap and counter, the billable rows beyond what one client may be billed (target 0), and
`reconcile_ledger`'s verdict.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinshop_attack_bench [REDIS_URL=redis://127.0.0.1:6379/14] \\
        python bench/gate_attack_bench.py [--requests 300]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/twinshop_attack_bench"
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = DEFAULT_DB
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("TWINSHOP_DATA_DIR", str(Path(tempfile.gettempdir()) / "twinshop-attack-bench"))

import logging  # noqa: E402

from bench._live import load_average, machine  # noqa: E402

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"
ATTACKER_IP = "203.0.113.7"
CAP = 150
MADE_UP = "madeup{:026d}"


def ensure_database() -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                         password=parts.password or None, dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # every run starts from an empty ledger
        conn.execute(f'CREATE DATABASE "{name}"')


def setup():
    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the refusals are the point, not news
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    cache.clear()
    from tests.factories import (
        ArticleTypeFactory,
        ConsentGrantFactory,
        DigitalTwinFactory,
        ProductFactory,
        TalentFactory,
        VariantFactory,
    )

    twin = DigitalTwinFactory(talent=TalentFactory(display_name="Kenji Watanabe"), slug="kenji-twin")
    grant = ConsentGrantFactory(twin=twin, view_cap=CAP)
    dresses = ArticleTypeFactory(name="Dresses")
    products = []
    for _ in range(20):
        p = ProductFactory(brand=grant.brand, gender="Women", article_type=dresses)
        VariantFactory(product=p, size="M")
        products.append(p)
    return grant, products


def image_url(client, product) -> str | None:
    html = client.get(product.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    match = re.search(r'<img src="(/showcase/[^"]+\.png)"', html)
    return match.group(1) if match else None


def counts(grant) -> tuple[int, int, int]:
    from django.contrib.sessions.models import Session

    from licensing.models import RoyaltyEvent

    return (RoyaltyEvent.objects.filter(billable=True).count(), RoyaltyEvent.objects.count(),
            Session.objects.count())


def attack(name: str, grant, fetches, *, served_ok=lambda r: r.status_code == 200) -> dict:
    before = counts(grant)
    t0 = time.perf_counter()
    responses = [fetch() for fetch in fetches]
    seconds = time.perf_counter() - t0
    after = counts(grant)
    return {"attack": name, "requests": len(responses),
            "served": sum(1 for r in responses if served_ok(r) and r.get("Content-Type") == "image/png"),
            "refused": sum(1 for r in responses if r.status_code == 403),
            "billable": after[0] - before[0], "rows": after[1] - before[1], "sessions": after[2] - before[2],
            "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="image fetches per attack")
    args = parser.parse_args()
    ensure_database()
    grant, products = setup()
    from django.conf import settings
    from django.test import Client

    from licensing.management.commands.reconcile_ledger import ledger_reconcile
    from licensing.models import ConsentGrant

    n = args.requests
    budget = settings.LICENSING_BILLABLE_VIEWS_PER_CLIENT_HOUR
    share = max(1, CAP * settings.LICENSING_CAP_PERCENT_PER_CLIENT_HOUR // 100)
    print(f"gate attack bench: {machine()}, load {load_average()}; PostgreSQL "
          f"{'+ Redis' if os.environ.get('REDIS_URL') else '(locmem cache)'}; grant capped at {CAP}, "
          f"client budget {budget}/h, cap share {share}/h per address")

    def made_up(i: int):
        def go():
            c = Client(REMOTE_ADDR=f"198.51.100.{i % 250 + 1}")
            c.cookies["sessionid"] = MADE_UP.format(i)
            url = image_url(c, products[i % len(products)])
            c.cookies["sessionid"] = MADE_UP.format(i)  # the page set a real one; the attacker keeps its own
            return c.get(url, HTTP_USER_AGENT=BROWSER_UA)
        return go

    minted = Client(REMOTE_ADDR="192.0.2.10")
    minted_url = image_url(minted, products[0])

    def no_cookie(i: int):
        return lambda: Client(REMOTE_ADDR=f"198.51.100.{i % 250 + 1}").get(minted_url, HTTP_USER_AGENT=BROWSER_UA)

    def fresh_session(i: int):
        def go():
            c = Client(REMOTE_ADDR=ATTACKER_IP)  # no cookie: the page gives it a new session every time
            return c.get(image_url(c, products[i % len(products)]), HTTP_USER_AGENT=BROWSER_UA)
        return go

    reloader = Client(REMOTE_ADDR="192.0.2.20")
    reload_url = image_url(reloader, products[1])

    results = [
        attack("made-up cookie", grant, [made_up(i) for i in range(n)]),
        attack("no cookie", grant, [no_cookie(i) for i in range(n)]),
        attack("fresh sessions, 1 IP", grant, [fresh_session(i) for i in range(n)]),
        attack("reloads, 1 session", grant, [lambda: reloader.get(reload_url, HTTP_USER_AGENT=BROWSER_UA)] * n),
    ]
    print(f"{'attack':<22} {'requests':>8} {'served':>7} {'refused':>8} {'billable':>9} {'ledger rows':>12} "
          f"{'sessions':>9} {'req/s':>7}")
    for r in results:
        print(f"{r['attack']:<22} {r['requests']:>8} {r['served']:>7} {r['refused']:>8} {r['billable']:>9} "
              f"{r['rows']:>12} {r['sessions']:>9} {r['requests'] / r['seconds']:>7.0f}")
    g = ConsentGrant.objects.get(pk=grant.pk)
    allowed = {"made-up cookie": 0, "no cookie": 0, "fresh sessions, 1 IP": min(budget, share),
               "reloads, 1 session": 1}
    beyond = sum(max(0, r["billable"] - allowed[r["attack"]]) for r in results)
    print(f"billable rows from invalid traffic (beyond what one client may be billed): {beyond}")
    print(f"cap: {g.billable_views} of {CAP} used ({'intact' if g.billable_views < CAP else 'BURNT'}); "
          f"ledger rows written by {sum(r['requests'] for r in results)} attack requests: "
          f"{sum(r['rows'] for r in results)}")
    rec = ledger_reconcile()
    print(f"reconcile_ledger: {len(rec.differences)} differences over {rec.rows} rows, {rec.grants} grants")


if __name__ == "__main__":
    main()
