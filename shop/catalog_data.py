"""Reference data the importer needs: colour swatches and how to read a brand out of a product name."""
from __future__ import annotations

from collections.abc import Sequence

# Swatch / illustration tint for every colour name in the demo catalogue. "NA" (colour unknown) and
# "Multi" get neutral, clearly-not-a-real-colour greys so an illustration never lies about a colour.
COLOUR_HEX: dict[str, str] = {
    "Beige": "#d9c8a9",
    "Black": "#1f1f1f",
    "Blue": "#2a5db0",
    "Bronze": "#a0692e",
    "Brown": "#6b4226",
    "Burgundy": "#7a1f35",
    "Charcoal": "#3a3d40",
    "Coffee Brown": "#4b3621",
    "Copper": "#b06f3c",
    "Cream": "#f3ead3",
    "Fluorescent Green": "#5cff3a",
    "Gold": "#d4af37",
    "Green": "#2e8b57",
    "Grey": "#8a8d91",
    "Grey Melange": "#a7a9ac",
    "Khaki": "#b9a874",
    "Lavender": "#b7a6e0",
    "Lime Green": "#8fd14f",
    "Magenta": "#c2185b",
    "Maroon": "#6d1a2b",
    "Mauve": "#a57c9b",
    "Metallic": "#a9adb3",
    "Multi": "#9c8fb5",
    "Mushroom Brown": "#a38f7b",
    "Mustard": "#d4a017",
    "NA": "#b0b3b8",
    "Navy Blue": "#1c2a4a",
    "Nude": "#e3bc9a",
    "Off White": "#f4f1e8",
    "Olive": "#6b6b2a",
    "Orange": "#f07f1e",
    "Peach": "#f6b38e",
    "Pink": "#f08cb3",
    "Purple": "#6a3d9a",
    "Red": "#c62828",
    "Rose": "#d8768b",
    "Rust": "#a64b2a",
    "Sea Green": "#2e9b8a",
    "Silver": "#c0c3c7",
    "Skin": "#e8c4a2",
    "Steel": "#71797e",
    "Tan": "#c19a6b",
    "Taupe": "#8b7d6b",
    "Teal": "#1b7f7a",
    "Turquoise Blue": "#2bb3c0",
    "White": "#fbfbfb",
    "Yellow": "#f2d335",
}
FALLBACK_HEX = "#9aa0a6"

# Brands whose names span several words (or are spelled several ways) in the Myntra catalogue.
# Product names start with the brand; without this list "Peter England Men Shirt" would be brand "Peter".
MULTI_WORD_BRANDS: tuple[str, ...] = (
    "United Colors of Benetton", "French Connection", "Jealous 21", "Flying Machine", "Mark Taylor",
    "Peter England", "U.S. Polo Assn.", "U.S. Polo Assn", "Indigo Nation", "Red Tape", "Red Chief", "Mother Earth",
    "Reid & Taylor", "Lotus Herbals", "John Miller", "John Players", "Numero Uno", "Carlton London",
    "Park Avenue", "Franco Leone", "Classic Polo", "Allen Solly", "Lee Cooper", "SDL by Sweet Dreams",
    "Status Quo", "Royal Diadem", "Palm Tree", "Urban Yoga", "Little Miss", "Wills Lifestyle",
    "American Tourister", "Warner Bros", "Spice Art", "Ed Hardy", "Forever New", "Manchester United",
    "Latin Quarters", "Tokyo Talkies", "Van Heusen", "Mr. Men", "New Hide", "Ivory Tag", "Miami Blues",
    "Vero Moda", "Do u speak green", "Mumbai Slang", "Chhota Bheem", "Louis Philippe", "Angry Birds",
    "Pepe Jeans", "Gini and Jony", "Lino Perros", "Giorgio Armani", "Calvin Klein", "Tommy Hilfiger",
    "Hugo Boss", "Elizabeth Arden", "Da Milano", "Being Human", "Inc 5", "Fila", "Lotto", "Wrangler",
    "Hidesign", "Kenneth Cole", "Jack & Jones", "Marks & Spencer", "Tantra", "Playboy", "Q&Q",
)
# Other spellings of the same brand, lower-cased -> canonical name.
BRAND_ALIASES: dict[str, str] = {
    "ucb": "United Colors of Benetton",
    "u.s. polo assn": "U.S. Polo Assn.",
    "mr.men": "Mr. Men",
    "levi's": "Levis",
    "adidas": "Adidas",
    "casio": "Casio",
    "only": "Only",
    "fila": "Fila",
    "puma": "Puma",
    "colorbar": "Colorbar",
}


class BrandResolver:
    """Longest-prefix match of a product name against known brands; falls back to the first word.

    Matching is case-insensitive and the canonical spelling is stable, so "FILA Men" and "Fila Men" are
    one brand (Brand.name and slug are unique, so two spellings would collide anyway).
    """

    MAX_WORDS = 5

    def __init__(self, extra_brands: list[str] | tuple[str, ...] = ()) -> None:
        self._known: dict[str, str] = {}
        for name in (*MULTI_WORD_BRANDS, *extra_brands):
            self._known.setdefault(name.lower(), name)
        for alias, canonical in BRAND_ALIASES.items():
            self._known[alias] = canonical

    def canonical(self, name: str) -> str:
        name = " ".join(name.split())
        known = self._known.get(name.lower())
        if known:
            return known
        # Shouted single words ("ADIDAS", "CASIO") read better in title case; short acronyms stay.
        if name.isupper() and len(name) > 4 and " " not in name:
            return name.title()
        return name

    def known_prefix(self, words: Sequence[str]) -> str:
        """The longest known brand the words start with, or ""."""
        for n in range(min(self.MAX_WORDS, len(words)), 0, -1):
            hit = self._known.get(" ".join(words[:n]).lower())
            if hit:
                return hit
        return ""

    def from_name(self, product_name: str) -> str:
        words = product_name.split()
        if not words:
            return ""
        return self.known_prefix(words) or self.canonical(words[0])
