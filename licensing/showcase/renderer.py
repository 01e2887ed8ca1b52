"""The local compositor: a product's garment layer fitted onto a twin figure, drawn with Pillow.

Pure and deterministic: `compose()` depends only on (twin spec, product spec, pose, size), so the
same input gives the same bytes and the composite can be cached on disk. The visible label and the
provenance metadata are *not* part of the composite: they are stamped per licensed view by
`stamp()`, because they carry the consent grant of that view.

Which products go on a twin, and in which slot, is the slot rule of `licensing.rules` (`twin_slot`):
a product without a slot is drawn without a twin.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from drawing import (
    FAMILIES,
    MULTI,
    MULTI_STRIPES,
    Affine,
    Family,
    Frame,
    Shape,
    Slot,
    bbox,
    family_for,
    palette_for,
    place,
    transform,
)

from ..rules import twin_slot
from . import figures
from .figures import TwinSpec

RENDERER_NAME = "twinshop-local-compositor"
RENDERER_VERSION = "1.1.0"  # 1.1: a card frames the product's slot (crop_box); cached cards are redrawn
SIZES: dict[str, tuple[int, int]] = {"card": (320, 400), "page": (640, 800)}
SUPERSAMPLE = 2
BACKGROUND_TOP = (243, 240, 235)
BACKGROUND_FLOOR = (232, 227, 219)


@dataclass(frozen=True)
class ProductSpec:
    catalog_id: int
    name: str
    article_type: str
    sub_category: str = ""
    master_category: str = ""
    colour_hex: str | None = None
    colour_name: str = ""
    gender: str = "Unisex"

    @property
    def family(self) -> Family:
        return family_for(self.article_type, self.sub_category, self.master_category)

    @property
    def multi(self) -> bool:
        return self.colour_name.strip().lower() in {"multi", "multicolour", "multicolor"}

    def fingerprint(self) -> str:
        return "|".join((self.family.key, (self.colour_hex or "").lower(), str(self.multi)))


def product_spec(product) -> ProductSpec:
    at = product.article_type
    colour = product.colour
    return ProductSpec(
        catalog_id=product.catalog_id, name=product.name, article_type=at.name, sub_category=at.sub_category.name,
        master_category=at.sub_category.master.name, colour_hex=colour.hex if colour else None,
        colour_name=colour.name if colour else "", gender=product.gender,
    )


def slot_for(spec: ProductSpec) -> str | None:
    """Where the product goes on a twin, or None when it is never shown on one (licensing.rules.twin_slot)."""
    return twin_slot(gender=spec.gender, article_type=spec.article_type, sub_category=spec.sub_category,
                     master_category=spec.master_category)


# --- the Pillow emitter -----------------------------------------------------------------------------


def _rgb(hex_: str) -> tuple[int, int, int]:
    h = hex_.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@lru_cache(maxsize=8)
def _stripes(w: int, h: int, unit: int) -> Image.Image:
    img = Image.new("RGBA", (w, h))
    d = ImageDraw.Draw(img)
    n = len(MULTI_STRIPES)
    span = w + h
    for i in range(-h // unit - 1, span // unit + 1):
        x = i * unit
        d.polygon([(x, 0), (x + unit, 0), (x + unit - h, h), (x - h, h)], fill=_rgb(MULTI_STRIPES[i % n]))
    return img


class PillowPainter:
    """Draws `Shape`s on an RGBA image. Coordinates are scaled by `scale` (the supersample)."""

    def __init__(self, img: Image.Image, scale: float) -> None:
        self.img = img
        self.scale = scale
        self.draw = ImageDraw.Draw(img)

    def paint(self, shapes: list[Shape], palette: dict[str, str], *, outline_px: float = 1.3) -> None:
        for s in shapes:
            self._shape(s, palette, outline_px)

    def _colour(self, paint: str, palette: dict[str, str], *, for_line: bool = False) -> str:
        c = palette.get(paint, palette["base"])
        if c == MULTI and for_line:
            return palette.get("flat", "#888888")
        return c

    def _shape(self, s: Shape, palette: dict[str, str], outline_px: float) -> None:
        k = self.scale
        if s.opacity < 1.0:
            self._translucent(s, palette, outline_px)
            return
        if s.kind == "line":
            pts = [(x * k, y * k) for x, y in s.pts]
            w = max(1, round(s.width * k))
            col = self._colour(s.paint, palette, for_line=True)
            self.draw.line(pts, fill=col, width=w, joint="curve")
            r = w / 2
            for x, y in (pts[0], pts[-1]):
                self.draw.ellipse([x - r, y - r, x + r, y + r], fill=col)
            return
        stroke = palette.get("outline", "#333333") if s.outline else None
        sw = max(1, round((s.width or outline_px) * k)) if s.outline else 0
        fill = self._colour(s.paint, palette)
        if s.kind == "ellipse":
            (cx, cy), (rx, ry) = s.pts
            box = [(cx - rx) * k, (cy - ry) * k, (cx + rx) * k, (cy + ry) * k]
            if fill == MULTI:
                self._pattern(lambda d, o: d.ellipse([box[0] - o[0], box[1] - o[1], box[2] - o[0], box[3] - o[1]], fill=255), box)
                if stroke:
                    self.draw.ellipse(box, outline=stroke, width=sw)
            else:
                self.draw.ellipse(box, fill=fill, outline=stroke, width=sw)
            return
        pts = [(x * k, y * k) for x, y in s.pts]
        if len(pts) < 3:
            return
        if fill == MULTI:
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            box = [min(xs), min(ys), max(xs), max(ys)]
            self._pattern(lambda d, o: d.polygon([(x - o[0], y - o[1]) for x, y in pts], fill=255), box)
            if stroke:
                self.draw.line(pts + [pts[0]], fill=stroke, width=sw, joint="curve")
        else:
            self.draw.polygon(pts, fill=fill, outline=stroke, width=sw)

    def _pattern(self, draw_mask, box: list[float]) -> None:
        x0, y0 = int(math.floor(box[0])), int(math.floor(box[1]))
        w, h = int(math.ceil(box[2])) - x0 + 1, int(math.ceil(box[3])) - y0 + 1
        if w <= 0 or h <= 0:
            return
        mask = Image.new("L", (w, h), 0)
        draw_mask(ImageDraw.Draw(mask), (x0, y0))
        unit = max(4, round(12 * self.scale * self.img.width / 1280))
        tile = _stripes(max(w, 64), max(h, 64), unit).crop((0, 0, w, h))
        self.img.paste(tile, (x0, y0), mask)

    def _translucent(self, s: Shape, palette: dict[str, str], outline_px: float) -> None:
        k = self.scale
        x0, y0, x1, y1 = bbox([s])
        pad = 4
        ox, oy = int(x0 * k) - pad, int(y0 * k) - pad
        w, h = int(x1 * k) - ox + pad * 2, int(y1 * k) - oy + pad * 2
        if w <= 0 or h <= 0 or ox + w <= 0 or oy + h <= 0 or ox >= self.img.width or oy >= self.img.height:
            return  # nothing of it in the image (a card's window leaves most of the figure out)
        layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        sub = PillowPainter(layer, 1.0)
        from dataclasses import replace

        moved = replace(s, opacity=1.0, pts=tuple(((x * k - ox), (y * k - oy)) for x, y in s.pts) if s.kind != "ellipse"
                        else (((s.pts[0][0] * k - ox), (s.pts[0][1] * k - oy)), (s.pts[1][0] * k, s.pts[1][1] * k)),
                        width=s.width * k)
        sub._shape(moved, palette, outline_px * k)
        alpha = layer.getchannel("A").point(lambda a: round(a * s.opacity))
        layer.putalpha(alpha)
        self.img.alpha_composite(layer, (max(ox, 0), max(oy, 0)), (max(-ox, 0), max(-oy, 0)))


# --- placing object layers on a body -----------------------------------------------------------------


def _fit_box(shapes: list[Shape], box: tuple[float, float, float, float]) -> list[Shape]:
    from shop.illustrations import fit

    return fit(shapes, box)


def _halves(shapes: list[Shape]) -> tuple[list[Shape], list[Shape]]:
    left: list[Shape] = []
    right: list[Shape] = []
    for s in shapes:
        x0, _, x1, _ = bbox([s])
        (left if (x0 + x1) / 2 < 0.5 else right).append(s)
    return left, right


def object_on_body(family: Family, fr: Frame) -> list[Shape]:
    assert family.obj is not None
    shapes = family.obj()
    S = fr.S
    hx, hy = fr.head_c
    rx, ry = fr.head_rx, fr.head_ry
    where = family.placement
    if where == "feet":
        w = fr.foot_len * 1.45
        out: list[Shape] = []
        for side, (fx, fy) in ((-1, fr.foot_l), (1, fr.foot_r)):
            box = (fx - w * 0.42, fy - w * 0.8, fx + w * 0.58, fy + w * 0.2)
            mirror = side < 0 and fr.turn == 0
            if mirror:
                box = (fx - w * 0.58, fy - w * 0.8, fx + w * 0.42, fy + w * 0.2)
            out += place(shapes, box, mirror=mirror)
        return out
    if where == "hand":
        hxr, hyr = fr.hand_r
        if family.slot == Slot.BAG:
            size = S * (0.3 if family.key == "trolley" else 0.17 if family.key in {"backpack", "duffel", "messenger"} else 0.14)
            return place(shapes, (hxr - size * 0.5, hyr - size * 0.12, hxr + size * 0.5, hyr + size * 0.88))
        size = S * 0.09
        return place(shapes, (hxr - size * 0.5, hyr - size * 0.65, hxr + size * 0.5, hyr + size * 0.35))
    if where == "eyes":
        w = rx * 2.5
        cx = hx + fr.turn * rx * 0.5
        return place(shapes, (cx - w / 2, fr.eye_y - w * 0.51, cx + w / 2, fr.eye_y + w * 0.49))
    if where == "wrist":
        size = S * 0.06
        wx, wy = fr.wr_l
        if family.key == "cufflinks":
            left, right = _halves(shapes)
            return _fit_box(left, (fr.wr_l[0] - size / 3, wy - size / 3, fr.wr_l[0] + size / 3, wy + size / 3)) + _fit_box(
                right, (fr.wr_r[0] - size / 3, fr.wr_r[1] - size / 3, fr.wr_r[0] + size / 3, fr.wr_r[1] + size / 3))
        return place(shapes, (wx - size / 2, wy - size / 2 + 0.01 * S, wx + size / 2, wy + size / 2 + 0.01 * S))
    if where == "ears":
        left, right = _halves(shapes)
        ey = fr.eye_y + ry * 0.3
        size = ry * 0.7
        far_x = hx + rx * (1 - fr.turn * 0.6)
        return _fit_box(left, (hx - rx * 1.12 - size / 2, ey, hx - rx * 1.12 + size / 2, ey + size)) + _fit_box(
            right, (far_x + rx * 0.12 - size / 2, ey, far_x + rx * 0.12 + size / 2, ey + size))
    if where == "neck":
        w = S * 0.11
        ny = fr.neck_l[1]
        return place(shapes, (fr.cx - w / 2, ny - w * 0.12, fr.cx + w / 2, ny + w * 0.88))
    if where == "finger":
        size = fr.hand_size * 0.9
        x, y = fr.hand_l
        return place(shapes, (x - size / 2, y - size * 0.1, x + size / 2, y + size * 0.9))
    if where == "head":
        w = rx * (2.6 if family.key != "hat" else 3.6)
        anchor_x = 0.46 if family.key == "cap" else 0.5
        brim = {"cap": 0.66, "hat": 0.68, "headband": 0.72}.get(family.key, 0.66)
        y_at = hy - ry * (0.25 if family.key != "headband" else -0.15)
        return place(shapes, (hx - w * anchor_x, y_at - w * brim, hx + w * (1 - anchor_x), y_at + w * (1 - brim)))
    if where == "hands":
        left, right = _halves(shapes)
        size = fr.hand_size * 2.6
        return _fit_box(left, (fr.hand_l[0] - size / 2, fr.hand_l[1] - size * 0.55, fr.hand_l[0] + size / 2, fr.hand_l[1] + size * 0.45)) + _fit_box(
            right, (fr.hand_r[0] - size / 2, fr.hand_r[1] - size * 0.55, fr.hand_r[0] + size / 2, fr.hand_r[1] + size * 0.45))
    return []


# --- composing the scene -------------------------------------------------------------------------------


def _scene_layers(twin: TwinSpec, product: ProductSpec | None, pose: str, w: float, h: float) -> list[tuple[list[Shape], dict[str, str]]]:
    """(shapes, palette) in paint order. `product` None draws the twin in the base outfit."""
    fr = figures.twin_frame(twin, pose=pose, width=w, height=h)
    fig_pal = figures.figure_palette(twin)
    top_hex, bottom_hex, shoe_hex = figures.base_outfit_colours(twin)
    base_top = palette_for(top_hex)
    base_bottom = palette_for(bottom_hex)
    base_shoes = palette_for(shoe_hex)
    family = product.family if product is not None else None
    slot = slot_for(product) if product is not None else None
    prod_pal = palette_for(product.colour_hex, multi=product.multi) if product is not None else {}

    layers: list[tuple[list[Shape], dict[str, str]]] = [
        (figures.hair_back(twin, fr), fig_pal),
        (figures.skin_body(twin, fr), fig_pal),
    ]
    wearing_body = family is not None and family.body is not None and slot is not None
    body_shapes = family.body(fr) if wearing_body and family is not None and family.body is not None else []
    if slot == Slot.FULL:
        layers.append((body_shapes, prod_pal))
    elif slot == Slot.BOTTOM:
        layers.append((FAMILIES["tshirt"].body(fr), base_top))  # type: ignore[misc]
        layers.append((body_shapes, prod_pal))
    elif slot == Slot.TOP:
        layers.append((FAMILIES["trousers"].body(fr), base_bottom))  # type: ignore[misc]
        layers.append((body_shapes, prod_pal))
    else:
        layers.append((FAMILIES["trousers"].body(fr), base_bottom))  # type: ignore[misc]
        layers.append((FAMILIES["tshirt"].body(fr), base_top))  # type: ignore[misc]
        if slot in {Slot.OUTERWEAR, Slot.NECK, Slot.WAIST}:
            layers.append((body_shapes, prod_pal))
    if slot == Slot.FOOTWEAR and family is not None:
        layers.append((object_on_body(family, fr), prod_pal))
    else:
        layers.append((object_on_body(FAMILIES["flat"], fr), base_shoes))
    layers.append((figures.hands(twin, fr), fig_pal))
    layers.append((figures.face(twin, fr), fig_pal))
    layers.append((figures.hair_front(twin, fr), fig_pal))
    if family is not None and slot in {Slot.BAG, Slot.EYEWEAR, Slot.WRIST, Slot.JEWELLERY, Slot.HEADWEAR, Slot.HANDS, Slot.HELD}:
        layers.append((object_on_body(family, fr), prod_pal))
    return layers


Box = tuple[float, float, float, float]
# A card frames the product's slot (shoes at the feet, a watch at the wrist, a top at the torso ...) instead of
# the full figure, so the product stays visible at thumbnail size. The product page ("page") shows the full figure.
FRAMED_SIZES = frozenset({"card"})
CROP_MIN_HEIGHT = 0.36  # of the full figure's canvas: a card zooms at most ~2.8x, the product keeps its body round it
CROP_MARGIN = 0.3  # room around the product, as a share of its larger side, on each side
CROP_SLOT_AT = 0.42  # where the product's centre sits in the crop, from the top: more room below, for the label


def slot_box(product: ProductSpec, fr: Frame) -> Box | None:
    """Where the product is drawn on the figure (the bounding box of its layer, in the frame's pixels), or None
    when it goes on no twin."""
    family = product.family
    if slot_for(product) is None:
        return None
    if family.obj is not None and family.placement:
        shapes = object_on_body(family, fr)
    elif family.body is not None:
        shapes = family.body(fr)
    else:
        return None
    return bbox(shapes) if shapes else None


def crop_box(slot: Box, *, width: float, height: float) -> Box:
    """The card's window on a (width x height) canvas: the card's aspect ratio, the slot with a margin round
    it, inside the canvas (at most the whole canvas)."""
    x0, y0, x1, y1 = slot
    pad = CROP_MARGIN * max(x1 - x0, y1 - y0)
    aspect = width / height
    ch = min(height, max(CROP_MIN_HEIGHT * height, (y1 - y0) + 2 * pad, ((x1 - x0) + 2 * pad) / aspect))
    cw = ch * aspect
    left = min(max((x0 + x1) / 2 - cw / 2, 0.0), width - cw)
    top = min(max((y0 + y1) / 2 - ch * CROP_SLOT_AT, 0.0), height - ch)
    return (left, top, left + cw, top + ch)


@dataclass(frozen=True)
class CardLayout:
    """What a drawn image shows where, in its own pixels: the window on the figure, the product, the label."""

    crop: Box  # on the full figure's canvas (the whole canvas when the image is not framed)
    slot: Box | None  # the product, in the image's pixels
    label_side: str  # "bottom" or "top": the side whose label band does not cover the product


def layout(twin: TwinSpec, product: ProductSpec | None, *, pose: str = "front", size: str = "card",
           label: str = "AI twin of a model · licensed") -> CardLayout:
    w, h = SIZES[size]
    fr = figures.twin_frame(twin, pose=pose, width=w, height=h)
    slot = slot_box(product, fr) if product is not None else None
    crop: Box = (0.0, 0.0, float(w), float(h))
    if slot is not None and size in FRAMED_SIZES:
        crop = crop_box(slot, width=w, height=h)
    z = w / (crop[2] - crop[0])
    shown = None if slot is None else (
        (slot[0] - crop[0]) * z, (slot[1] - crop[1]) * z, (slot[2] - crop[0]) * z, (slot[3] - crop[1]) * z)
    side = "bottom"
    if shown is not None and _overlaps(label_box(w, h, label, "bottom"), shown) \
            and not _overlaps(label_box(w, h, label, "top"), shown):
        side = "top"
    return CardLayout(crop=crop, slot=shown, label_side=side)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def compose(twin: TwinSpec, product: ProductSpec | None, *, pose: str = "front", size: str = "card") -> Image.Image:
    """The twin wearing (or holding) the product, as an RGB image, without label or metadata. A card is
    framed on the product's slot (layout().crop): the scene is drawn through that window, not cropped from a
    larger image, so it costs what the full figure costs."""
    w, h = SIZES[size]
    crop = layout(twin, product, pose=pose, size=size).crop
    z = w / (crop[2] - crop[0])
    view = Affine(z, z, -crop[0] * z, -crop[1] * z)
    big_w, big_h = w * SUPERSAMPLE, h * SUPERSAMPLE
    img = Image.new("RGBA", (big_w, big_h), BACKGROUND_TOP + (255,))
    d = ImageDraw.Draw(img)
    floor_y = int(max(0.0, (h * 0.86 - crop[1]) * z) * SUPERSAMPLE)
    if floor_y < big_h:  # a window above the floor shows none of it
        d.rectangle([0, floor_y, big_w, big_h], fill=BACKGROUND_FLOOR)
    painter = PillowPainter(img, SUPERSAMPLE)
    fr = figures.twin_frame(twin, pose=pose, width=w, height=h)
    shadow = Shape("ellipse", ((fr.cx, fr.ground + 0.004 * h), (fr.S * 0.17, fr.S * 0.018)), "shadow", outline=False, opacity=0.12)
    painter.paint(transform([shadow], view), {"shadow": "#000000", "base": "#000000"})
    outline = (1.1 if size == "card" else 1.3) * z
    for shapes, palette in _scene_layers(twin, product, pose, w, h):
        painter.paint(transform(shapes, view) if z != 1.0 else shapes, palette, outline_px=outline)
    return img.convert("RGB").resize((w, h), Image.Resampling.LANCZOS)


def encode_png(img: Image.Image, pnginfo: PngInfo | None = None) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", pnginfo=pnginfo, optimize=False, compress_level=6)
    return buf.getvalue()


def composite_png(twin: TwinSpec, product: ProductSpec | None, *, pose: str = "front", size: str = "card") -> bytes:
    return encode_png(compose(twin, product, pose=pose, size=size))


# --- label and provenance ----------------------------------------------------------------------------

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


@lru_cache(maxsize=8)
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: identical on every machine, so stamped bytes stay deterministic.
    return ImageFont.load_default(size=px)


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xmp_packet(provenance: dict[str, str]) -> str:
    """An XMP packet with the IPTC digital source type and Twinshop's licensing fields."""
    fields = "".join(f"<twinshop:{k}>{_xml(v)}</twinshop:{k}>" for k, v in sorted(provenance.items())
                     if k.replace("_", "").isalnum())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:twinshop="https://twinshop.example/ns/provenance/1.0/">'
        f"<Iptc4xmpExt:DigitalSourceType>{_xml(provenance.get('digitalSourceType', DIGITAL_SOURCE_TYPE))}</Iptc4xmpExt:DigitalSourceType>"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_xml(provenance.get("label", ""))}</rdf:li></rdf:Alt></dc:description>'
        f"{fields}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="r"?>'
    )


def _label_metrics(h: int, label: str) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, int,
                                                 tuple[int, int, int, int]]:
    px = max(11, round(h * 0.034))
    font = _font(px)
    x0, y0, x1, y1 = font.getbbox(label)  # whole pixels for a TrueType font; the stubs allow floats
    return font, round(px * 0.55), (int(x0), int(y0), int(x1), int(y1))


def label_box(w: int, h: int, label: str, side: str = "bottom") -> Box:
    """The label band's box in a (w x h) image: at the bottom-left, or the top-left (side "top")."""
    _, pad, (x0, y0, x1, y1) = _label_metrics(h, label)
    bx1 = min(w - pad, pad + (x1 - x0) + pad * 2)
    band = (y1 - y0) + pad * 2
    if side == "top":
        return (pad, pad, bx1, pad + band)
    return (pad, h - pad - band, bx1, h - pad)


def stamp(composite: bytes, *, label: str, provenance: dict[str, str], side: str = "bottom") -> bytes:
    """Draw the visible label (on `side`, the one away from the product: layout().label_side) and embed
    provenance (XMP in iTXt plus plain text chunks)."""
    img = Image.open(io.BytesIO(composite)).convert("RGBA")
    w, h = img.size
    font, pad, (x0, y0, _, _) = _label_metrics(h, label)
    bx0, by0, bx1, by1 = label_box(w, h, label, side)
    band = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(band)
    d.rounded_rectangle([bx0, by0, bx1, by1], radius=pad, fill=(20, 20, 24, 214))
    d.text((bx0 + pad - x0, by0 + pad - y0), label, font=font, fill=(255, 255, 255, 255))
    img.alpha_composite(band)
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_packet(provenance), lang="", tkey="")
    info.add_itxt("Description", label, lang="en", tkey="Description")
    for key in ("digitalSourceType", "twin", "grant_id", "renderer", "renderer_version"):
        if key in provenance:
            info.add_itxt(key, provenance[key])
    return encode_png(img.convert("RGB"), info)


def read_provenance(png: bytes) -> dict[str, str]:
    """The text chunks of a PNG (what a client or a test sees)."""
    img = Image.open(io.BytesIO(png))
    img.load()
    return dict(getattr(img, "text", {}) or {})
