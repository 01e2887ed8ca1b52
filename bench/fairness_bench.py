"""Fair exposure: who gets the views and the royalties when shoppers don't choose a twin, before and after.

Simulates shopper sessions over realistic queries (the graded dev conversations' constraints: gender, article
type, colour), each query a page of up to 10 catalogue products, and picks each product's twin with the
shop's own selection functions on the demo consents:

- eligibility: licensing.selectors.twin_images_for_products (the gate's rules), on the assistant channel;
- before: the old fixed order (licensing.showcase.selectors.rank_twins: matching presentation, fit, twin id);
- after: licensing.showcase.selectors.choose_twins (weighted rendezvous with exposure-aware weights). The
  weights read the simulated ledger of the previous windows, as recent_exposure reads the real one.

Reports, per presentation group (the product's gender: Men, Women, Unisex), each twin's share of views and of
royalties (the rate of the grant the gate would use) and the Gini coefficient. Targets: views Gini <= 0.15 in
each group, no twin above 1.5x an even share. Needs the demo data (prepare_demo, or import_catalog and
seed_licensing_demo); writes nothing.

    TWINSHOP_DATA_DIR=... python bench/fairness_bench.py [--sessions 10000] [--windows 10] [--seed 15]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from assistant.selectors import products_by_catalog_ids  # noqa: E402
from bench._live import load_average, machine  # noqa: E402
from licensing.models import ConsentGrant, DigitalTwin  # noqa: E402
from licensing.rules import grant_failure, may_appear_on_twin  # noqa: E402
from licensing.selectors import product_scope, signed_grants_by_brand, twin_images_for_products  # noqa: E402
from licensing.showcase.rotation import EXPOSURE_LOOKBACK_WINDOWS  # noqa: E402
from licensing.showcase.selectors import choose_twins, rank_twins  # noqa: E402
from shop.models import Product  # noqa: E402

CONVERSATIONS = ROOT.parent.parent / "shared" / "eval" / "dev-conversations.jsonl"
CHANNEL = "assistant"
PAGE = 10


def gini(values: list[float]) -> float:
    """0 = perfectly even, (n-1)/n = one takes all."""
    xs = sorted(values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    return sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(xs)) / (n * total)


def queries(path: Path) -> list[dict]:
    """Each graded conversation turn's constraints (gender, article type, colour) as a catalogue query."""
    out = []
    for line in path.read_text().splitlines():
        for c in json.loads(line).get("constraints", []):
            out.append({k: set(c[k]) for k in ("gender", "articleType", "baseColour") if c.get(k)})
    return [q for q in out if q]


def load_catalogue(qs: list[dict]) -> tuple[dict[tuple, list], dict[int, list]]:
    """The products some query matches, indexed by (gender, article type, colour), and their eligible twins
    (assistant channel). Matching runs on plain rows first, so only those products are loaded whole."""
    rows = Product.objects.filter(is_published=True).values_list("catalog_id", "gender", "article_type__name",
                                                                 "colour__name")
    keyed: dict[tuple, list[int]] = defaultdict(list)
    for cid, gender, at, colour in rows:
        keyed[(gender, at, colour or "")].append(cid)
    wanted = sorted({cid for q in qs for key in keyed if _meets(q, key) for cid in keyed[key]})
    products, eligible = [], {}
    for start in range(0, len(wanted), 4000):
        page = products_by_catalog_ids(wanted[start:start + 4000])
        products += page
        eligible.update(twin_images_for_products(products=page, channel=CHANNEL))
    index: dict[tuple, list] = defaultdict(list)
    for p in products:
        index[(p.gender, p.article_type.name, p.colour.name if p.colour_id else "")].append(p)
    return index, eligible


def _meets(query: dict, key: tuple) -> bool:
    g, at, col = key
    return g in query.get("gender", {g}) and at in query.get("articleType", {at}) and col in query.get(
        "baseColour", {col})


def matches(query: dict, index: dict[tuple, list]) -> list:
    return [p for key, ps in index.items() if _meets(query, key) for p in ps]


def page_for(hits: list, rng: random.Random) -> list:
    # Retrieval order is not what this measures: any page of products that meet the query will do.
    return rng.sample(hits, min(PAGE, len(hits)))


_rates: dict[tuple, Decimal] = {}


def rate_of(twin_id: int, product, grants_by_brand, rates, at) -> Decimal:
    """The rate of the first covering grant of this twin (the one the gate would bill), by the gate's rule."""
    key = (twin_id, product.brand_id, product.article_type_id)
    if key not in _rates:
        _rates[key] = _first_rate(twin_id, product, grants_by_brand, rates, at)
    return _rates[key]


def _first_rate(twin_id: int, product, grants_by_brand, rates, at) -> Decimal:
    scope = product_scope(product)
    for g in grants_by_brand[scope.brand_id]:
        if g.twin_id == twin_id and grant_failure(g, scope=scope, channel=CHANNEL,
                                                  territory=settings.LICENSING_DEFAULT_TERRITORY, at=at) is None:
            return rates[g.pk]
    return Decimal("0")


def simulate(*, sessions: int, windows: int, seed: int, rule: str, qs: list[list], index, eligible) -> dict:
    rng = random.Random(seed)
    at = timezone.now()
    brand_ids = {p.brand_id for ps in index.values() for p in ps}
    grants_by_brand, _ = signed_grants_by_brand(brand_ids)
    rates = dict(ConsentGrant.objects.values_list("pk", "rate_per_view"))
    views: dict[str, Counter] = defaultdict(Counter)
    money: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    per_window: list[Counter] = []
    cards = twin_cards = wearable_cards = 0
    per_window_sessions = max(1, sessions // windows)
    for s in range(sessions):
        if s % per_window_sessions == 0:
            per_window.append(Counter())
            # what recent_exposure reads: the completed windows only, fixed for the whole window
            recent = dict(sum(per_window[-1 - EXPOSURE_LOOKBACK_WINDOWS:-1], Counter()))
        session_key = f"bench-{seed}-{s}"
        for _ in range(rng.choice((1, 1, 2, 3))):
            for product in page_for(rng.choice(qs), rng):
                twins = eligible.get(product.catalog_id, [])
                cards += 1
                wearable_cards += may_appear_on_twin(product)
                if not twins:
                    continue
                twin_cards += 1
                if rule == "before":
                    chosen = rank_twins(twins, product=product)[0]
                else:
                    chosen = choose_twins(twins, product=product, session_key=session_key, exposure=recent)[0]
                group = product.gender
                views[group][chosen.pk] += 1
                money[group][chosen.pk] += rate_of(chosen.pk, product, grants_by_brand, rates, at)
                per_window[-1][chosen.pk] += 1
    return {"views": views, "money": money, "cards": cards, "twin_cards": twin_cards, "wearable": wearable_cards}


def eligible_by_group(eligible, index) -> dict[str, set[int]]:
    """The twins that may appear in each group: matching presentation and eligible for some product of it."""
    from licensing.showcase.rotation import matching

    out: dict[str, set[int]] = defaultdict(set)
    for ps in index.values():
        for p in ps:
            out[p.gender].update(t.pk for t in matching(eligible.get(p.catalog_id, []), gender=p.gender))
    return out


def report(label: str, result: dict, groups: dict[str, set[int]], names: dict[int, str]) -> list[str]:
    lines = [f"{label}: {result['twin_cards']} of {result['wearable']} wearable cards carry a twin "
             f"({result['twin_cards'] / max(1, result['wearable']):.1%}; {result['cards']} cards in all)"]
    for group in ("Men", "Women", "Unisex"):
        pool = sorted(groups.get(group, ()))
        v, m = result["views"][group], result["money"][group]
        total_v, total_m = sum(v.values()), sum(m.values())
        if not pool or not total_v:
            continue
        shares = {t: v[t] / total_v for t in pool}
        even = 1 / len(pool)
        lines.append(f"  {group}: {total_v} views, {len(pool)} eligible twins, views Gini "
                     f"{gini(list(shares.values())):.3f}, royalties Gini {gini([float(m[t]) for t in pool]):.3f}, "
                     f"top twin {max(shares.values()) / even:.2f}x an even share")
        for t in pool:
            lines.append(f"    {names[t]:<34} views {shares[t]:6.1%}  royalties "
                         f"{(m[t] / total_m if total_m else 0):6.1%}  (USD {m[t]:.4f})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--windows", type=int, default=10, help="exposure windows the sessions are spread over")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if not DigitalTwin.objects.exists():
        sys.exit("no demo twins: run `manage.py prepare_demo` (or import_catalog + seed_licensing_demo) first")
    started = time.perf_counter()
    raw = queries(CONVERSATIONS)
    index, eligible = load_catalogue(raw)
    qs = [hits for hits in (matches(q, index) for q in raw) if hits]
    groups = eligible_by_group(eligible, index)
    names = {t.pk: t.talent.display_name + f" ({t.talent.gender_presentation})"
             for t in DigitalTwin.objects.select_related("talent")}
    print(f"host: {machine()}; load average {load_average()}")
    print(f"{args.sessions} sessions over {len(qs)} graded queries, {args.windows} exposure windows, seed {args.seed}; "
          f"catalogue loaded in {time.perf_counter() - started:.1f} s")
    for rule in ("before", "after"):
        t0 = time.perf_counter()
        result = simulate(sessions=args.sessions, windows=args.windows, seed=args.seed, rule=rule, qs=qs, index=index,
                          eligible=eligible)
        print("\n".join(report(f"{rule} ({'fixed order' if rule == 'before' else 'rotation'}, "
                               f"{time.perf_counter() - t0:.1f} s)", result, groups, names)))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
