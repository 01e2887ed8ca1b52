"""General fashion knowledge: words shoppers use that the catalogue does not, mapped onto catalogue concepts.

Every target here is a *catalogue* label; at run time an entry survives only if its target exists in the
database vocabulary (see vocabulary.py), so the lexicon cannot invent a category the shop doesn't carry.
This is not fitted to any evaluation phrasing: it is the kind of synonym list a merchandiser keeps.
"""
from __future__ import annotations

# Article types: shopper word -> catalogue article type.
ARTICLE_TYPE_SYNONYMS: dict[str, str] = {
    # shoes
    "sneaker": "Casual Shoes", "sneakers": "Casual Shoes", "kicks": "Casual Shoes", "canvas shoes": "Casual Shoes",
    "loafers": "Casual Shoes", "loafer": "Casual Shoes", "slip ons": "Casual Shoes", "slip on shoes": "Casual Shoes",
    "boat shoes": "Casual Shoes", "moccasins": "Casual Shoes", "plimsolls": "Casual Shoes", "espadrilles": "Casual Shoes",
    "everyday shoes": "Casual Shoes", "casual footwear": "Casual Shoes",
    "trainers": "Sports Shoes", "trainer": "Sports Shoes", "running shoes": "Sports Shoes", "runners": "Sports Shoes",
    "running shoe": "Sports Shoes", "training shoes": "Sports Shoes", "athletic shoes": "Sports Shoes",
    "gym shoes": "Sports Shoes", "jogging shoes": "Sports Shoes", "walking shoes": "Sports Shoes",
    "tennis shoes": "Sports Shoes", "football boots": "Sports Shoes", "cleats": "Sports Shoes",
    "basketball shoes": "Sports Shoes", "sport shoes": "Sports Shoes",
    "dress shoes": "Formal Shoes", "oxfords": "Formal Shoes", "oxford shoes": "Formal Shoes", "brogues": "Formal Shoes",
    "derby shoes": "Formal Shoes", "derbies": "Formal Shoes", "office shoes": "Formal Shoes", "work shoes": "Formal Shoes",
    "leather shoes": "Formal Shoes", "monk straps": "Formal Shoes",
    "stilettos": "Heels", "stiletto": "Heels", "pumps": "Heels", "high heels": "Heels", "wedges": "Heels",
    "kitten heels": "Heels", "platforms": "Heels", "block heels": "Heels",
    "ballerinas": "Flats", "ballet flats": "Flats", "ballet pumps": "Flats", "flat shoes": "Flats", "mules": "Flats",
    "juttis": "Flats", "mojaris": "Flats",
    "slippers": "Flip Flops", "flipflops": "Flip Flops", "thongs": "Flip Flops", "chappals": "Flip Flops",
    "chappal": "Flip Flops", "slides": "Flip Flops", "sliders": "Flip Flops", "beach slippers": "Flip Flops",
    "strappy sandals": "Sandals", "gladiators": "Sandals", "floaters": "Sports Sandals",
    # tops
    "tee": "Tshirts", "tees": "Tshirts", "t shirt": "Tshirts", "t shirts": "Tshirts", "tee shirt": "Tshirts",
    "polo": "Tshirts", "polos": "Tshirts", "polo shirt": "Tshirts", "jersey": "Tshirts", "jerseys": "Tshirts",
    "graphic tee": "Tshirts", "henley": "Tshirts",
    "button down": "Shirts", "button up": "Shirts", "button downs": "Shirts", "dress shirt": "Shirts",
    "oxford shirt": "Shirts", "flannel": "Shirts",
    "blouse": "Tops", "blouses": "Tops", "tank top": "Tops", "tank": "Tops", "crop top": "Tops", "camisole top": "Tops",
    "tunic top": "Tunics",
    "hoodie": "Sweatshirts", "hoodies": "Sweatshirts", "hoody": "Sweatshirts", "sweat shirt": "Sweatshirts",
    "jumper": "Sweaters", "jumpers": "Sweaters", "pullover": "Sweaters", "pullovers": "Sweaters",
    "cardigan": "Sweaters", "cardigans": "Sweaters", "knitwear": "Sweaters",
    "coat": "Jackets", "coats": "Jackets", "bomber": "Jackets", "windcheater": "Jackets", "windbreaker": "Jackets",
    "parka": "Jackets", "puffer": "Jackets", "overcoat": "Jackets",
    "blazer": "Blazers", "sport coat": "Blazers",
    # bottoms
    "pants": "Trousers", "slacks": "Trousers", "chinos": "Trousers", "chino": "Trousers", "trouser": "Trousers",
    "formal pants": "Trousers", "cargo pants": "Trousers", "cargos": "Trousers",
    "denims": "Jeans", "denim jeans": "Jeans",
    "joggers": "Track Pants", "sweatpants": "Track Pants", "trackpants": "Track Pants", "track pant": "Track Pants",
    "jogger": "Track Pants", "trackies": "Track Pants",
    "bermudas": "Shorts", "bermuda shorts": "Shorts", "half pants": "Shorts",
    "mini skirt": "Skirts", "midi skirt": "Skirts",
    "jeggings": "Jeggings", "tights": "Leggings",
    # dresses & ethnic
    "frock": "Dresses", "frocks": "Dresses", "gown": "Dresses", "gowns": "Dresses", "sundress": "Dresses",
    "maxi dress": "Dresses", "one piece": "Dresses", "shift dress": "Dresses",
    "sari": "Sarees", "saris": "Sarees", "sarees": "Sarees",
    "kurti": "Kurtis", "salwar suit": "Kurta Sets", "lehenga": "Lehenga Choli",
    # accessories
    "timepiece": "Watches", "timepieces": "Watches", "wristwatch": "Watches", "wristwatches": "Watches",
    "wrist watch": "Watches", "chronograph": "Watches",
    "shades": "Sunglasses", "sunnies": "Sunglasses", "sun glasses": "Sunglasses", "aviators": "Sunglasses",
    "wayfarers": "Sunglasses", "eyewear": "Sunglasses", "goggles": "Sunglasses",
    "purse": "Handbags", "purses": "Handbags", "handbag": "Handbags", "tote": "Handbags", "totes": "Handbags",
    "tote bag": "Handbags", "shoulder bag": "Handbags", "sling bag": "Handbags", "hand bag": "Handbags",
    "satchel": "Handbags", "hobo bag": "Handbags", "ladies bag": "Handbags",
    "billfold": "Wallets", "card holder": "Wallets", "cardholder": "Wallets", "money clip": "Wallets",
    "backpack": "Backpacks", "bag pack": "Backpacks", "bagpack": "Backpacks", "school bag": "Backpacks",
    "schoolbag": "Backpacks", "daypack": "Backpacks", "college bag": "Backpacks", "knapsack": "Backpacks",
    "gym bag": "Duffel Bag", "duffle": "Duffel Bag", "duffel": "Duffel Bag", "holdall": "Duffel Bag",
    "weekender": "Duffel Bag",
    "baseball cap": "Caps", "snapback": "Caps", "trucker hat": "Caps", "baseball hat": "Caps", "beanie": "Caps",
    "necktie": "Ties", "neckties": "Ties", "bow tie": "Ties",
    "scarf": "Scarves", "muffler": "Mufflers", "stole": "Stoles",
    "necklace": "Necklace and Chains", "necklaces": "Necklace and Chains", "chain": "Necklace and Chains",
    "chains": "Necklace and Chains",
    "earring": "Earrings", "studs earrings": "Earrings", "hoops": "Earrings",
    "bracelets": "Bracelet", "bangles": "Bangle", "rings": "Ring",
    "perfume": "Perfume and Body Mist", "perfumes": "Perfume and Body Mist", "fragrance": "Perfume and Body Mist",
    "cologne": "Perfume and Body Mist", "scent": "Perfume and Body Mist", "body mist": "Perfume and Body Mist",
    "deo": "Deodorant", "deodorants": "Deodorant",
    "nail paint": "Nail Polish", "nail varnish": "Nail Polish", "lipsticks": "Lipstick", "lip colour": "Lipstick",
    "eyeliner": "Kajal and Eyeliner", "kajal": "Kajal and Eyeliner",
    "clutch": "Clutches", "evening bag": "Clutches",
    "laptop bag": "Laptop Bag", "laptop bags": "Laptop Bag", "messenger": "Messenger Bag",
    # underwear & night
    "underwear": "Briefs", "undies": "Briefs", "panties": "Briefs", "knickers": "Briefs",
    "brassiere": "Bra", "bras": "Bra", "sports bra": "Bra",
    "vest": "Innerwear Vests", "vests": "Innerwear Vests", "undershirt": "Innerwear Vests",
    "nightie": "Nightdress", "nighty": "Nightdress", "nightgown": "Nightdress",
    "pyjamas": "Night suits", "pajamas": "Night suits", "pjs": "Night suits", "sleepwear": "Night suits",
    "swimsuit": "Swimwear", "swimsuits": "Swimwear", "bikini": "Swimwear", "swimming costume": "Swimwear",
    "swim trunks": "Swimwear", "bathing suit": "Swimwear",
    "socks": "Socks", "stockings": "Stockings",
    "crewneck": "Sweatshirts", "sweat top": "Sweatshirts", "zip up": "Sweatshirts",
    "bum bag": "Waist Pouch", "fanny pack": "Waist Pouch",
    "high heel": "Heels", "pencil heels": "Heels", "court shoes": "Heels", "waist belt": "Belts",
}

# A shopper word that covers two near-identical catalogue types: both are searched.
MULTI_TYPE_SYNONYMS: dict[str, list[str]] = {
    "rucksack": ["Backpacks", "Rucksacks"], "rucksacks": ["Backpacks", "Rucksacks"],
    "hat": ["Caps", "Hat"], "hats": ["Caps", "Hat"],
}

# Colour words that name no single colour value, so the published colour names (colours.py) can't ground
# them. Every other colour word is resolved there, by perceptual distance, not listed here.
COLOUR_SYNONYMS: dict[str, str] = {
    "multicolour": "Multi", "multicolor": "Multi", "multicoloured": "Multi", "multicolored": "Multi",
    "colourful": "Multi", "colorful": "Multi", "melange": "Grey Melange",
}

# A shopper saying the family word ("blue") means any shade the catalogue files under it; a shopper
# naming a shade ("navy") means that shade. Fluorescent, teal, magenta, rust and metallic tones read as
# colours in their own right, so they stay out of the families.
COLOUR_FAMILIES: dict[str, list[str]] = {
    "White": ["White", "Off White", "Cream"],
    "Red": ["Red", "Maroon", "Burgundy"],
    "Blue": ["Blue", "Navy Blue", "Turquoise Blue"],
    "Brown": ["Brown", "Tan", "Coffee Brown", "Mushroom Brown"],
    "Grey": ["Grey", "Grey Melange", "Charcoal"],
    "Beige": ["Beige", "Khaki", "Nude", "Skin"],
    "Pink": ["Pink", "Peach", "Rose"],
    "Purple": ["Purple", "Lavender", "Mauve"],
    "Green": ["Green", "Olive", "Sea Green", "Lime Green"],
    "Yellow": ["Yellow", "Mustard"],
    "Silver": ["Silver", "Steel"],
}

# Occasion and activity words -> catalogue usage.
USAGE_SYNONYMS: dict[str, str] = {
    "office": "Formal", "work": "Formal", "workwear": "Formal", "interview": "Formal", "business": "Formal",
    "meeting": "Formal", "meetings": "Formal", "corporate": "Formal", "boardroom": "Formal", "formals": "Formal",
    "professional": "Formal",
    "gym": "Sports", "workout": "Sports", "workouts": "Sports", "running": "Sports", "jogging": "Sports",
    "training": "Sports", "exercise": "Sports", "fitness": "Sports", "yoga": "Sports", "sport": "Sports",
    "sporty": "Sports", "athletic": "Sports", "athleisure": "Sports", "marathon": "Sports", "football": "Sports",
    "cricket": "Sports", "tennis": "Sports", "basketball": "Sports", "cycling": "Sports", "hiking": "Sports",
    "trekking": "Sports", "activewear": "Sports",
    "wedding": "Ethnic", "weddings": "Ethnic", "festive": "Ethnic", "festival": "Ethnic", "diwali": "Ethnic",
    "eid": "Ethnic", "puja": "Ethnic", "pooja": "Ethnic", "traditional": "Ethnic", "sangeet": "Ethnic",
    "mehendi": "Ethnic", "mehndi": "Ethnic", "navratri": "Ethnic", "holi": "Ethnic", "indian": "Ethnic",
    "partywear": "Party", "clubbing": "Party", "cocktail": "Party", "night out": "Party",
    "everyday": "Casual", "daily": "Casual", "weekend": "Casual", "casuals": "Casual", "daywear": "Casual",
    "college": "Casual", "relaxed": "Casual", "lounging": "Casual", "chilling": "Casual", "outing": "Casual",
    "informal": "Casual", "laid back": "Casual", "laidback": "Casual", "day to day": "Casual", "everyday wear": "Casual",
    "daily wear": "Casual", "hanging out": "Casual", "errands": "Casual", "easygoing": "Casual",
    "active": "Sports", "run": "Sports", "runs": "Sports", "jog": "Sports", "desi": "Ethnic", "festivals": "Ethnic",
    "ceremony": "Ethnic", "reception": "Ethnic",
}

# Who it is for. The catalogue's genders are sex x age: Men = male adult, Boys = male child, and so on. A word
# says what it says about the person and nothing more: "husband" is a male adult, "boy" a male child, but a
# kinship word ("son", "daughter", "nephew") says the sex only -- a son may be eight or forty -- so it stands
# for both ages until the message gives one ("my 8-year-old son", "he's 8": parser.read_age). "kid" says the
# age only. Men/Women also cover Unisex products (shop.filters.admitted_genders).
CATALOGUE_PERSON: dict[tuple[str, str], str] = {
    ("male", "adult"): "Men", ("female", "adult"): "Women", ("male", "child"): "Boys", ("female", "child"): "Girls",
}
PERSON_OF: dict[str, tuple[str, str]] = {gender: person for person, gender in CATALOGUE_PERSON.items()}
_MALE_ADULT = """men man mens male males gents gent guy guys gentleman gentlemen him his husband boyfriend bf dad daddy
    father brother bro grandpa grandfather uncle fiance groom masculine menswear hubby papa pops grandad granddad
    boyfriends husbands fellas fella dude dudes"""
_FEMALE_ADULT = """women woman womens female females ladies lady her wife girlfriend gf mum mom mommy mother sister sis
    grandma grandmother aunt auntie fiancee bride feminine womenswear wifey missus mummy mama granny nana wives
    girlfriends womans gal gals"""
PERSON_WORDS: dict[str, tuple[str | None, str | None]] = {
    **{w: ("male", "adult") for w in _MALE_ADULT.split()},
    **{w: ("female", "adult") for w in _FEMALE_ADULT.split()},
    **{w: ("male", "child") for w in "boys boy".split()},
    **{w: ("female", "child") for w in "girls girl".split()},
    # kinship by descent: the sex, not the age
    **{w: ("male", None) for w in "son sons nephew nephews grandson grandsons".split()},
    **{w: ("female", None) for w in "daughter daughters niece nieces granddaughter granddaughters".split()},
    **{w: (None, "child") for w in "kids kid children child toddler toddlers".split()},
}


# Words for an age span ("my teenage daughter", "a preteen"): the years each names, per the dictionaries' senses
# (teen: 13 to 19; tween, preteen: 9 to 12). parser.read_age reads them; the speller must leave them alone.
AGE_SPAN_WORDS: dict[str, tuple[int, int]] = {
    **{w: (13, 19) for w in "teen teens teenage teenaged teenager teenagers adolescent adolescents".split()},
    **{w: (9, 12) for w in "tween tweens preteen preteens pre-teen pre-teens".split()},
}


def person_genders(sex: str | None, age: str | None) -> list[str]:
    """The catalogue genders a person of this sex and age (None: either) shops in."""
    return [g for (s, a), g in CATALOGUE_PERSON.items() if sex in (None, s) and age in (None, a)]


def genders_at_age(genders: list[str], age: str) -> list[str]:
    """The same people at the given age ("adult" | "child"): Men/Boys -> Boys for a child; no sex known ->
    both. Unisex stays."""
    sexes: list[str | None] = [*sorted({PERSON_OF[g][0] for g in genders if g in PERSON_OF})] or [None]
    aged = [g for sex in sexes for g in person_genders(sex, age)]
    return aged + [g for g in genders if g not in PERSON_OF and g not in aged]


GENDER_SYNONYMS: dict[str, list[str]] = {
    **{word: person_genders(sex, age) for word, (sex, age) in PERSON_WORDS.items()},
    "unisex": ["Unisex"], "gender neutral": ["Unisex"],
}

SIZE_WORDS: dict[str, str] = {
    "extra small": "XS", "xs": "XS", "small": "S", "medium": "M", "large": "L", "extra large": "XL", "xl": "XL",
    "xxl": "XXL", "2xl": "XXL", "double xl": "XXL", "extra extra large": "XXL",
}

NUMBER_WORDS: dict[str, int] = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25, "thirty": 30, "thirty five": 35,
    "forty": 40, "fourty": 40, "forty five": 45, "fifty": 50, "sixty": 60, "seventy": 70, "seventy five": 75,
    "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100, "one hundred": 100,
    "hundred and fifty": 150, "one hundred and fifty": 150, "a hundred and fifty": 150, "two hundred": 200,
    "three hundred": 300, "five hundred": 500, "a thousand": 1000, "one thousand": 1000,
}

# Words that carry no filter and need no resolution.
STOPWORDS: frozenset[str] = frozenset(
    """a an the i im i'm me my mine we our us you your yours it its it's this that these those there here
    show shows showing find finding get give see look looking search searching want wanted wanting need needs
    needed would like love prefer please pls plz thanks thank thx some any anything something stuff things
    thing item items product products one ones pair pairs of for to in on at by with and or also too as well
    just only really very much more less can could do does did have has had is are was were be been am will
    shall should may might must got gonna wanna let lets buy buying shop shopping order purchase gift gifts
    present presents recommend suggest suggestion options option available nice good great cool new
    what which who whom whose how about hey hi hello ok okay yes no yeah sure now then instead
    some kind sort type types style styles wear wearing worn outfit outfits clothes clothing apparel
    dollars dollar bucks usd price priced cost costs budget cheap affordable under below less than over
    above between from up upto max maximum min minimum least most around about roughly approximately
    size sized sizes attire garment garments wardrobe gear look looks colour color colours colors shade tone something someone somebody""".split()
)

# Descriptive words that say something about the product but are not a filter: they go to ranking only,
# never to the "did you mean" resolver.
DESCRIPTIVE_WORDS: frozenset[str] = frozenset(
    """cotton leather linen silk wool woollen woolen denim suede canvas nylon polyester satin velvet
    chiffon georgette rayon jute knit knitted printed print prints striped stripes stripe checked checks
    check plaid floral solid plain graphic embroidered sequined lace slim skinny regular relaxed
    loose oversized fitted fit tailored straight bootcut cropped long short midi mini maxi full half
    sleeve sleeves sleeveless collar collared round neck v crew hooded zip zipper button analog
    digital chronograph waterproof lightweight warm winter summer spring autumn fall rain light dark
    bright pastel classic vintage retro trendy stylish elegant simple basic premium designer branded
    comfortable comfy soft""".split()
)

# Broad words that name a group of article types. Targets are the catalogue's sub-category or master
# category names; the types under them are read from the database.
CATEGORY_SYNONYMS: dict[str, str] = {
    "shoes": "Shoes", "shoe": "Shoes", "footwear": "Footwear", "bag": "Bags", "bags": "Bags",
    "jewellery": "Jewellery", "jewelry": "Jewellery", "jewels": "Jewellery", "accessories": "Accessories",
    "topwear": "Topwear", "tops and tees": "Topwear", "bottomwear": "Bottomwear", "bottoms": "Bottomwear",
    "innerwear": "Innerwear", "lingerie": "Innerwear", "nightwear": "Loungewear and Nightwear",
    "loungewear": "Loungewear and Nightwear", "makeup": "Makeup", "make up": "Makeup", "cosmetics": "Makeup",
    "fragrances": "Fragrance", "headwear": "Headwear", "sandal": "Sandal",
}


# How a kind of product is built, where the catalogue keeps no attribute for it (its article type is the only
# record that a heel is raised): a merchandiser's facts about catalogue article types.
TYPE_TRAITS: dict[str, frozenset[str]] = {"Heels": frozenset({"raised heel"})}
# Wishes about how a product wears ("comfortable shoes"): they rank, never filter. The word stays in the
# embedded query too; what the embedding cannot know is which kinds of product work against the wish
# (all-MiniLM-L6-v2 puts "comfortable", "comfy" and "cushioned" no farther from Heels than from any other shoe
# type: docs/benchmarks.md), so that is written here as a trait the wish avoids.
WEAR_WISHES: dict[str, str] = {
    "comfortable": "comfort", "comfy": "comfort", "comfort": "comfort", "cushioned": "comfort",
    "cushioning": "comfort", "orthopaedic": "comfort", "orthopedic": "comfort",
}
WISH_AVOIDS: dict[str, frozenset[str]] = {"comfort": frozenset({"raised heel"})}


def types_against(wear: list[str]) -> list[str]:
    """The article types whose traits work against these wear wishes (ranked last, never removed)."""
    avoid = frozenset().union(*(WISH_AVOIDS.get(w, frozenset()) for w in wear))
    return sorted(t for t, traits in TYPE_TRAITS.items() if traits & avoid)
