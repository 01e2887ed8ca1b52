"""The family table: which layer draws each article type, and the slot it takes on a body."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .body import MANNEQUIN, Frame
from .geometry import Shape
from .objects import (
    obj_backpack,
    obj_ball,
    obj_bangle,
    obj_belt,
    obj_bottle,
    obj_boxers,
    obj_bra,
    obj_brief,
    obj_cap,
    obj_clutch,
    obj_compact,
    obj_cufflinks,
    obj_cushion,
    obj_duffel,
    obj_earrings,
    obj_flat,
    obj_flipflop,
    obj_formal_shoe,
    obj_generic,
    obj_gift,
    obj_gloves,
    obj_handbag,
    obj_hat,
    obj_headband,
    obj_heel,
    obj_jar,
    obj_keychain,
    obj_lipstick,
    obj_messenger,
    obj_nail_polish,
    obj_necklace,
    obj_pencil,
    obj_perfume,
    obj_pouch,
    obj_ring,
    obj_sandal,
    obj_scarf,
    obj_sleeve,
    obj_sneaker,
    obj_sock,
    obj_spray_can,
    obj_sunglasses,
    obj_swimwear,
    obj_tie,
    obj_trolley,
    obj_tube,
    obj_umbrella,
    obj_vest,
    obj_wallet,
    obj_watch,
)
from .wear import (
    layer_belt,
    layer_blazer,
    layer_blouse,
    layer_camisole,
    layer_capris,
    layer_dress,
    layer_dupatta,
    layer_gown,
    layer_hoodie,
    layer_jacket,
    layer_jeans,
    layer_jumpsuit,
    layer_kurta,
    layer_kurta_set,
    layer_leggings,
    layer_lehenga,
    layer_nightsuit,
    layer_polo,
    layer_robe,
    layer_romper,
    layer_salwar,
    layer_saree,
    layer_scarf,
    layer_shirt,
    layer_shorts,
    layer_skirt,
    layer_suit,
    layer_suspenders,
    layer_sweater,
    layer_tie,
    layer_trackpants,
    layer_tracksuit,
    layer_trousers,
    layer_tshirt,
    layer_waistcoat,
)

# --- the family table -------------------------------------------------------------------------------


class Slot:
    TOP = "top"
    BOTTOM = "bottom"
    FULL = "full"
    OUTERWEAR = "outerwear"
    FOOTWEAR = "footwear"
    BAG = "bag"
    EYEWEAR = "eyewear"
    WRIST = "wrist"  # watches, bracelets, bangles, wristbands
    JEWELLERY = "jewellery"  # ears, neck, finger
    HEADWEAR = "headwear"
    NECK = "neck"  # ties, scarves, stoles, dupattas
    WAIST = "waist"  # belts, suspenders
    HANDS = "hands"  # gloves
    HELD = "held"  # not worn: carried in the hand beside the body (fragrance, make-up, bottles ...)

    ALL = (TOP, BOTTOM, FULL, OUTERWEAR, FOOTWEAR, BAG, EYEWEAR, WRIST, JEWELLERY, HEADWEAR, NECK, WAIST, HANDS, HELD)


@dataclass(frozen=True)
class Family:
    key: str
    slot: str | None  # None: no place on a body, so never drawn on a twin (the slot rule: licensing.rules)
    body: Callable[[Frame], list[Shape]] | None = None
    obj: Callable[[], list[Shape]] | None = None
    placement: str = ""  # for objects on a body: "feet", "hand", "eyes", "wrist", "ears", "neck", "finger", "head", "hands"


F = Family
FAMILIES: dict[str, Family] = {f.key: f for f in [
    F("tshirt", Slot.TOP, body=layer_tshirt),
    F("polo", Slot.TOP, body=layer_polo),
    F("shirt", Slot.TOP, body=layer_shirt),
    F("top", Slot.TOP, body=layer_blouse),
    F("camisole", None, body=layer_camisole),
    F("kurta", Slot.TOP, body=layer_kurta),
    F("sweater", Slot.TOP, body=layer_sweater),
    F("sweatshirt", Slot.TOP, body=layer_hoodie),
    F("jacket", Slot.OUTERWEAR, body=layer_jacket),
    F("blazer", Slot.OUTERWEAR, body=layer_blazer),
    F("waistcoat", Slot.OUTERWEAR, body=layer_waistcoat),
    F("trousers", Slot.BOTTOM, body=layer_trousers),
    F("jeans", Slot.BOTTOM, body=layer_jeans),
    F("shorts", Slot.BOTTOM, body=layer_shorts),
    F("trackpants", Slot.BOTTOM, body=layer_trackpants),
    F("leggings", Slot.BOTTOM, body=layer_leggings),
    F("capris", Slot.BOTTOM, body=layer_capris),
    F("salwar", Slot.BOTTOM, body=layer_salwar),
    F("skirt", Slot.BOTTOM, body=layer_skirt),
    F("dress", Slot.FULL, body=layer_dress),
    F("gown", Slot.FULL, body=layer_gown),
    F("robe", Slot.FULL, body=layer_robe),
    F("saree", Slot.FULL, body=layer_saree),
    F("lehenga", Slot.FULL, body=layer_lehenga),
    F("jumpsuit", Slot.FULL, body=layer_jumpsuit),
    F("romper", Slot.FULL, body=layer_romper),
    F("kurta_set", Slot.FULL, body=layer_kurta_set),
    F("nightsuit", Slot.FULL, body=layer_nightsuit),
    F("tracksuit", Slot.FULL, body=layer_tracksuit),
    F("suit", Slot.FULL, body=layer_suit),
    F("belt", Slot.WAIST, body=layer_belt, obj=obj_belt),
    F("suspenders", Slot.WAIST, body=layer_suspenders, obj=obj_belt),
    F("tie", Slot.NECK, body=layer_tie, obj=obj_tie),
    F("scarf", Slot.NECK, body=layer_scarf, obj=obj_scarf),
    F("dupatta", Slot.NECK, body=layer_dupatta, obj=obj_scarf),
    F("sneaker", Slot.FOOTWEAR, obj=obj_sneaker, placement="feet"),
    F("formal_shoe", Slot.FOOTWEAR, obj=obj_formal_shoe, placement="feet"),
    F("heel", Slot.FOOTWEAR, obj=obj_heel, placement="feet"),
    F("flat", Slot.FOOTWEAR, obj=obj_flat, placement="feet"),
    F("sandal", Slot.FOOTWEAR, obj=obj_sandal, placement="feet"),
    F("flipflop", Slot.FOOTWEAR, obj=obj_flipflop, placement="feet"),
    F("sock", Slot.FOOTWEAR, obj=obj_sock, placement="feet"),
    F("handbag", Slot.BAG, obj=obj_handbag, placement="hand"),
    F("backpack", Slot.BAG, obj=obj_backpack, placement="hand"),
    F("clutch", Slot.BAG, obj=obj_clutch, placement="hand"),
    F("wallet", Slot.BAG, obj=obj_wallet, placement="hand"),
    F("duffel", Slot.BAG, obj=obj_duffel, placement="hand"),
    F("messenger", Slot.BAG, obj=obj_messenger, placement="hand"),
    F("trolley", Slot.BAG, obj=obj_trolley, placement="hand"),
    F("pouch", Slot.BAG, obj=obj_pouch, placement="hand"),
    F("tablet_sleeve", Slot.BAG, obj=obj_sleeve, placement="hand"),
    F("watch", Slot.WRIST, obj=obj_watch, placement="wrist"),
    F("bangle", Slot.WRIST, obj=obj_bangle, placement="wrist"),
    F("sunglasses", Slot.EYEWEAR, obj=obj_sunglasses, placement="eyes"),
    F("earrings", Slot.JEWELLERY, obj=obj_earrings, placement="ears"),
    F("necklace", Slot.JEWELLERY, obj=obj_necklace, placement="neck"),
    F("ring", Slot.JEWELLERY, obj=obj_ring, placement="finger"),
    F("cufflinks", Slot.WRIST, obj=obj_cufflinks, placement="wrist"),
    F("cap", Slot.HEADWEAR, obj=obj_cap, placement="head"),
    F("hat", Slot.HEADWEAR, obj=obj_hat, placement="head"),
    F("headband", Slot.HEADWEAR, obj=obj_headband, placement="head"),
    F("gloves", Slot.HANDS, obj=obj_gloves, placement="hands"),
    # Intimate apparel and swimwear are never drawn on a real person's likeness (licensing.rules).
    F("brief", None, obj=obj_brief),
    F("boxers", None, obj=obj_boxers),
    F("bra", None, obj=obj_bra),
    F("vest", None, obj=obj_vest),
    F("swimwear", None, obj=obj_swimwear),
    # Not worn: held in the hand beside the body.
    F("perfume", Slot.HELD, obj=obj_perfume, placement="hand"),
    F("spray", Slot.HELD, obj=obj_spray_can, placement="hand"),
    F("lipstick", Slot.HELD, obj=obj_lipstick, placement="hand"),
    F("nail_polish", Slot.HELD, obj=obj_nail_polish, placement="hand"),
    F("compact", Slot.HELD, obj=obj_compact, placement="hand"),
    F("pencil", Slot.HELD, obj=obj_pencil, placement="hand"),
    F("jar", Slot.HELD, obj=obj_jar, placement="hand"),
    F("tube", Slot.HELD, obj=obj_tube, placement="hand"),
    F("bottle", Slot.HELD, obj=obj_bottle, placement="hand"),
    F("umbrella", Slot.HELD, obj=obj_umbrella, placement="hand"),
    F("keychain", Slot.HELD, obj=obj_keychain, placement="hand"),
    # Not on a twin at all: gift sets, free items, home, sports equipment.
    F("gift", None, obj=obj_gift),
    F("ball", None, obj=obj_ball),
    F("cushion", None, obj=obj_cushion),
    F("generic", None, obj=obj_generic),
]}

# Article type (lower-cased catalogue name) -> family key. Unlisted types fall back by sub/master
# category in `family_for`.
ARTICLE_FAMILIES: dict[str, str] = {
    "tshirts": "tshirt", "lounge tshirts": "tshirt", "shirts": "shirt", "tops": "top", "tunics": "top",
    "camisoles": "camisole", "kurtas": "kurta", "kurtis": "kurta", "sweaters": "sweater", "sweatshirts": "sweatshirt",
    "shrug": "sweater", "jackets": "jacket", "rain jacket": "jacket", "nehru jackets": "waistcoat", "blazers": "blazer",
    "waistcoat": "waistcoat", "suspenders": "suspenders", "dupatta": "dupatta",
    "trousers": "trousers", "rain trousers": "trousers", "lounge pants": "trousers", "jeans": "jeans", "jeggings": "jeans",
    "shorts": "shorts", "lounge shorts": "shorts", "track pants": "trackpants", "leggings": "leggings", "tights": "leggings",
    "stockings": "leggings", "churidar": "leggings", "capris": "capris", "patiala": "salwar", "salwar": "salwar",
    "salwar and dupatta": "salwar", "skirts": "skirt",
    "dresses": "dress", "nightdress": "gown", "baby dolls": "gown", "bath robe": "robe", "robe": "robe", "sarees": "saree",
    "lehenga choli": "lehenga", "jumpsuit": "jumpsuit", "rompers": "romper", "kurta sets": "kurta_set",
    "night suits": "nightsuit", "tracksuits": "tracksuit", "clothing set": "tracksuit", "suits": "suit",
    "belts": "belt", "ties": "tie", "ties and cufflinks": "tie", "scarves": "scarf", "stoles": "scarf", "mufflers": "scarf",
    "casual shoes": "sneaker", "sports shoes": "sneaker", "formal shoes": "formal_shoe", "heels": "heel", "flats": "flat",
    "sandals": "sandal", "sports sandals": "sandal", "flip flops": "flipflop", "socks": "sock", "booties": "sock",
    "handbags": "handbag", "backpacks": "backpack", "rucksacks": "backpack", "clutches": "clutch", "wallets": "wallet",
    "duffel bag": "duffel", "laptop bag": "messenger", "messenger bag": "messenger", "trolley bag": "trolley",
    "mobile pouch": "pouch", "waist pouch": "pouch", "tablet sleeve": "tablet_sleeve",
    "watches": "watch", "bracelet": "bangle", "bangle": "bangle", "wristbands": "bangle", "sunglasses": "sunglasses",
    "earrings": "earrings", "pendant": "necklace", "necklace and chains": "necklace", "jewellery set": "necklace",
    "ring": "ring", "cufflinks": "cufflinks", "caps": "cap", "hat": "hat", "headband": "headband", "hair accessory": "headband",
    "gloves": "gloves",
    "briefs": "brief", "trunk": "brief", "boxers": "boxers", "bra": "bra", "innerwear vests": "vest", "shapewear": "vest",
    "swimwear": "swimwear",
    "perfume and body mist": "perfume", "deodorant": "spray", "lipstick": "lipstick", "lip gloss": "lipstick",
    "lip liner": "pencil", "lip care": "lipstick", "lip plumper": "lipstick", "nail polish": "nail_polish",
    "nail essentials": "nail_polish", "kajal and eyeliner": "pencil", "mascara": "pencil", "eyeshadow": "compact",
    "compact": "compact", "highlighter and blush": "compact", "foundation and primer": "tube", "concealer": "tube",
    "makeup remover": "bottle", "face moisturisers": "jar", "eye cream": "jar", "mask and peel": "jar",
    "face wash and cleanser": "tube", "sunscreen": "tube", "face scrub and exfoliator": "tube", "face serum and gel": "bottle",
    "toner": "bottle", "body lotion": "bottle", "body wash and scrub": "bottle", "hair colour": "tube",
    "beauty accessory": "compact", "water bottle": "bottle", "umbrellas": "umbrella", "key chain": "keychain",
    "fragrance gift set": "gift", "accessory gift set": "gift", "free gifts": "gift", "mens grooming kit": "gift",
    "travel accessory": "pouch", "shoe accessories": "generic", "shoe laces": "generic", "ipad": "generic",
    "basketballs": "ball", "footballs": "ball", "cushion covers": "cushion",
}

SUB_CATEGORY_FAMILIES = {
    "topwear": "tshirt", "bottomwear": "trousers", "dress": "dress", "saree": "saree", "innerwear": "brief",
    "loungewear and nightwear": "nightsuit", "apparel set": "kurta_set", "shoes": "sneaker", "sandal": "sandal",
    "flip flops": "flipflop", "bags": "handbag", "watches": "watch", "eyewear": "sunglasses", "jewellery": "necklace",
    "headwear": "cap", "belts": "belt", "ties": "tie", "scarves": "scarf", "socks": "sock", "wallets": "wallet",
    "fragrance": "perfume", "lips": "lipstick", "nails": "nail_polish", "makeup": "compact", "skin": "jar",
    "skin care": "jar", "hair": "tube", "bath and body": "bottle",
}
MASTER_FAMILIES = {"apparel": "tshirt", "footwear": "sneaker", "personal care": "bottle"}


def family_for(article_type: str, sub_category: str = "", master_category: str = "") -> Family:
    """The garment family of an article type; unknown types fall back by category, then to 'generic'."""
    key = (ARTICLE_FAMILIES.get(article_type.strip().lower())
           or SUB_CATEGORY_FAMILIES.get(sub_category.strip().lower())
           or MASTER_FAMILIES.get(master_category.strip().lower())
           or "generic")
    return FAMILIES[key]


def illustration_shapes(family: Family) -> list[Shape]:
    """The flat-lay drawing of a family: body layers on the neutral mannequin, objects as drawn."""
    if family.body is not None and family.obj is None:
        return family.body(MANNEQUIN)
    assert family.obj is not None
    return family.obj()
