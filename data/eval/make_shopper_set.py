#!/usr/bin/env python3
"""Write the second development set: conversations in shoppers' own words, graded from catalogue attributes.

usage: make_shopper_set.py CATALOG_CSV OUT_JSONL

The phrasings below are how people write to a shop assistant (short, lower case, with their person, occasion
and budget mixed in; changed minds; a gift for someone else). They were written from reading shopping
questions, not from the assistant's word lists. Every slot (kind of product, person, colour, cap) is drawn
from what the catalogue really sells at least GRADE_MIN times, and the grading (the scorer's constraints)
comes from those catalogue attributes, never from running the assistant. Occasions and seasons are wishes,
so they are never graded as filters. Deterministic (seeded): rerunning writes the same file.
"""
from __future__ import annotations

import csv
import json
import random
import sys
from collections import Counter

GRADE_MIN = 12
SEED = 20261204

# How shoppers name a kind of product -> the catalogue article type (plain English, several per type).
TYPE_WORDS: dict[str, list[str]] = {
    "Tshirts": ["t-shirts", "tees", "t shirt", "tshirt"], "Shirts": ["shirts", "shirt", "button-down shirts"],
    "Casual Shoes": ["sneakers", "casual shoes", "everyday shoes"], "Sports Shoes": ["running shoes", "sports shoes", "trainers"],
    "Formal Shoes": ["formal shoes", "office shoes", "dress shoes"], "Heels": ["heels", "high heels"], "Flats": ["flats", "ballet flats"],
    "Watches": ["watch", "watches", "wrist watch"], "Handbags": ["handbag", "handbags", "purse"],
    "Backpacks": ["backpack", "backpacks", "school bag"], "Sunglasses": ["sunglasses", "shades"],
    "Jeans": ["jeans", "pair of jeans"], "Trousers": ["trousers", "pants", "chinos"], "Tops": ["tops", "top", "blouse"],
    "Dresses": ["dress", "dresses"], "Kurtas": ["kurta", "kurtas"], "Kurtis": ["kurti", "kurtis"],
    "Sandals": ["sandals"], "Flip Flops": ["flip flops", "slippers", "chappals"], "Wallets": ["wallet", "wallets"],
    "Belts": ["belt", "belts"], "Jackets": ["jacket", "jackets"], "Sweatshirts": ["sweatshirt", "hoodie"],
    "Sweaters": ["sweater", "jumper"], "Track Pants": ["track pants", "joggers"], "Shorts": ["shorts"],
    "Caps": ["cap", "caps"], "Socks": ["socks"], "Sarees": ["saree", "sari"], "Skirts": ["skirt", "skirts"],
    "Perfume and Body Mist": ["perfume", "body mist"], "Earrings": ["earrings"], "Clutches": ["clutch"],
}
# Colour words shoppers use -> the catalogue family the grader accepts (a shade word accepts its family).
COLOUR_WORDS: dict[str, list[str]] = {
    "black": ["Black"], "white": ["White", "Off White", "Cream"], "blue": ["Blue", "Navy Blue", "Turquoise Blue"],
    "navy": ["Navy Blue"], "red": ["Red", "Maroon", "Burgundy"], "grey": ["Grey", "Grey Melange", "Charcoal"],
    "gray": ["Grey", "Grey Melange", "Charcoal"], "brown": ["Brown", "Tan", "Coffee Brown", "Mushroom Brown"],
    "pink": ["Pink", "Peach", "Rose"], "green": ["Green", "Olive", "Sea Green", "Lime Green"],
    "purple": ["Purple", "Lavender", "Mauve"], "beige": ["Beige", "Khaki", "Nude", "Skin"],
    "yellow": ["Yellow", "Mustard"], "silver": ["Silver", "Steel"], "gold": ["Gold"], "orange": ["Orange"],
    "wine red": ["Red", "Maroon", "Burgundy"], "charcoal grey": ["Grey", "Grey Melange", "Charcoal"],
    "chocolate brown": ["Brown", "Tan", "Coffee Brown", "Mushroom Brown"], "blush pink": ["Pink", "Peach", "Rose"],
    "off-white": ["White", "Off White", "Cream"], "maroon": ["Maroon"], "olive": ["Olive"], "tan": ["Tan", "Brown"],
    "light blue": ["Blue", "Navy Blue", "Turquoise Blue"], "dark green": ["Green", "Olive", "Sea Green"],
}
PEOPLE: dict[str, list[str]] = {
    "Men": ["for my husband", "for my dad", "for me (i'm a guy)", "for him", "for my boyfriend", "mens", "for men"],
    "Women": ["for my wife", "for my mom", "for her", "for my girlfriend", "womens", "for women", "for me, i'm a woman"],
    "Boys": ["for my son", "for a boy", "for my nephew, he's 8"],
    "Girls": ["for my daughter", "for a girl"],
}
EXPAND = {"Men": ["Men", "Unisex"], "Women": ["Women", "Unisex"], "Boys": ["Boys"], "Girls": ["Girls"]}
# A kinship word says the sex, not the age: "my son" may be eight or forty, so a son's request is met by men's and
# boys' products alike (issue 16; the first version graded these Boys/Girls only). The draws above are unchanged,
# so the conversations are the same and only these turns' grading widens.
KINSHIP_GRADE = {"for my son": ["Men", "Unisex", "Boys"], "for my daughter": ["Women", "Unisex", "Girls"]}
OCCASIONS = ["for a party", "for the office", "for a wedding", "for the gym", "for college", "for a trip",
             "for everyday", "for a date night", "for a job interview", "for the weekend"]
SINGLE = [
    "{colour} {type} {person}", "need {colour} {type} {person}", "do you have any {colour} {type} {person}?",
    "looking for {type} in {colour} {person}", "{person} {colour} {type} pls", "hi! i want {colour} {type} {person}",
    "can you show me some {colour} {type} {person}", "any nice {colour} {type} {person} {occasion}?",
    "i'm after {colour} {type} {person} {occasion}", "{type} {person}, {colour} if possible",
    "something {colour}: {type} {person}", "got {type} {person}? prefer {colour}",
]
SAME_GROUP = {"Heels": "Flats", "Flats": "Heels", "Casual Shoes": "Sports Shoes", "Sports Shoes": "Casual Shoes",
              "Shirts": "Tshirts", "Tshirts": "Shirts", "Jeans": "Trousers", "Trousers": "Jeans", "Tops": "Tshirts"}


def load(path: str) -> tuple[Counter, dict[tuple[str, str], list[float]]]:
    counts: Counter = Counter()
    prices: dict[tuple[str, str], list[float]] = {}
    for r in csv.DictReader(open(path)):
        for g in EXPAND:
            if r["gender"] in EXPAND[g]:
                counts[(g, r["articleType"], r["baseColour"])] += 1
                counts[(g, r["articleType"], "*")] += 1
                prices.setdefault((g, r["articleType"]), []).append(float(r["price"]))
    return counts, prices


def n_family(counts: Counter, g: str, t: str, colour: str) -> int:
    return sum(counts[(g, t, c)] for c in COLOUR_WORDS[colour])


def constraint(g: str, t: str, colour: str | None = None, **extra: object) -> dict[str, object]:
    c: dict[str, object] = {"gender": EXPAND[g], "articleType": [t]}
    if colour:
        c["baseColour"] = COLOUR_WORDS[colour]
    c.update(extra)
    return c


def regrade_kinship(conv: dict) -> None:
    """A person said in a turn holds for that turn and the next ones, until a turn names another person."""
    phrases = [p for people in PEOPLE.values() for p in people]
    kin: list[str] | None = None
    for turn, c in zip(conv["turns"], conv["constraints"], strict=True):
        said = [p for p in phrases if p in turn]
        if said:
            kin = next((KINSHIP_GRADE[p] for p in said if p in KINSHIP_GRADE), None)
        if kin is not None:
            c["gender"] = list(kin)


def main() -> None:
    counts, prices = load(sys.argv[1])
    rnd = random.Random(SEED)
    combos = [(g, t, c) for g in EXPAND for t in TYPE_WORDS for c in COLOUR_WORDS
              if n_family(counts, g, t, c) >= GRADE_MIN and t != "Perfume and Body Mist"]
    pairs = [(g, t) for g in EXPAND for t in TYPE_WORDS if counts[(g, t, "*")] >= 40]
    out = []

    def say(t: str) -> str:
        return rnd.choice(TYPE_WORDS[t])

    def person(g: str) -> str:
        return rnd.choice(PEOPLE[g])

    for i in range(70):  # one-turn requests, every third with an occasion (a wish: not graded)
        g, t, c = rnd.choice(combos)
        text = rnd.choice(SINGLE).format(colour=c, type=say(t), person=person(g),
                                         occasion=rnd.choice(OCCASIONS) if i % 3 == 0 else "")
        out.append({"id": f"shop-s{i:03d}", "turns": [" ".join(text.split())], "constraints": [constraint(g, t, c)]})
    for i in range(25):  # refine: kind, then colour, then budget
        g, t, c = rnd.choice(combos)
        cap = sorted(prices[(g, t)])[len(prices[(g, t)]) * 2 // 3]
        cap = int(cap) + 1
        out.append({"id": f"shop-r{i:03d}", "turns": [f"i need {say(t)} {person(g)}", rnd.choice(
            [f"{c} ones", f"do they come in {c}?", f"only {c} please", f"prefer {c}"]),
            rnd.choice([f"under {cap} dollars", f"my budget is ${cap}", f"nothing over ${cap}"])],
            "constraints": [constraint(g, t), constraint(g, t, c), constraint(g, t, c, max_price=cap)]})
    for i in range(20):  # a changed mind: another kind of the same group, the colour stays
        choices = [(g, t, c) for g, t, c in combos if t in SAME_GROUP
                   and n_family(counts, g, SAME_GROUP[t], c) >= GRADE_MIN]
        g, t, c = rnd.choice(choices)
        t2 = SAME_GROUP[t]
        out.append({"id": f"shop-c{i:03d}", "turns": [f"{c} {say(t)} {person(g)} {rnd.choice(OCCASIONS)}",
                                                     rnd.choice([f"actually, {say(t2)} instead",
                                                                 f"hmm, show me {say(t2)} instead",
                                                                 f"on second thought {say(t2)}"])],
                    "constraints": [constraint(g, t, c), constraint(g, t2, c)]})
    for i in range(20):  # a new topic: a gift for someone else starts fresh
        g, t, c = rnd.choice(combos)
        g2, t2 = rnd.choice([p for p in pairs if p[0] != g and p[1] != t])
        out.append({"id": f"shop-n{i:03d}", "turns": [f"{c} {say(t)} {person(g)}", rnd.choice(
            [f"also need a gift {person(g2)}: {say(t2)}", f"something else now, {say(t2)} {person(g2)}",
             f"ok and {say(t2)} {person(g2)}?"])],
            "constraints": [constraint(g, t, c), constraint(g2, t2)]})
    for i in range(15):  # exclusions in words
        g, t = rnd.choice(pairs)
        c = rnd.choice([w for w in ("black", "white", "blue", "red", "grey", "brown") if n_family(counts, g, t, w)])
        out.append({"id": f"shop-x{i:03d}", "turns": [f"show me {say(t)} {person(g)}", rnd.choice(
            [f"not {c}", f"anything but {c}", f"no {c} ones please", f"i don't like {c}"])],
            "constraints": [constraint(g, t), constraint(g, t, exclude_baseColour=COLOUR_WORDS[c])]})
    for i in range(10):  # the shopper's own budget follows a new kind of product
        g, t = rnd.choice(pairs)
        g2t = [p for p in pairs if p[0] == g and p[1] != t]
        _, t2 = rnd.choice(g2t)
        cap = int(sorted(prices[(g, t2)])[len(prices[(g, t2)]) // 2]) + 1
        if min(prices[(g, t)]) > cap:
            continue
        out.append({"id": f"shop-b{i:03d}", "turns": [f"my budget is ${cap}. {say(t)} {person(g)}",
                                                     f"and {say(t2)}?"],
                    "constraints": [constraint(g, t, max_price=cap), constraint(g, t2, max_price=cap)]})
    for conv in out:
        regrade_kinship(conv)
    with open(sys.argv[2], "w") as fh:
        for conv in out:
            fh.write(json.dumps(conv) + "\n")
    print(f"{len(out)} conversations, {sum(len(c['turns']) for c in out)} turns -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
