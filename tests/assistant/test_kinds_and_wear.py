"""Issue 16 follow-ups: kinds of product the catalogue doesn't spell map to the kind WordNet says they are a kind
of ("fedoras" -> hats); a shoe request that names no wear word is not read as one."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assistant.understanding.parser import parse_message
from assistant.understanding.things import kind_of
from assistant.understanding.vocabulary import build_vocabulary
from tests.assistant.test_shopper_followups import shoes_and_blazers  # noqa: F401  (fixture)

TYPES = [("Caps", "Headwear", "Accessories"), ("Hat", "Headwear", "Accessories"), ("Jackets", "Topwear", "Apparel"),
         ("Trousers", "Bottomwear", "Apparel"), ("Kurtas", "Topwear", "Apparel")]


@pytest.fixture(scope="module")
def vocab():  # type: ignore[no-untyped-def]
    return build_vocabulary(article_types=TYPES, colours=["Black", "Blue"], usages=["Casual"],
                            genders=["Men", "Women"], sizes=["S", "M"], seasons=["Winter"])


def test_fedoras_are_read_as_the_hats_the_shop_sells(vocab):  # type: ignore[no-untyped-def]
    # given a catalogue with caps and hats but no word "fedora", when a shopper asks for fedoras
    u = parse_message("do you sell fedoras?", vocab)
    # then the request is for the kinds "hat" stands for, and the reading says why
    assert u.set_values["article_types"] == ["Caps", "Hat"]
    assert [(w, c.label) for w, c, _s in u.semantic] == [("fedoras", "a kind of hat: Caps or Hat")]
    assert "fedoras" not in u.unknown_words


@pytest.mark.parametrize("words, kinds", [
    (["black", "parka"], ["Jackets"]), (["chinos"], ["Trousers"]), (["anoraks"], ["Jackets"]),
    (["laptops"], None), (["sofa"], None), (["duct", "tape"], None),
])
def test_a_kind_is_found_only_through_wordnet_hypernyms_of_what_the_catalogue_sells(vocab, words, kinds):  # type: ignore[no-untyped-def]
    hit = kind_of(words, vocab)
    assert (list(hit[1].values) if hit else None) == kinds


def test_a_named_kind_wins_over_the_hypernym_reading(vocab):  # type: ignore[no-untyped-def]
    u = parse_message("a kurta with a fedora", vocab)
    assert u.set_values["article_types"] == ["Kurtas"] and u.semantic == []


def _wordnet(tmp: Path) -> Path:
    """A five-synset WordNet in its own file format: fedora < hat < headdress < clothing; television set < set
    (an apparatus, outside the shop's departments); plus footwear, bag, jewelry, toiletry, timepiece, spectacles."""
    rows = [("100", "clothing", []), ("101", "headdress", ["100"]), ("102", "hat", ["101"]), ("103", "fedora", ["102"]),
            ("104", "set", []), ("105", "television_set", ["104"]), ("106", "footwear", ["100"]), ("107", "bag", []),
            ("108", "jewelry", []), ("109", "toiletry", []), ("110", "timepiece", []), ("111", "spectacles", [])]
    data = ["  1 licence header line"]
    for offset, word, ups in rows:
        ptrs = " ".join(f"@ {u} n 0000" for u in ups)
        data.append(f"{offset} 06 n 01 {word} 0 {len(ups):03d} {ptrs} | gloss".replace("  ", " "))
    index = ["  1 licence header line"] + [f"{w} n 1 0 1 0 {o}" for o, w, _ in rows]
    (tmp / "data.noun").write_text("\n".join(data) + "\n")
    (tmp / "index.noun").write_text("\n".join(sorted(index)) + "\n")
    return tmp


def test_the_kinds_file_keeps_hyponyms_of_sold_kinds_within_the_shops_departments(tmp_path):  # type: ignore[no-untyped-def]
    from scripts.build_kinds import build

    # given WordNet's fedora < hat and television set < set, and a catalogue selling Hats and Jewellery Sets
    wordnet = _wordnet(tmp_path)
    catalogue = tmp_path / "catalogue.csv"
    with catalogue.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["articleType"])
        writer.writeheader()
        writer.writerows([{"articleType": "Hat"}, {"articleType": "Set"}])
    # when the kinds are built, then a fedora is a kind of hat, and a television set is no kind of anything sold
    assert build(wordnet, catalogue) == {"fedora": ["hat"]}


def test_the_shipped_kinds_file_names_its_source():
    data = json.loads((Path(__file__).resolve().parents[2] / "data/kinds/wordnet-kinds.json").read_text())
    assert data["source"] == "Princeton WordNet 3.0 (noun.artifact hypernyms)"
    assert data["kinds"]["fedora"] == ["hat"] and "television set" not in data["kinds"]


@pytest.mark.django_db
def test_a_party_shoe_request_is_no_comfort_wish(shoes_and_blazers):  # type: ignore[no-untyped-def]  # noqa: F811
    from assistant.models import Conversation
    from assistant.services import conversation_message

    r = conversation_message(conversation=Conversation.objects.create(session_key="party"),
                             text="shoes for women for a party")
    assert "Heels last" not in r.text
