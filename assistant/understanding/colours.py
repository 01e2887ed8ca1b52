"""Colour words grounded in published colour names and perceptual distance, not a synonym list.

The vocabulary is the XKCD colour survey (949 names) and the CSS4 named colours (148), with their sRGB values
(data/colours/, CC0 / W3C). A shopper's colour word resolves to catalogue colour labels in two steps:

1. Its family: a name ending in a family word ("wine red", "blush pink", "charcoal grey") belongs to that
   family; any other name ("lilac", "crimson", "mauve") takes the family most of its five perceptually
   nearest survey names carry (the survey names ending in a family word are the prototypes).
2. Its shade: a name that ends in a family word stands for the whole family ("blush pink" -> every pink);
   any other name narrows to the catalogue labels within SHADE_DELTA_E of its colour inside that family
   ("lilac" -> Lavender, "gunmetal" -> Charcoal), or the whole family when none is that close.

Distance is CIEDE2000 in CIELAB (D65) with the textile industry's lightness weight kL = 2: shoppers name a
garment's hue; a lighter or darker blue is still blue.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "colours" / "colour-names.json"
DATA_VERSION = 1  # bump when the reading rules below change: cached readings are keyed on it
SHADE_DELTA_E = 9.0
K_NEAREST = 5
K_L = 2.0
# Survey "names" that are modifiers, materials or patterns when a shopper writes them alone.
NOT_A_COLOUR_ALONE = frozenset({"dark", "pale", "light", "bright", "deep", "leather", "denim", "velvet", "camo",
                                "heather", "straw", "royal", "marine", "drab", "bland", "dust", "dirt", "ice",
                                "sea", "sky", "ocean", "forest", "grass", "desert", "earth", "tea", "dusk",
                                "midnight", "twilight", "leaf", "pine", "petrol", "blood", "barney", "adobe",
                                "poo", "poop", "shit", "puke", "vomit", "bile", "snot", "booger", "diarrhea"})
# Suffixes shoppers add to a colour word: "silver-tone", "gold toned", "reddish".
_SUFFIXES = (" toned", " tone", " coloured", " colored", " color", " colour", "ish", "y")


def _hex_to_rgb(value: str) -> np.ndarray:
    value = value.lstrip("#")
    return np.array([int(value[i:i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) -> CIELAB under D65."""
    rgb = np.asarray(rgb, dtype=float)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray, *, k_l: float = 1.0) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu, Dalal 2005), broadcasting over leading axes."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(np.abs(h1p - h2p) > 180, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2), h_sum / 2)
    h_bar = np.where(c1p * c2p == 0, h_sum, h_bar)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_t = (-2 * np.sqrt(c_bar_p**7 / (c_bar_p**7 + 25.0**7))
           * np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2)))))
    return np.sqrt((dl / (k_l * s_l)) ** 2 + (dc / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (dc / s_c) * (d_h / s_h))


@functools.cache
def colour_names() -> dict[str, str]:
    """Every published name -> hex; the survey's value wins where both lists name a colour."""
    data = json.loads(DATA_FILE.read_text())
    names: dict[str, str] = {}
    for source in ("css4", "xkcd"):
        for name, value in data[source].items():
            key = " ".join(name.replace("/", " ").replace("-", " ").split()).lower()
            names[key] = value
    for name in list(names):  # the survey spells it grey and gray
        if "grey" in name:
            names.setdefault(name.replace("grey", "gray"), names[name])
        if "gray" in name:
            names.setdefault(name.replace("gray", "grey"), names[name])
    return names


def _label_key(label: str) -> str:
    return label.lower().replace("-", " ")


@dataclass(frozen=True)
class ColourReading:
    word: str
    labels: tuple[str, ...]  # catalogue colours it stands for
    family: str  # the family head it belongs to ("Red")


class ColourSpace:
    """Catalogue colour labels in CIELAB, with the family prototypes, built once per vocabulary."""

    def __init__(self, *, catalogue_colours: list[str], families: dict[str, list[str]]) -> None:
        names = colour_names()
        self.catalogue = list(catalogue_colours)
        self.families = {head: kept for head, members in families.items()
                         if (kept := [c for c in members if c in self.catalogue])}
        for label in self.catalogue:  # a catalogue colour outside every family is a family of its own
            if not any(label in members for members in self.families.values()) and label.lower() in names:
                self.families.setdefault(label, [label])
        self.head_of_word = {head.lower(): head for head in self.families}
        if "grey" in self.head_of_word:
            self.head_of_word["gray"] = self.head_of_word["grey"]
        known = [(label, names[_label_key(label)]) for label in self.catalogue if _label_key(label) in names]
        self.label_names = [label for label, _ in known]
        self.label_lab = srgb_to_lab(np.array([_hex_to_rgb(v) for _, v in known])) if known else np.zeros((0, 3))
        protos = [(n, self.head_of_word[n.split()[-1]]) for n in names if n.split()[-1] in self.head_of_word
                  and self.head_of_word[n.split()[-1]] in self.families]
        self.proto_family = [head for _, head in protos]
        self.proto_lab = srgb_to_lab(np.array([_hex_to_rgb(names[n]) for n, _ in protos]))

    def read_many(self, words: list[str]) -> list[ColourReading | None]:
        """The catalogue colours each published colour name stands for (None: it names no colour); one
        distance matrix for all of them."""
        names = [canonical_name(w) for w in words]
        known = [(i, n) for i, n in enumerate(names) if n is not None]
        out: list[ColourReading | None] = [None] * len(words)
        if not known:
            return out
        table = colour_names()
        lab = srgb_to_lab(np.array([_hex_to_rgb(table[n]) for _, n in known]))
        to_protos = ciede2000(self.proto_lab[None, :, :], lab[:, None, :], k_l=K_L)
        to_labels = (ciede2000(self.label_lab[None, :, :], lab[:, None, :], k_l=K_L) if len(self.label_names)
                     else np.zeros((len(known), 0)))
        for row, (i, name) in enumerate(known):
            family = self._family_of(name, to_protos[row])
            members = self.families.get(family, [family])
            shades: list[str] = []
            if name.split()[-1] not in self.head_of_word:
                # "blush pink" says pink: the first word is a nuance the ranking carries, not a narrower filter
                order = np.argsort(to_labels[row])
                shades = [self.label_names[int(j)] for j in order
                          if to_labels[row][int(j)] <= SHADE_DELTA_E and self.label_names[int(j)] in members]
            out[i] = ColourReading(words[i], tuple(shades or members), family)
        return out

    def _family_of(self, name: str, distances: np.ndarray) -> str:
        last = name.split()[-1]
        if last in self.head_of_word:
            return self.head_of_word[last]
        votes: dict[str, float] = {}
        for i in np.argsort(distances)[:K_NEAREST]:
            votes[self.proto_family[int(i)]] = votes.get(self.proto_family[int(i)], 0.0) + 1 / (1 + distances[int(i)])
        return max(votes, key=votes.__getitem__)

    def read(self, word: str) -> ColourReading | None:
        return self.read_many([word])[0]


def canonical_name(word: str) -> str | None:
    """The published name a shopper's colour word spells ("silver-tone" -> "silver", "reddish" -> "red")."""
    names = colour_names()
    key = " ".join(word.lower().replace("-", " ").split())
    if key in names:
        return key
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            stem = key[: -len(suffix)].strip()
            for candidate in (stem, stem[:-1] if stem.endswith(stem[-1:] * 2) else stem):
                if candidate in names:
                    return candidate
    return None


@functools.cache
def _css_names() -> frozenset[str]:
    return frozenset(json.loads(DATA_FILE.read_text())["css4"])


def is_weak(name: str) -> bool:
    """A one-word survey name outside the CSS list ("sand", "mud", "coffee") is a colour only next to a
    product or colour word ("sand shorts"); CSS names ("navy", "teal", "crimson") are colours anywhere."""
    return " " not in name and name not in _css_names()


def phrase_names() -> list[str]:
    """Every name a shopper may write, for the phrase table (modifiers, materials and the like left out)."""
    from .lexicon import DESCRIPTIVE_WORDS

    return [n for n in colour_names() if n not in NOT_A_COLOUR_ALONE and n not in DESCRIPTIVE_WORDS]
