"""The phrases that carry intent, prices, sizes and negation: patterns of how people write, not vocabulary.

What a word *means* (a kind of product, a colour, a brand) is resolved against the catalogue and published
vocabularies in vocabulary.py and colours.py; these patterns only find structure around those words.
"""
from __future__ import annotations

import re

from . import lexicon

MONEY = r"\$?\s*(\d+(?:\.\d{1,2})?)\s*(?:\$|usd|dollars?|bucks)?"
_MAX_PATTERNS = [
    rf"\b(?:no pricier than|not pricier than|no more expensive than|not more expensive than|less expensive than|"
    rf"keep it (?:under|below)|stay(?:ing)? (?:under|below)|sub|shy of|"
    rf"nothing (?:over|above|more than|pricier than|higher than|costlier than)|none over|not costing more than|"
    rf"under|below|beneath|less than(?: or equal to)?|lower than|cheaper than|up to|upto|max(?:imum)?(?: of)?|at most|"
    rf"no more than|not more than|not over|not above|no higher than|within(?: a budget of)?|budget(?: of| is)?|"
    rf"for less than|for under|tops|capped at|limit(?: of| is)?)\s*(?:of\s*)?{MONEY}",
    rf"(?:<=|<|≤)\s*{MONEY}",
    rf"{MONEY}\s*(?:or less|or under|or below|or cheaper|and under|and below|max(?:imum)?|tops|at most|limit)\b",
]
_MIN_PATTERNS = [
    rf"\b(?:over|above|more than|at least|min(?:imum)?(?: of)?|starting (?:at|from)|greater than|upwards of|"
    rf"no less than|not less than|higher than|pricier than)\s*{MONEY}",
    rf"(?:>=|>|≥)\s*{MONEY}",
    rf"{MONEY}\s*(?:or more|and up|and above|or above|plus|\+)",
]
_RANGE_PATTERNS = [
    rf"\bbetween\s*{MONEY}\s*(?:and|to|-|–)\s*{MONEY}",
    rf"\bfrom\s*{MONEY}\s*(?:to|-|–|and)\s*{MONEY}",
    r"\$\s*(\d+(?:\.\d{1,2})?)\s*(?:-|–|to)\s*\$?\s*(\d+(?:\.\d{1,2})?)",
    r"\b(\d+(?:\.\d{1,2})?)\s*(?:-|–|to)\s*(\d+(?:\.\d{1,2})?)\s*(?:\$|usd|dollars?|bucks)",
]
_AROUND = rf"\b(?:around|about|roughly|approximately|approx|near|close to|~)\s*{MONEY}"
_BARE_MONEY = r"(?:\$\s*(\d+(?:\.\d{1,2})?)|\b(\d+(?:\.\d{1,2})?)\s*(?:usd|dollars?|bucks)\b)"

SIZE_TOKEN = r"(xxs|xs|s|m|l|xl|xxl|xxxl|2xl|3xl|\d{1,2}-\d{1,2}y|\d{1,2}(?:\.5)?|extra small|small|medium|large|extra large)"
_SIZE_PATTERNS = [
    rf"\bsize\s*(?:is\s*|of\s*|:\s*)?(?:uk\s*|eu\s*|us\s*)?{SIZE_TOKEN}\b",
    r"\b(?:uk|eu|us)\s*(?:size\s*)?(\d{1,2})\b",
    r"\b(?:in|wear|wears|need|needs|take|takes)\s+(?:an?\s+|size\s+)?(xxs|xs|xl|xxl|xxxl|2xl|3xl|extra small|small|medium|large|extra large)\b",
    r"\b(xxs|xs|xl|xxl|xxxl|2xl|3xl)\b",
]

_FACETS: dict[str, str] = {
    "colours": r"colou?rs?|shades?|tones?",
    "price": r"prices?|budget|cost|money|spend(?:ing)?|price range|price limit",
    "size": r"sizes?|sizing",
    "brands": r"brands?|labels?|makers?",
    "genders": r"genders?",
    "usages": r"occasions?|usages?|uses?|purposes?|events?",
    "article_types": r"types?|kinds?|categor(?:y|ies)|products?|items?",
}
_RESET_RE = re.compile(
    r"\b(start (?:over|again|afresh|fresh|from scratch)|reset|new search|clear (?:all|everything|(?:the |my |all )?filters)"
    r"|forget (?:it|that|everything|all (?:of )?that|what i said)|from scratch|begin again|start a new search"
    r"|let ?s start again|never ?mind)\b"
)
_YES_RE = re.compile(r"^\s*(yes|yeah|yep|yup|sure|correct|right|exactly|thats right|that is right|y|ok|okay|please do|indeed|affirmative)\b")
_NO_RE = re.compile(r"^\s*(no|nope|nah|not really|wrong|incorrect|neither)\b\s*[,.!]?\s*$")
_COMPARE_RE = re.compile(r"\b(compare|comparison|vs|versus|difference between|differences between|which is better|side by side)\b")
_MORE_LIKE_RE = re.compile(r"\b(more like|similar(?: to)?|something like|others like|ones like|alternatives? (?:to|for)|same style as|like the)\b")
_CHEAPER_RE = re.compile(r"\b(cheaper|less expensive|more affordable|lower price[d]?|budget friendly|inexpensive|cheapest|lower priced"
                         r"|cheap|affordable|low[- ]cost|bargain|economical|on a budget"
                         r"|not (?:too |very |that |so |super |overly )?(?:pricey|pricy|expensive|costly|dear))\b")
_PRICIER_RE = re.compile(r"\b(pricier|more expensive|higher end|fancier|more premium|luxury|upscale|premium)\b")
_ADD_RE = re.compile(r"\b(add|put|throw)\b.*\b(cart|bag|basket|trolley)\b")
_ADD_MODE_RE = re.compile(r"\b(also|too|as well|and also|in addition|plus|or)\b")

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10,
    "10th": 10, "last": -1, "final": -1, "latter": 2, "former": 1,
}
_REF_NUM_RE = re.compile(r"(?:#|\bnumber\s*|\bno\.?\s*|\bitem\s*|\boption\s*|\bproduct\s*|\bcard\s*)(\d{1,2})\b")
_REF_WORD_RE = re.compile(r"\b(?:the\s+)?(" + "|".join(ORDINALS) + r")\b(?:\s+(?:one|item|pair|option|product|card|watch|shoe|shoes))?")
_THAT_RE = re.compile(r"\b(that one|this one|that|those|these|it)\b")

NEGATION_CUES = frozenset({"not", "no", "non", "without", "except", "excluding", "exclude", "avoid", "hate", "dont",
                           "nothing", "never", "minus", "but", "nor", "neither", "skip", "dislike", "isnt", "arent",
                           "apart", "aside", "besides", "nix", "ditch", "lose", "wont", "cant", "doesnt"})
# Pain verbs (and the blisters they leave): what hurts is no wish, whether it is their subject ("heels hurt my
# feet", "these boots pinch", "heels give me blisters") or what the shopper is in ("my feet ache in heels").
# "Shoes that don't hurt" is no complaint.
PAIN_VERBS = frozenset({"hurt", "hurts", "hurting", "pinch", "pinches", "pinching", "rub", "rubs", "rubbing", "chafe",
                        "chafes", "chafing", "ache", "aches", "aching", "blister", "blisters"})
# The weather a shopper dresses for is a season (the catalogue's own labels): English collocations of weather words
# with what they qualify, so "a cold shoulder top" or "hot pink" stay styles and colours. Rewritten to the season
# word before the concepts are read; like a season, it ranks and never filters.
WEATHER_SEASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), season) for pattern, season in (
    (r"\b(?:keep|keeps|keeping|stay|stays|staying)\s+(?:me|you|him|her|them|us|the kids|my \w+\s)?\s*warm\b",
     "winter"),
    (r"\b(?:cold|chilly|freezing|frosty|icy|snowy|wintry)\s+(?:weather|days?|nights?|mornings?|evenings?|climates?|"
     r"months?|spells?)\b", "winter"),
    (r"\b(?:in|for)\s+the\s+(?:cold|snow|frost|chill)\b", "winter"),
    (r"\b(?:hot|warm|sunny|humid|scorching|balmy)\s+(?:weather|days?|nights?|afternoons?|evenings?|climates?|"
     r"months?|spells?)\b", "summer"),
    (r"\b(?:in|for)\s+the\s+(?:heat|sun|sunshine)\b|\bheat\s?waves?\b", "summer"),
))
NEGATION_CARRY = frozenset({"or", "and", "nor", ",", "any", "in", "want", "like", "the", "colou", "colour", "color",
                            "colours", "colors", "shade", "shades", "too", "please", "a", "anything", "stuff", "from",
                            "by", "made", "ones", "one", "items", "really", "do", "wanna", "need", "brand",
                            "brands", "either", "more", "of", "that", "is", "are", "thing", "things", "something",
                            "have", "get", "go", "with", "for", "see", "show", "wear", "much", "fan", "big", "keen",
                            "into", "liking", "coloured", "colored", "stay", "away", "steer", "clear", "at", "all",
                            "anymore", "again", "so", "an", "them", "me", "those", "these"})



# Questions that are not product searches.
QUESTION_RES: dict[str, re.Pattern[str]] = {
    "identity": re.compile(r"\b(?:are|r) (?:you|u) (?:a |an )?(?:real|human|person|bot|robot|ai|machine|computer|live)\b"
                           r"|\bam i (?:talking|chatting|speaking) (?:to|with)\b|\bwho am i talking to\b"
                           r"|\b(?:real|human) (?:person|agent|being)\b"),
    "cart": re.compile(r"\b(?:whats|what is|what s|show(?: me)?|check|view|see) (?:in )?(?:my|the) (?:cart|bag|basket)\b"
                       r"|\b(?:my|the) (?:cart|basket)(?: total)?\s*\??$|\bcart total\b|\bin my (?:cart|basket)\b"
                       r"|\bhow much (?:is|does) (?:my|the) (?:cart|basket|order)\b"),
    "policy": re.compile(r"\b(?:return|returns|refund|refunds|exchange|exchanges|shipping|delivery) (?:policy|policies)\b"
                         r"|\bcan i (?:return|exchange|get a refund)\b|\bhow (?:do|can) i (?:return|exchange)\b"
                         r"|\b(?:returns?|refunds?) (?:work|possible)\b"
                         r"|\b(?:want|need|like|have) to (?:return|exchange|send back) (?:my|an?|the|this|these|it)\b"
                         r"|\b(?:want|need|get|like) (?:a|my) refund\b"),
}
# A question about a product shown ("how much is the second one?", "does the first one come in 42?"), once the
# message points at one: answered about that product, no new search.
PRODUCT_QUESTION_RE = re.compile(r"\b(?:how much|price|cost|costs|what sizes?|which sizes?|comes? in|available in"
                                 r"|in stock|have (?:it|that|this|them) in)\b")
REMOVE_RE = re.compile(r"\b(?:remove|delete|take out|drop)\b.*\b(?:it|that|this|one|cart|bag|basket)\b")
OUTFIT_RE = re.compile(r"\b(?:what (?:goes|go|would go|looks good|matches|pairs) with|goes (?:well )?with|to (?:wear|go|pair) with"
                       r"|(?:match|matches|matching|pair|pairs|pairing) (?:with|for)|complete (?:the|my|this) (?:look|outfit)"
                       r"|finish (?:the|my) look|style (?:it|this|them|these)|outfits? (?:for|with|around)"
                       r"|(?:a|an|the|complete|whole|full) look (?:for|with)|what (?:should|could|can|do|shall) i wear)\b")
NEW_TOPIC_RE = re.compile(r"\b(?:something (?:else|different)|anything else|different thing|another thing|new search"
                          r"|(?:a|for a|as a|buying a|get a|looking for a) (?:gift|present)|gift (?:for|ideas?)|present for)\b")
OWN_SIZE_RE = re.compile(r"\b(?:my size(?: is)?|i(?:m| am) (?:a )?(?:size )?|i wear (?:a )?(?:size )?|i take (?:a )?(?:size )?)"
                         r"\s*(?:uk |eu |us )?(?:xxs|xs|s|m|l|xl|xxl|xxxl|\d{1,2})\b")
OWN_BUDGET_RE = re.compile(r"\b(?:my budget|i (?:can|want to|only want to|can only) (?:spend|afford)|i have)\b")
TWIN_RE = re.compile(r"\b(?:show|see|put|try)\b.*\bon (?:a |an |another |someone |somebody |the )?"
                     r"(?:(taller|shorter|different|other|another|curvier|curvy|slimmer|bigger|larger|smaller|plus[ -]?size|petite)\b|model\b|twin\b"
                     r"|someone my size|somebody my size|([a-z]+)\s*$)")
# An age the shopper gives ("my 8-year-old son", "he's 8" -- normalised to "he 8" --, "aged 10"): what a kinship word leaves open.
AGE_RE = re.compile(r"\b(\d{1,2})\s*-?\s*(?:years?|yrs?|yo)\b(?:\s*-?\s*old)?"
                    r"|\b(?:he|she|hes|shes|who is|whos|aged?|turning|turns)\s+(?:is\s+)?(\d{1,2})\b(?!\s*(?:\$|dollars?|bucks|usd))")
# A word for an age span (lexicon.AGE_SPAN_WORDS), longest first so "pre-teen" is not read as "teen".
AGE_SPAN_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, lexicon.AGE_SPAN_WORDS), key=len, reverse=True))
                         + r")(?![\w-])")
# The shopper says who they are ("I'm a woman", "for me (I'm a guy)"): that person carries over like their size.
OWN_PERSON_RE = re.compile(r"\bi(?:m| am) an? ([a-z]+)\b")
# A message that refers back to the last request with another kind of product ("and belts?", "what about a
# bag", "watches instead"): the same person it was for. A bare new kind of product ("trainers for running") is
# a new request, whose person the message says or leaves open.
CONTINUES_RE = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|hmm|great|thanks|cool|nice)\W+)*(?:and|also|plus|what about|how about)\b"
                          r"|\b(?:too|as well)\W*$|\binstead\b")
