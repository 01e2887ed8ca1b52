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
    Family,
    Frame,
    Shape,
    Slot,
    bbox,
    family_for,
    palette_for,
    place,
)

from ..rules import twin_slot
from . import figures
from .figures import TwinSpec

RENDERER_NAME = "twinshop-local-compositor"
RENDERER_VERSION = "1.0.2"
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
        if w <= 0 or h <= 0:
            return
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
    left, right = [], []
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


def compose(twin: TwinSpec, product: ProductSpec | None, *, pose: str = "front", size: str = "card") -> Image.Image:
    """The twin wearing (or holding) the product, as an RGB image, without label or metadata."""
    w, h = SIZES[size]
    big_w, big_h = w * SUPERSAMPLE, h * SUPERSAMPLE
    img = Image.new("RGBA", (big_w, big_h), BACKGROUND_TOP + (255,))
    d = ImageDraw.Draw(img)
    floor_y = int(big_h * 0.86)
    d.rectangle([0, floor_y, big_w, big_h], fill=BACKGROUND_FLOOR)
    painter = PillowPainter(img, SUPERSAMPLE)
    fr = figures.twin_frame(twin, pose=pose, width=w, height=h)
    shadow = Shape("ellipse", ((fr.cx, fr.ground + 0.004 * h), (fr.S * 0.17, fr.S * 0.018)), "shadow", outline=False, opacity=0.12)
    painter.paint([shadow], {"shadow": "#000000", "base": "#000000"})
    outline = 1.1 if size == "card" else 1.3
    for shapes, palette in _scene_layers(twin, product, pose, w, h):
        painter.paint(shapes, palette, outline_px=outline)
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


def stamp(composite: bytes, *, label: str, provenance: dict[str, str]) -> bytes:
    """Draw the visible label and embed provenance (XMP in iTXt plus plain text chunks)."""
    img = Image.open(io.BytesIO(composite)).convert("RGBA")
    w, h = img.size
    px = max(11, round(h * 0.034))
    font = _font(px)
    pad = round(px * 0.55)
    x0, y0, x1, y1 = font.getbbox(label)
    tw, th = x1 - x0, y1 - y0
    band = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(band)
    bx0, by1 = pad, h - pad
    bx1, by0 = min(w - pad, bx0 + tw + pad * 2), by1 - th - pad * 2
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
