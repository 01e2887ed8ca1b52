"""Fair exposure: which of the twins that may wear a product a shopper sees, when they have not chosen.

A stateless rule, the same in every worker: weighted rendezvous (highest-random-weight) hashing of
(session, product family, twin). Each candidate twin draws a score from a hash of the three, scaled by its
weight; the highest wins. Over many sessions a twin wins with probability weight / total, so equal weights
split views evenly; one session keeps its twin for a product family (the hash does not change); a twin that
drops out (revoked, capped, expired) moves only the sessions it had, to the next-best twin.

Weights: the inverse of a twin's recent exposure relative to its peers, read from the royalty ledger for the
last *completed* exposure window, so every worker computes the same weights for the same window and they
stay still within it (shared through the cache; recomputed from the ledger on a miss, which gives the same
numbers). How well the twin fits the product (its clothing size among the product's sizes) nudges the
weight a little, a tie-break rather than a winner-takes-all.

Only twins the caller passes are candidates: callers pass the twins the gate would license
(licensing.selectors.twin_images_for_products, by the gate's own rules in licensing.rules).
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from licensing.models import RoyaltyEvent

from .renderer import product_spec

# Which twins match a product's gender. Androgynous twins model both men's and women's lines; unisex products
# go on anyone. Children's products never reach a twin (the slot rule).
PRESENTATIONS_FOR_GENDER: dict[str, tuple[str, ...]] = {
    "Men": ("masculine", "androgynous"),
    "Women": ("feminine", "androgynous"),
    "Unisex": ("feminine", "masculine", "androgynous"),
}
EXPOSURE_WINDOW = timedelta(hours=1)
EXPOSURE_LOOKBACK_WINDOWS = 24  # the weights look at the last day of views, in whole windows
# A twin's weight moves between these bounds: enough to pull a lagging twin back within a day, never so much
# that one window's noise decides everything.
MIN_WEIGHT, MAX_WEIGHT = 0.5, 2.0
FIT_BONUS = 1.1  # the product comes in the twin's clothing size
_HASH_SPAN = float(2**64)


def presentations_for(gender: str) -> tuple[str, ...]:
    return PRESENTATIONS_FOR_GENDER.get(gender, PRESENTATIONS_FOR_GENDER["Unisex"])


def matching(twins: Iterable, *, gender: str) -> list:
    """The twins whose presentation matches a product of this gender."""
    wanted = presentations_for(gender)
    return [t for t in twins if t.talent.gender_presentation in wanted]


def product_family(product) -> str:
    """The kind of product a session keeps one twin for: the garment family (sneaker, t-shirt, dress...)."""
    return product_spec(product).family.key


def _unit_hash(session_key: str, family: str, twin_id: int) -> float:
    digest = hashlib.blake2b(f"{session_key}|{family}|{twin_id}".encode(), digest_size=8).digest()
    # (0, 1): never 0 or 1, so the log below is finite and negative.
    return (int.from_bytes(digest, "big") + 0.5) / _HASH_SPAN


def rendezvous_score(session_key: str, family: str, twin_id: int, weight: float) -> float:
    """Weighted rendezvous score: -weight / ln(u). P(twin wins) = weight / sum of weights."""
    return -weight / math.log(_unit_hash(session_key, family, twin_id))


def window_start(at: datetime) -> datetime:
    """The start of the exposure window `at` falls in (windows are aligned to the epoch)."""
    span = int(EXPOSURE_WINDOW.total_seconds())
    return datetime.fromtimestamp(int(at.timestamp()) // span * span, tz=at.tzinfo)


_memo: dict[str, dict[int, int]] = {}  # this process's copy of the current window's counts (closed windows only)


def recent_exposure(*, at: datetime | None = None) -> dict[int, int]:
    """twin id -> views recorded in the last EXPOSURE_LOOKBACK_WINDOWS completed windows (from the ledger).

    Cached under the window, so all workers share one read per window; a miss recomputes the same numbers
    (those windows are closed: the gate only writes views at the current time). Each process also keeps the
    current window's counts, so a page of cards costs no cache round trip."""
    end = window_start(at or timezone.now())
    key = f"twinshop:exposure:{int(end.timestamp())}"
    counts = _memo.get(key)
    if counts is not None:
        return counts
    counts = cache.get(key)
    if counts is None:
        start = end - EXPOSURE_WINDOW * EXPOSURE_LOOKBACK_WINDOWS
        rows = (RoyaltyEvent.objects.filter(at__gte=start, at__lt=end).values("twin_id")
                .annotate(n=Count("pk")).order_by().values_list("twin_id", "n"))
        counts = dict(rows)
        cache.set(key, counts, int(EXPOSURE_WINDOW.total_seconds()) * 2)
    _memo.clear()
    _memo[key] = counts
    return counts


def exposure_weights(twin_ids: Sequence[int], exposure: dict[int, int]) -> dict[int, float]:
    """Inverse to each twin's exposure relative to the mean of these twins, bounded to [MIN, MAX]."""
    if not twin_ids:
        return {}
    views = [exposure.get(t, 0) for t in twin_ids]
    mean = sum(views) / len(views)
    smooth = max(mean, 1.0) * 0.25  # so a handful of views early on moves nothing much
    return {t: _quantised(min(MAX_WEIGHT, max(MIN_WEIGHT, (mean + smooth) / (v + smooth))))
            for t, v in zip(twin_ids, views, strict=True)}


def _quantised(weight: float) -> float:
    # Weights move in steps of 1/8: a session keeps its twin from one window to the next unless a twin's
    # exposure really moved (rendezvous hashing only reassigns sessions whose margin the change crosses).
    return round(weight * 8) / 8


def fit_factor(twin, sizes: set[str]) -> float:
    return FIT_BONUS if twin.talent.clothing_size in sizes else 1.0


def rotate(twins: Sequence, *, product, session_key: str, sizes: set[str] | None = None,
           exposure: dict[int, int] | None = None) -> list:
    """The candidates, best first for this session and product: matching presentation first (others only when
    none match), then by weighted rendezvous score."""
    if not twins:
        return []
    pool = matching(twins, gender=product.gender) or list(twins)
    exposure = recent_exposure() if exposure is None else exposure
    weights = exposure_weights([t.pk for t in pool], exposure)
    family = product_family(product)
    sizes = sizes or set()
    ranked = sorted(pool, key=lambda t: -rendezvous_score(session_key, family, t.pk, weights[t.pk] * fit_factor(t, sizes)))
    placed = {t.pk for t in ranked}
    return ranked + [t for t in twins if t.pk not in placed]
