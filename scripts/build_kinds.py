"""Build data/kinds/wordnet-kinds.json: kinds of product the catalogue doesn't spell, mapped to the kind it sells
that they are a hyponym of ("fedora" -> "hat", "parka" -> "jacket", "loafer" -> "shoe").

Source: Princeton WordNet 3.0 (the Debian package wordnet-base puts it in /usr/share/wordnet; its licence is in
data/kinds/LICENSE-WordNet). For every noun of WordNet's artifact lexicographer file (noun.artifact), walk up its
hypernyms, nearest first, to the first synset that is the most frequent artifact sense of a word the catalogue's
article types spell ("Hat", "Casual Shoes" -> shoe, "Perfume and Body Mist" -> perfume); the word maps to that
synset's lemmas. The catalogue's own words are left out (the vocabulary reads them), and so are words whose nearest
sold kind is more than MAX_DEPTH steps up (too general to be a kind of it).

    python scripts/build_kinds.py /usr/share/wordnet /work/shared/data/fashion-catalog.csv
"""
from __future__ import annotations

import csv
import json
import sys
from collections import deque
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "kinds" / "wordnet-kinds.json"
ARTIFACT = "06"  # noun.artifact
MAX_DEPTH = 4
# What the shop sells, as it tells shoppers ("clothes, shoes, bags, accessories and personal care"), as WordNet
# synsets (every artifact sense of these words). A sold word's sense counts only under one of them, so
# "set" (Jewellery Set), "doll" (Baby Dolls) or "bottle" (Water Bottle) don't pull in television sets, toys or
# flasks; shoes, hats and gloves are clothing in WordNet.
DOMAIN = ("clothing", "footwear", "bag", "jewelry", "toiletry", "timepiece", "spectacles")


def read_synsets(wordnet: Path) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """offset -> lemmas, offset -> hypernym offsets, offset -> lexicographer file."""
    lemmas: dict[str, list[str]] = {}
    parents: dict[str, list[str]] = {}
    lexfile: dict[str, str] = {}
    for line in (wordnet / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue  # the licence header
        f = line.split(" | ")[0].split()
        offset, lex, count = f[0], f[1], int(f[3], 16)
        words = [f[4 + 2 * i].replace("_", " ").lower() for i in range(count)]
        rest = f[4 + 2 * count:]
        pointers = int(rest[0])
        ups = [rest[1 + 4 * i + 1] for i in range(pointers) if rest[1 + 4 * i] in ("@", "@i")]
        lemmas[offset], parents[offset], lexfile[offset] = words, ups, lex
    return lemmas, parents, lexfile


def artifact_senses(wordnet: Path, lexfile: dict[str, str]) -> dict[str, list[str]]:
    """word -> its noun.artifact synsets, most frequent first (index.noun lists senses by frequency)."""
    out: dict[str, list[str]] = {}
    for line in (wordnet / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        f = line.split()
        word, senses = f[0].replace("_", " "), int(f[2])
        offsets = f[-senses:]
        artifact = [o for o in offsets if lexfile.get(o) == ARTIFACT]
        if artifact:
            out[word] = artifact
    return out


def singular(word: str, senses: dict[str, str]) -> str:
    for old, new in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("ses", "s"), ("s", ""), ("", "")):
        if word.endswith(old) and (word[: len(word) - len(old)] + new) in senses:
            return word[: len(word) - len(old)] + new
    return word


def catalogue_words(catalogue: Path, senses: dict[str, str]) -> set[str]:
    """The nouns the article types spell: whole names, their parts around "and", and their last word."""
    with catalogue.open(newline="") as fh:
        types = {row["articleType"] for row in csv.DictReader(fh)}
    words: set[str] = set()
    for name in types:
        for part in [name.lower(), *name.lower().split(" and ")]:
            words.update({singular(part, senses), singular(part.split()[-1], senses)})
    return {w for w in words if w in senses}


def build(wordnet: Path, catalogue: Path) -> dict[str, list[str]]:
    lemmas, parents, lexfile = read_synsets(wordnet)
    all_senses = artifact_senses(wordnet, lexfile)
    senses = {w: offsets[0] for w, offsets in all_senses.items()}
    sold = catalogue_words(catalogue, senses)
    roots = {o for w in DOMAIN for o in all_senses[w]}

    def in_domain(offset: str) -> bool:
        stack, seen = [offset], {offset}
        while stack:
            node = stack.pop()
            if node in roots:
                return True
            for up in parents.get(node, []):
                if up not in seen:
                    seen.add(up)
                    stack.append(up)
        return False

    # each sold synset -> the catalogue's words for it, in WordNet's order ("trouser", "pant")
    sold_synsets: dict[str, list[str]] = {}
    for w in sold:
        if in_domain(senses[w]):
            sold_synsets[senses[w]] = [x for x in lemmas[senses[w]] if x in sold]
    kinds: dict[str, list[str]] = {}
    for offset, words in lemmas.items():
        if lexfile[offset] != ARTIFACT or offset in sold_synsets:
            continue
        queue, seen = deque([(offset, 0)]), {offset}
        while queue:
            node, depth = queue.popleft()
            if node in sold_synsets and node != offset:
                for w in words:
                    if w not in sold and w.replace(" ", "").isalpha():
                        kinds.setdefault(w, [])
                        kinds[w].extend(x for x in sold_synsets[node] if x not in kinds[w])
                break
            if depth < MAX_DEPTH:
                for up in parents.get(node, []):
                    if up not in seen:
                        seen.add(up)
                        queue.append((up, depth + 1))
    return dict(sorted(kinds.items()))


def main() -> None:
    wordnet = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
    catalogue = Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/data/fashion-catalog.csv")
    kinds = build(wordnet, catalogue)
    OUT.write_text(json.dumps({"source": "Princeton WordNet 3.0 (noun.artifact hypernyms)", "max_depth": MAX_DEPTH,
                               "kinds": kinds}, indent=0, sort_keys=False) + "\n")
    print(f"{len(kinds)} words -> {OUT}")


if __name__ == "__main__":
    main()
