"""How well the speller (assistant/understanding/spelling.py) corrects typos it was never shown, and how often it
changes a message that had none.

Typos are made, not collected: every word of the catalogue's article types, colours and brands with five letters
or more gets one random edit (seeded; a letter dropped, doubled, changed to a keyboard neighbour, or two
neighbours swapped). A correction counts when it gives the word back. False corrections are counted over the
graded conversation sets and the held-out out-of-catalogue requests.

    python bench/spelling_bench.py      # needs a prepared data dir (manage.py prepare_demo)
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django  # noqa: E402

django.setup()

from assistant.retrieval.index import get_snapshot  # noqa: E402
from assistant.understanding.spelling import correct_text, speller_for  # noqa: E402
from assistant.understanding.vocabulary import normalise, tokens, vocabulary_from_db  # noqa: E402
from bench.admin_bench import host  # noqa: E402

ROWS = "qwertyuiop asdfghjkl zxcvbnm".split()
NEIGHBOURS = {ch: "".join(row[max(0, i - 1):i + 2]).replace(ch, "") for row in ROWS for i, ch in enumerate(row)}
CONVERSATIONS = [Path("/work/shared/eval/dev-conversations.jsonl"), ROOT / "data/eval/shopper-conversations.jsonl",
                 ROOT / "data/eval/followup-conversations.jsonl"]
OUT_OF_CATALOGUE = ROOT / "data/eval/out-of-catalogue.jsonl"  # "do you sell X?" of held-out taxonomy leaves


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # shoppers rarely get the first letter wrong
    kind = rng.choice(("drop", "double", "neighbour", "swap"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "neighbour" and word[i] in NEIGHBOURS:
        return word[:i] + rng.choice(NEIGHBOURS[word[i]]) + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def main() -> None:
    snap = get_snapshot()
    vocab = vocabulary_from_db(version=str(snap.stamp))
    t0 = time.perf_counter()
    speller = speller_for(vocab, snap.name_word_counts)
    built = time.perf_counter() - t0
    words = sorted({w for name in [*vocab.article_types, *vocab.colours, *vocab.brands]
                    for w in tokens(normalise(name)) if w.isalpha() and len(w) >= 5})
    rng = random.Random(19)
    right = wrong = none = 0
    t0 = time.perf_counter()
    for word in words:
        typed = typo(word, rng)
        if typed == word or speller.known(typed):
            continue  # the edit made another real word: no speller can tell
        meant = speller.correct(typed)
        right += meant == word
        wrong += meant is not None and meant != word
        none += meant is None
    per_word = (time.perf_counter() - t0) / max(1, right + wrong + none) * 1e6
    turns = changed = 0
    for path in CONVERSATIONS:
        for line in path.read_text().splitlines():
            for turn in json.loads(line).get("turns", []):
                text = turn if isinstance(turn, str) else turn.get("text") or turn.get("message") or ""
                turns += 1
                changed += correct_text(text, vocab) is not None
    asks = [f"do you sell {json.loads(line)['text']}?" for line in OUT_OF_CATALOGUE.read_text().splitlines()]
    asked_changed = [text for text in asks if correct_text(text, vocab) is not None]
    total = right + wrong + none
    print(f"host: {host()}")
    print(f"speller built in {built * 1000:.0f} ms ({len(speller.weights):,} words); {per_word:.0f} µs per unknown word")
    print(f"{total} typos of catalogue words: {right} corrected ({right / total:.1%}), {wrong} to another word "
          f"({wrong / total:.1%}), {none} left alone ({none / total:.1%})")
    print(f"{turns} graded conversation turns: {changed} changed by the speller")
    print(f"{len(asks)} held-out 'do you sell X?' requests: {len(asked_changed)} changed {asked_changed}")


if __name__ == "__main__":
    main()
