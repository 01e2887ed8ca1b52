"""A card frames the product's slot (shoes at the feet, a watch at the wrist, a top at the torso ...) and its
label never covers the product (licensing.showcase.renderer.layout / crop_box / label_box)."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from licensing.showcase import figures
from licensing.showcase.renderer import SIZES, ProductSpec, compose, label_box, layout, slot_box, stamp
from tests.showcase.test_renderer import POSES, TWINS

LABEL = "AI twin of Anneliese Vandersteen-Okonkwo · licensed"  # a long name: the widest band the card gets
PRODUCTS = {  # (article type, sub category, master category, gender) -> where it sits
    "shoes": ("Casual Shoes", "Shoes", "Footwear", "Women"),
    "socks": ("Socks", "Socks", "Accessories", "Men"),
    "watch": ("Watches", "Watches", "Accessories", "Men"),
    "bracelet": ("Bracelet", "Jewellery", "Accessories", "Women"),
    "bag": ("Handbags", "Bags", "Accessories", "Women"),
    "sunglasses": ("Sunglasses", "Eyewear", "Accessories", "Women"),
    "cap": ("Caps", "Headwear", "Accessories", "Men"),
    "top": ("Tshirts", "Topwear", "Apparel", "Men"),
    "dress": ("Dresses", "Dress", "Apparel", "Women"),
}
RED = (214, 40, 40)


def product(kind: str) -> ProductSpec:
    at, sub, master, gender = PRODUCTS[kind]
    return ProductSpec(catalog_id=1, name=kind, article_type=at, sub_category=sub, master_category=master,
                       colour_hex="#d62828", colour_name="Red", gender=gender)


def inside(point, box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("twin", TWINS, ids=lambda t: t.name)
@pytest.mark.parametrize("pose", POSES)
def test_a_shoe_card_frames_the_feet(twin, pose) -> None:
    # given a shoe on a twin
    w, h = SIZES["card"]
    fr = figures.twin_frame(twin, pose=pose, width=w, height=h)
    # when the card is laid out
    crop = layout(twin, product("shoes"), pose=pose).crop
    # then its window holds both feet and the whole shoe, and zooms in (the head is left out)
    assert inside(fr.foot_l, crop) and inside(fr.foot_r, crop)
    shoe = slot_box(product("shoes"), fr)
    assert crop[0] <= shoe[0] and crop[1] <= shoe[1] and shoe[2] <= crop[2] and shoe[3] <= crop[3]
    assert crop[3] - crop[1] < h * 0.6 and not inside(fr.head_c, crop)


@pytest.mark.parametrize("kind, landmark", [
    ("watch", "wr_l"), ("bag", "hand_r"), ("sunglasses", "head_c"), ("cap", "head_c"), ("top", "sh_l"),
    ("dress", "wa_l"), ("socks", "foot_r"),
])
def test_each_slot_is_framed_on_its_body_part(kind, landmark) -> None:
    twin = TWINS[0]
    w, h = SIZES["card"]
    fr = figures.twin_frame(twin, pose="front", width=w, height=h)
    crop = layout(twin, product(kind)).crop
    assert inside(getattr(fr, landmark), crop)
    # and the card is the card's shape (no stretching)
    assert (crop[2] - crop[0]) / (crop[3] - crop[1]) == pytest.approx(w / h)


@pytest.mark.parametrize("twin", TWINS, ids=lambda t: t.name)
@pytest.mark.parametrize("pose", POSES)
@pytest.mark.parametrize("kind", list(PRODUCTS))
def test_the_label_never_covers_the_product(twin, pose, kind) -> None:
    # given a card of this product, with a long label
    w, h = SIZES["card"]
    lay = layout(twin, product(kind), pose=pose, label=LABEL)
    # then the product is in the picture and the label's band is clear of it
    assert lay.slot is not None
    assert 0 <= lay.slot[0] < lay.slot[2] <= w + 1 and 0 <= lay.slot[1] < lay.slot[3] <= h + 1
    assert not overlaps(label_box(w, h, LABEL, lay.label_side), lay.slot)


def test_the_product_is_drawn_where_the_layout_says_and_the_label_leaves_it_alone() -> None:
    # given a red sneaker on a card
    twin, shoe = TWINS[1], product("shoes")
    lay = layout(twin, shoe, label=LABEL)
    img = compose(twin, shoe)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    stamped = np.asarray(Image.open(io.BytesIO(stamp(buf.getvalue(), label=LABEL, provenance={},
                                                     side=lay.label_side))).convert("RGB")).astype(int)
    # then its red pixels are inside the slot box, and still all there once the label is stamped
    red = (np.abs(np.asarray(img).astype(int) - np.array(RED)).max(axis=2) <= 3)
    ys, xs = np.nonzero(red)
    assert len(xs) > 500  # at 2.8x zoom the pair of shoes fills a good part of the card
    x0, y0, x1, y1 = lay.slot
    assert xs.min() >= x0 - 1 and xs.max() <= x1 + 1 and ys.min() >= y0 - 1 and ys.max() <= y1 + 1
    still_red = (np.abs(stamped - np.array(RED)).max(axis=2) <= 3)
    assert still_red.sum() == red.sum()


def test_the_product_page_shows_the_full_figure() -> None:
    twin = TWINS[0]
    w, h = SIZES["page"]
    assert layout(twin, product("shoes"), size="page").crop == (0.0, 0.0, float(w), float(h))
