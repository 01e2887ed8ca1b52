"""Garment families as reusable vector layers.

Every garment is geometry only: a list of `Shape`s painted with colour *roles* ("base", "shade",
"trim", ...), never concrete colours. Two kinds of layer exist:

- **body layers** (tops, bottoms, dresses, outerwear, belts, ties, scarves) are functions of a `Frame`,
  the skeleton of a body (shoulders, elbows, wrists, waist, hips, knees, ankles). The product
  illustration draws them on a neutral mannequin frame and crops to the garment; the showcase
  renderer draws the very same function on a twin's frame, so the garment follows that twin's
  shoulders, hips, height and pose.
- **object layers** (shoes, bags, watches, eyewear, jewellery, hats, bottles ...) are drawn in a unit
  square and placed into an anchor box (a foot, a hand, the eyes, a wrist) with `place()`.

Emitters (SVG in `shop.illustrations`, Pillow in `licensing.showcase.renderer`) only translate shapes,
so an illustration and a twin render of the same product cannot drift apart. Everything here is
pure and deterministic: same inputs, same shapes.

Modules: `geometry` (shapes, placement), `palette` (colour roles), `body` (the frame and the outlines
garments follow), `wear` (body layers), `objects` (object layers), `families` (which layer draws each
article type, and its slot on a body). No Django here: the shop and the licensing app import this
package; it imports neither.
"""
from .body import SHAPE_RATIOS, SIZE_WIDTH, Body, Frame, arm, arm_w, body_frame, limb_edge
from .families import ARTICLE_FAMILIES, FAMILIES, Family, Slot, family_for, illustration_shapes
from .geometry import Affine, Shape, arc, bbox, ellipse, line, place, poly, qbez, transform
from .palette import MULTI, MULTI_STRIPES, mix, normalise_hex, palette_for
from .wear import bottom_outline, top_outline

__all__ = [
    "ARTICLE_FAMILIES",
    "Affine",
    "Body",
    "FAMILIES",
    "Family",
    "Frame",
    "MULTI",
    "MULTI_STRIPES",
    "SHAPE_RATIOS",
    "SIZE_WIDTH",
    "Shape",
    "Slot",
    "arc",
    "arm",
    "arm_w",
    "bbox",
    "body_frame",
    "bottom_outline",
    "ellipse",
    "family_for",
    "illustration_shapes",
    "limb_edge",
    "line",
    "mix",
    "normalise_hex",
    "palette_for",
    "place",
    "poly",
    "qbez",
    "top_outline",
    "transform",
]
