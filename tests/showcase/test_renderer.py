"""The local compositor: deterministic, every family in every slot renders, label + provenance stamped."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from drawing import ARTICLE_FAMILIES, FAMILIES, Slot
from licensing.showcase.figures import MONK_SCALE, TwinSpec
from licensing.showcase.renderer import (
    DIGITAL_SOURCE_TYPE,
    SIZES,
    ProductSpec,
    compose,
    composite_png,
    read_provenance,
    slot_for,
    stamp,
)

TWINS = [
    TwinSpec(1, "Amara Okafor", "feminine", 9, 178, "hourglass", "M", "braids", "#1b1412"),
    TwinSpec(2, "Lars Eriksen", "masculine", 1, 195, "straight", "XL", "undercut", "#d9c27a"),
    TwinSpec(3, "River Haines", "androgynous", 4, 172, "apple", "XS", "curly top", "#7a4a2a"),
    TwinSpec(4, "Mei Lin", "feminine", 2, 155, "pear", "XXL", "bob", "#141010"),
]
POSES = ["front", "three_quarter", "walk"]


def has_colour(img: Image.Image, rgb: tuple[int, int, int], tolerance: int = 3) -> bool:
    return bool((np.abs(np.asarray(img).astype(int) - np.array(rgb)).max(axis=2) <= tolerance).any())


def spec(article_type: str, hex_: str = "#2e86de", colour: str = "Blue", gender: str = "Women") -> ProductSpec:
    return ProductSpec(catalog_id=1, name=article_type, article_type=article_type, colour_hex=hex_, colour_name=colour,
                       gender=gender)


def test_same_input_gives_same_bytes() -> None:
    a = composite_png(TWINS[0], spec("Dresses"), pose="three_quarter", size="card")
    b = composite_png(TWINS[0], spec("Dresses"), pose="three_quarter", size="card")

    assert a == b
    assert a != composite_png(TWINS[1], spec("Dresses"), pose="three_quarter", size="card")


def test_stamped_output_is_deterministic_too() -> None:
    composite = composite_png(TWINS[1], spec("Jeans"))
    prov = {"digitalSourceType": DIGITAL_SOURCE_TYPE, "twin": "lars-twin", "grant_id": "7", "renderer": "x",
            "renderer_version": "1", "label": "AI twin of Lars Eriksen · licensed"}

    assert stamp(composite, label=prov["label"], provenance=prov) == stamp(composite, label=prov["label"], provenance=prov)


@pytest.mark.parametrize("article_type", sorted(ARTICLE_FAMILIES))
def test_every_article_type_renders_on_a_twin(article_type: str) -> None:
    i = sorted(ARTICLE_FAMILIES).index(article_type)
    img = compose(TWINS[i % len(TWINS)], spec(article_type), pose=POSES[i % len(POSES)], size="card")

    assert img.size == SIZES["card"]
    assert img.mode == "RGB"


@pytest.mark.parametrize("slot", [s for s in Slot.ALL])
def test_every_slot_changes_the_picture(slot: str) -> None:
    """Each slot draws something: the twin wearing it differs from the twin in the base outfit."""
    family = next(f for f in FAMILIES.values() if f.slot == slot)
    article = next(a for a, k in ARTICLE_FAMILIES.items() if k == family.key)
    bare = compose(TWINS[0], None, pose="front")
    worn = compose(TWINS[0], spec(article, "#d81b60", "Pink"), pose="front")

    diff = int((np.asarray(bare) != np.asarray(worn)).any(axis=2).sum())
    assert diff > 50, f"{slot} ({article}) changed only {diff} pixels"


def test_product_colour_is_in_the_picture() -> None:
    img = compose(TWINS[2], spec("Tshirts", "#00ff00", "Green"), pose="front")

    assert has_colour(img, (0, 255, 0))


def test_multi_colour_paints_stripes() -> None:
    img = compose(TWINS[0], spec("Dresses", "#9aa0a6", "Multi"), pose="front")

    assert has_colour(img, (0xd9, 0x48, 0x5f)) and has_colour(img, (0x2a, 0x9d, 0x8f))


def test_taller_talent_is_drawn_taller() -> None:
    def figure_height(t: TwinSpec) -> int:
        px = np.asarray(compose(t, None, pose="front", size="card")).astype(int)
        far = [np.abs(px - np.array(bg)).max(axis=2) > 45 for bg in ((243, 240, 235), (232, 227, 219))]
        rows = np.where((far[0] & far[1]).any(axis=1))[0]
        return rows[-1] - rows[0]

    assert figure_height(TWINS[1]) > figure_height(TWINS[3]) + 40


def test_skin_tone_comes_from_the_monk_scale() -> None:
    for tone in (1, 10):
        t = TwinSpec(9, "X", "androgynous", tone, 170, "straight", "M", "fade", "#000000")
        img = compose(t, spec("Tshirts"), pose="front", size="page")
        r, g, b = (int(MONK_SCALE[tone][i:i + 2], 16) for i in (1, 3, 5))
        assert has_colour(img, (r, g, b))


def test_slot_rule() -> None:
    assert slot_for(spec("Tshirts")) == Slot.TOP
    assert slot_for(spec("Jeans", gender="Men")) == Slot.BOTTOM
    assert slot_for(spec("Sarees")) == Slot.FULL
    assert slot_for(spec("Perfume and Body Mist", gender="Unisex")) == Slot.HELD
    # never on a twin: children's products, intimate apparel, gift sets, sports equipment
    assert slot_for(spec("Tshirts", gender="Boys")) is None
    assert slot_for(spec("Bra")) is None
    assert slot_for(spec("Fragrance Gift Set")) is None
    assert slot_for(spec("Basketballs")) is None


def test_stamp_draws_label_and_embeds_provenance() -> None:
    composite = composite_png(TWINS[0], spec("Dresses"), size="page")
    label = "AI twin of Amara Okafor · licensed"
    prov = {"digitalSourceType": DIGITAL_SOURCE_TYPE, "twin": "amara-twin", "grant_id": "42",
            "renderer": "twinshop-local-compositor", "renderer_version": "1.0.0", "label": label}

    png = stamp(composite, label=label, provenance=prov)

    chunks = read_provenance(png)
    assert chunks["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert chunks["grant_id"] == "42"
    assert chunks["twin"] == "amara-twin"
    assert chunks["Description"] == label
    xmp = chunks["XML:com.adobe.xmp"]
    assert f"<Iptc4xmpExt:DigitalSourceType>{DIGITAL_SOURCE_TYPE}</Iptc4xmpExt:DigitalSourceType>" in xmp
    assert "<twinshop:grant_id>42</twinshop:grant_id>" in xmp
    # the label band is drawn bottom-left: dark pixels where the composite had the light floor
    before = Image.open(io.BytesIO(composite)).convert("L").getpixel((30, 785))
    after = Image.open(io.BytesIO(png)).convert("L").getpixel((30, 785))
    assert before > 180 and after < 80
    assert read_provenance(composite) == {}
