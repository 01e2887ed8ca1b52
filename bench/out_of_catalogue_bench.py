"""The out-of-catalogue threshold (turn_understand.NEAR_SIMILARITY) on held-out words.

data/eval/out-of-catalogue.jsonl: 40 things a fashion shop does not sell and 38 it does, all leaf categories of
the Google Product Taxonomy (2013-07-15 release), drawn with a fixed seed: the unsold ones from the departments
other than Apparel & Accessories, Health & Beauty, Luggage & Bags, Sporting Goods, Baby & Toddler, Mature and
Religious (taxonomy leaves, so no word was picked to suit the assistant; random.Random(16).sample of the sorted
leaves, 40 of them, then 70 apparel leaves from the same generator; each row keeps its taxonomy path), the sold
ones from Apparel &
Accessories, each hand-labelled with the catalogue article type it is sold as (leaves this catalogue doesn't
carry, such as kimonos, were left out; a leaf whose words occur in an eval set was dropped). None of them was
looked at when 0.40 was set.

Two readings:
  similarity  the request's cosine to the nearest article type's mean product vector (what the threshold
              cuts): below the threshold = "we don't sell that" (predicted out of catalogue)
  end to end  "do you sell {thing}?" through the whole turn: predicted out when the reply says we don't
              sell it and shows nothing; a sold thing counts as found when a product of its type is shown

data/eval/out-of-catalogue-2.jsonl (--data): a second held-out list written for the WordNet kinds (issue 16
follow-up), 44 kinds of sold products that the catalogue does not spell (fedoras' kin: trilbies, parkas, brogues)
with the types a shop would show for them, and 40 things a fashion shop does not sell.

    python bench/out_of_catalogue_bench.py [--threshold 0.40] [--data data/eval/out-of-catalogue-2.jsonl]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import transaction  # noqa: E402

from assistant import turn_understand  # noqa: E402
from assistant.models import Conversation  # noqa: E402
from assistant.retrieval.embeddings import query_encoder  # noqa: E402
from assistant.retrieval.index import get_snapshot  # noqa: E402
from assistant.services import conversation_message  # noqa: E402
from bench._live import load_average, machine  # noqa: E402
from shop.models import Product  # noqa: E402

DATA = ROOT / "data/eval/out-of-catalogue.jsonl"


def precision_recall(sold: list[bool], predicted_out: list[bool]) -> tuple[float, float, int, int, int]:
    """Of "we don't sell that": precision (how many really aren't sold), recall (how many unsold ones it
    caught). Returns (precision, recall, true out, false out, missed out)."""
    tp = sum(1 for s, p in zip(sold, predicted_out, strict=True) if p and not s)
    fp = sum(1 for s, p in zip(sold, predicted_out, strict=True) if p and s)
    fn = sum(1 for s, p in zip(sold, predicted_out, strict=True) if not p and not s)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0), tp, fp, fn


class _Rollback(Exception):
    pass


def end_to_end(rows: list[dict]) -> list[tuple[bool, bool]]:
    """(said we don't sell it, showed a product of the labelled type) per row, in a rolled-back transaction."""
    out: list[tuple[bool, bool]] = []
    try:
        with transaction.atomic():
            for r in rows:
                convo = Conversation.objects.create(session_key="bench-ooc")
                result = conversation_message(conversation=convo, text=f"do you sell {r['text']}?")
                ids = [p["id"] for p in result.products]
                types = set(Product.objects.filter(catalog_id__in=ids).values_list("article_type__name", flat=True))
                wanted = r["catalogue_type"] if isinstance(r["catalogue_type"], list) else [r["catalogue_type"]]
                out.append((result.text.startswith("We don't sell") and not ids, bool(set(wanted) & types)))
            raise _Rollback
    except _Rollback:
        pass
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=turn_understand.NEAR_SIMILARITY)
    parser.add_argument("--data", type=Path, default=DATA, help="a JSONL of {text, sold, catalogue_type (a type or a "
                                                                  "list of acceptable types)}")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    print(f"host: {machine()}; load average {load_average()}")
    names, centroids = get_snapshot().type_centroids()
    scores = [float(np.max(centroids @ query_encoder(r["text"]))) for r in rows]
    sold = [bool(r["sold"]) for r in rows]
    print(f"{len(rows)} requests: {sum(sold)} sold, {len(rows) - sum(sold)} not sold")
    print("similarity to the nearest article type, 'we don't sell that' below the threshold:")
    for t in sorted({0.30, 0.35, args.threshold, 0.45, 0.50, 0.55}):
        p, r, tp, fp, fn = precision_recall(sold, [s < t for s in scores])
        mark = "  <- in use" if t == args.threshold else ""
        print(f"  {t:.2f}: precision {p:.3f} recall {r:.3f} (caught {tp}, sold ones refused {fp}, missed {fn}){mark}")
    for label, group in (("not sold", False), ("sold", True)):
        vals = sorted(s for s, k in zip(scores, sold, strict=True) if k is group)
        print(f"  {label}: min {vals[0]:.3f} median {vals[len(vals) // 2]:.3f} max {vals[-1]:.3f}")
    e2e = end_to_end(rows)
    p, r, tp, fp, fn = precision_recall(sold, [said for said, _ in e2e])
    found = sum(1 for (_, hit), k in zip(e2e, sold, strict=True) if k and hit)
    print(f"end to end ('do you sell X?'): precision {p:.3f} recall {r:.3f} (caught {tp}, sold ones refused "
          f"{fp}, missed {fn}); sold things shown with a product of their type: {found}/{sum(sold)}")
    for row, score, (said, hit) in zip(rows, scores, e2e, strict=True):
        wrong = (said and row["sold"]) or (not said and not row["sold"]) or (row["sold"] and not hit)
        if wrong:
            print(f"    {'sold' if row['sold'] else 'not sold':8s} {score:.3f} said-out={said!s:5s} "
                  f"type-shown={hit!s:5s} {row['text']}")


if __name__ == "__main__":
    main()
