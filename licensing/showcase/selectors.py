"""Showcase reads: which twins can wear a product, and the signed image URL for one of them."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.urls import reverse

from licensing.models import CLOTHING_SIZE_ORDER, DigitalTwin, TwinPose
from licensing.rules import may_appear_on_twin
from licensing.selectors import twin_images_for_products
from licensing.services import stored_session_key, twin_label, viewer_territory
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
    want_presentation = prefer.get("gender") or PRODUCT_GENDER_PRESENTATION.get(product.gender)
    want_presentation = {"Men": "masculine", "Women": "feminine", "men": "masculine", "women": "feminine"}.get(
        want_presentation, want_presentation)
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


def _session_key(request_or_session_key, *, anonymous: bool = False) -> tuple[str, bool]:
    """(session key, whether nobody is logged in to it): a request says so itself; a bare key only when the
    caller knows (`anonymous`)."""
    if isinstance(request_or_session_key, str):
        return request_or_session_key, anonymous
    request = request_or_session_key
    user = getattr(request, "user", None)
    anonymous = user is not None and not user.is_authenticated
    return stored_session_key(request.session), anonymous


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


def twin_image_for(*, product, request_or_session_key, channel: str, twin_id: int | None = None,
                   prefer: dict | None = None, size: str = "card",
                   twins: list[DigitalTwin] | None = None, anonymous: bool = False) -> TwinImage | None:
    """A signed, short-lived image URL of the best (or the requested) covering twin, or None.

    Minting takes no licence: the royalty row is written when the URL is fetched. `anonymous` (for a bare
    session key): the caller knows nobody is logged in to that session."""
    if twins is None:
        twins = twin_images_for_products(products=[product], channel=channel)[product.catalog_id]
    candidates = twins
    if not candidates:
        return None
    session_key, anonymous = _session_key(request_or_session_key, anonymous=anonymous)
    chosen = next((t for t in candidates if t.pk == twin_id), None) if twin_id is not None else None
    if chosen is None:
        chosen = choose_twins(candidates, product=product, session_key=session_key, prefer=prefer)[0]
    url = image_url(twin=chosen, product=product, session_key=session_key, channel=channel,
                    pose=twin_pose_key(chosen, prefer), size=size, anonymous=anonymous)
    name = chosen.talent.display_name
    return TwinImage(url=url, twin_id=chosen.pk, twin_name=name, label=twin_label(name))


def see_it_on_context(*, request, product) -> dict:
    """Context for templates/showcase/see_it_on.html: the covering twins, the chosen one, its image."""
    twins = twin_images_for_products(products=[product], channel=STOREFRONT,
                                     territory=viewer_territory(request.META))[product.catalog_id]
    if not twins:
        return {"see_it_on": {"available": False, "twins": [], "image": None,
                              "fallback_reason": "no_consent" if may_appear_on_twin(product) else "never_on_twin"}}
    requested = request.GET.get("twin", "")
    # isdigit() alone admits "²" and other digits int() refuses; only ASCII digits name a twin.
    twin_id = int(requested) if requested.isascii() and requested.isdigit() and len(requested) < 12 else None
    session_key, anonymous = _session_key(request)
    ranked = choose_twins(twins, product=product, session_key=session_key)
    chosen = next((t for t in ranked if t.pk == twin_id), ranked[0])
    pose_rows = [(p.key, p.label) for p in _poses(chosen) if p.key in POSES]
    wanted = request.GET.get("pose", "")
    pose = wanted if wanted in {k for k, _ in pose_rows} else (pose_rows[0][0] if pose_rows else "front")
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


def product_card_images(*, request, products: list) -> dict[int, TwinImage]:
    """catalog_id -> the twin image of each card that may show its product on a twin (the shop's card hook,
    shop.pages.on_product_cards). One batch for the whole page: the eligible twins of every product in one
    call (the coverage cache), the exposure weights read once; each card gets its own signed URL, which the
    gate licenses (and bills) when the browser fetches it. Cards without a covering twin are left out and
    keep their plain picture; a revocation drops the twin on the next page."""
    eligible = twin_images_for_products(products=products, channel=STOREFRONT,
                                        territory=viewer_territory(request.META))
    if not any(eligible.values()):
        return {}
    session_key, anonymous = _session_key(request)
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
