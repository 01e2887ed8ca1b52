"""Showcase reads: which twins can wear a product, and the signed image URL for one of them."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.urls import reverse

from licensing.models import CLOTHING_SIZE_ORDER, DigitalTwin, TwinPose
from licensing.rules import may_appear_on_twin
from licensing.selectors import twin_images_for_products
from licensing.services import twin_label
from shop.selectors import VARIANTS_ATTR, variants_of

from .figures import POSES
from .rotation import recent_exposure, rotate
from .tokens import ImageClaim, token_mint, viewer_hash

STOREFRONT = "storefront"
PRODUCT_GENDER_PRESENTATION = {"Men": "masculine", "Women": "feminine"}


@dataclass(frozen=True)
class TwinImage:
    url: str
    twin_id: int
    twin_name: str
    label: str


def _product_sizes(product) -> set[str]:
    return {v.size for v in variants_of(product)}


# What a shopper may ask for instead of the rotation's choice ("a taller model", "someone my size", "a man").
PREFERENCE_KEYS = ("gender", "size", "taller")


def choose_twins(twins: list[DigitalTwin], *, product, session_key: str, prefer: dict | None = None,
                 exposure: dict[int, int] | None = None) -> list[DigitalTwin]:
    """Best first for this session. A shopper's stated preference orders by it (rank_twins); otherwise the fair
    rotation (licensing.showcase.rotation) spreads views among the matching twins, one twin per session and
    product family. `exposure` (twin id -> recent views) defaults to the ledger's (rotation.recent_exposure)."""
    if prefer and any(prefer.get(k) for k in PREFERENCE_KEYS):
        return rank_twins(twins, product=product, prefer=prefer)
    return rotate(twins, product=product, session_key=session_key, sizes=_product_sizes(product), exposure=exposure)


def rank_twins(twins: list[DigitalTwin], *, product, prefer: dict | None = None) -> list[DigitalTwin]:
    """Best first by an explicit preference: presentation matching the product's gender (or the one asked
    for), then a twin whose clothing size the product comes in, then a middle size. `prefer`: gender, size,
    taller. Used when the shopper asked; the default choice is choose_twins' rotation."""
    prefer = prefer or {}
    asked: str = prefer.get("gender") or PRODUCT_GENDER_PRESENTATION.get(product.gender) or ""
    want_presentation = {"Men": "masculine", "Women": "feminine", "men": "masculine", "women": "feminine"}.get(
        asked, asked)
    want_size = str(prefer.get("size") or "").upper()
    taller = bool(prefer.get("taller"))
    sizes = _product_sizes(product) if not want_size else set()

    def key(twin: DigitalTwin) -> tuple:
        t = twin.talent
        presentation = 0 if not want_presentation or t.gender_presentation == want_presentation else (
            1 if t.gender_presentation == "androgynous" else 2)
        order = CLOTHING_SIZE_ORDER.get(t.clothing_size, 2)
        if want_size in CLOTHING_SIZE_ORDER:
            size_rank = abs(order - CLOTHING_SIZE_ORDER[want_size])
        else:
            size_rank = (0 if t.clothing_size in sizes else 1) * 10 + abs(order - CLOTHING_SIZE_ORDER["M"])
        height = -t.height_cm if taller else 0
        if taller:
            return (presentation, height, size_rank, twin.pk)
        return (presentation, size_rank, twin.pk)

    return sorted(twins, key=key)


def _poses(twin: DigitalTwin) -> list[TwinPose]:
    """The twin's poses in position order: from the prefetch the eligible twins come with
    (licensing.selectors.twin_images_for_products), else one query."""
    prefetched = getattr(twin, "_prefetched_objects_cache", {}).get("poses")
    if prefetched is not None:
        return sorted(prefetched, key=lambda p: (p.position, p.pk))
    return list(TwinPose.objects.filter(twin=twin).order_by("position", "pk"))


def twin_pose_key(twin: DigitalTwin, prefer: dict | None = None) -> str:
    keys = [p.key for p in _poses(twin)]
    wanted = (prefer or {}).get("pose")
    if wanted and wanted in keys and wanted in POSES:
        return wanted
    return next((k for k in keys if k in POSES), "front")


def image_url(*, twin: DigitalTwin, product, session_key: str, channel: str, pose: str, size: str,
              anonymous: bool = False) -> str:
    """The twin image's URL for this session. `anonymous`: nobody is logged in to it (the gate then needn't look)."""
    token = token_mint(ImageClaim(twin_id=twin.pk, pose=pose, catalog_id=product.catalog_id, channel=channel,
                                  size=size, viewer=viewer_hash(session_key), anonymous=anonymous))
    return reverse("licensing:showcase:image", args=[token])


def twin_image_for(*, product, session_key: str, channel: str, twin_id: int | None = None,
                   prefer: dict | None = None, size: str = "card",
                   twins: list[DigitalTwin] | None = None, anonymous: bool = False) -> TwinImage | None:
    """A signed, short-lived image URL of the best (or the requested) covering twin, or None.

    Minting takes no licence: the royalty row is written when the URL is fetched. `session_key`: a session the
    server issued (licensing.transport.stored_session_key); `anonymous`: nobody is logged in to it."""
    if twins is None:
        twins = twin_images_for_products(products=[product], channel=channel)[product.catalog_id]
    candidates = twins
    if not candidates:
        return None
    chosen = next((t for t in candidates if t.pk == twin_id), None) if twin_id is not None else None
    if chosen is None:
        chosen = choose_twins(candidates, product=product, session_key=session_key, prefer=prefer)[0]
    url = image_url(twin=chosen, product=product, session_key=session_key, channel=channel,
                    pose=twin_pose_key(chosen, prefer), size=size, anonymous=anonymous)
    name = chosen.talent.display_name
    return TwinImage(url=url, twin_id=chosen.pk, twin_name=name, label=twin_label(name))


def see_it_on_context(*, product, twins: list[DigitalTwin], session_key: str, anonymous: bool, twin: str = "",
                      pose: str = "") -> dict:
    """Context for templates/showcase/see_it_on.html: the covering twins (licensing.selectors.
    twin_images_for_products for the viewer's territory), the chosen one, its image. `twin` and `pose`: what the
    page's query asked for, as sent (anything else is ignored); `session_key`, `anonymous`: whom the URL is for."""
    if not twins:
        return {"see_it_on": {"available": False, "twins": [], "image": None,
                              "fallback_reason": "no_consent" if may_appear_on_twin(product) else "never_on_twin"}}
    # isdigit() alone admits "²" and other digits int() refuses; only ASCII digits name a twin.
    twin_id = int(twin) if twin.isascii() and twin.isdigit() and len(twin) < 12 else None
    ranked = choose_twins(twins, product=product, session_key=session_key)
    chosen = next((t for t in ranked if t.pk == twin_id), ranked[0])
    pose_rows = [(p.key, p.label) for p in _poses(chosen) if p.key in POSES]
    pose = pose if pose in {k for k, _ in pose_rows} else (pose_rows[0][0] if pose_rows else "front")
    name = chosen.talent.display_name
    image = TwinImage(url=image_url(twin=chosen, product=product, session_key=session_key,
                                    channel=STOREFRONT, pose=pose, size="page", anonymous=anonymous),
                      twin_id=chosen.pk, twin_name=name, label=twin_label(name))
    poses = [{"key": k, "label": label, "href": f"?twin={chosen.pk}&pose={k}#see-it-on", "selected": k == pose}
             for k, label in pose_rows]
    options = [{
        "id": t.pk,
        "name": t.talent.display_name,
        "height_cm": t.talent.height_cm,
        "clothing_size": t.talent.clothing_size,
        "monk_skin_tone": t.talent.monk_skin_tone,
        "selected": image is not None and t.pk == image.twin_id,
        "href": f"?twin={t.pk}#see-it-on",
    } for t in ranked]
    return {"see_it_on": {"available": True, "twins": options, "poses": poses, "image": image, "fallback_reason": ""}}


def product_card_images(*, products: list, eligible: dict[int, list[DigitalTwin]], session_key: str,
                        anonymous: bool) -> dict[int, TwinImage]:
    """catalog_id -> the twin image of each card that may show its product on a twin (the shop's card hook,
    shop.pages.on_product_cards). One batch for the whole page: `eligible`, the covering twins of every product
    from one licensing.selectors.twin_images_for_products call (the coverage cache), the exposure weights read
    once; each card gets its own signed URL, which the gate licenses (and bills) when the browser fetches it.
    Cards without a covering twin are left out and keep their plain picture; a revocation drops the twin on the
    next page."""
    exposure = recent_exposure()
    covered = [p for p in products if eligible.get(p.catalog_id)]
    # The rotation's fit tie-break reads each product's sizes: one query for the page, not one per card.
    prefetch_related_objects([p for p in covered if getattr(p, VARIANTS_ATTR, None) is None], "variants")
    out: dict[int, TwinImage] = {}
    for product in covered:
        twins = eligible[product.catalog_id]
        chosen = choose_twins(twins, product=product, session_key=session_key, exposure=exposure)[0]
        url = image_url(twin=chosen, product=product, session_key=session_key, channel=STOREFRONT,
                        pose=twin_pose_key(chosen), size="card", anonymous=anonymous)
        name = chosen.talent.display_name
        out[product.catalog_id] = TwinImage(url=url, twin_id=chosen.pk, twin_name=name, label=twin_label(name))
    return out
