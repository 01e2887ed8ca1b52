"""Signed, short-lived twin image tokens.

A token binds twin, pose, product, channel, size and a hash of the viewer's session key, signed with
a salted `TimestampSigner`, and says whether nobody was logged in to that session when it was minted
(so the gate needn't load the session to learn it: see licensing.transport.viewer_for_anonymous_session).
It is a capability to *ask* for a view: the gate still decides (and bills) each fetch, so a token never
outlives a revocation.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "twinshop.showcase.image.v1"


class TokenInvalid(Exception):
    """Tampered, expired, malformed, or presented from another session."""


@dataclass(frozen=True)
class ImageClaim:
    twin_id: int
    pose: str
    catalog_id: int
    channel: str
    size: str
    viewer: str  # hash of the session key the URL was minted for
    anonymous: bool = False  # nobody was logged in to that session (False: not known, the gate looks)


def viewer_hash(session_key: str) -> str:
    return hashlib.sha256(f"{SALT}:{session_key}".encode()).hexdigest()[:24]


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def token_mint(claim: ImageClaim) -> str:
    payload = {"t": claim.twin_id, "p": claim.pose, "c": claim.catalog_id, "ch": claim.channel, "s": claim.size,
               "v": claim.viewer}
    if claim.anonymous:
        payload["a"] = 1
    return _signer().sign_object(payload, compress=False)


def token_read(token: str, *, session_key: str | None, max_age: int | None = None) -> ImageClaim:
    """The claim in a token if its signature, age and session all check out; else TokenInvalid."""
    max_age = max_age if max_age is not None else settings.SHOWCASE_TOKEN_MAX_AGE_SECONDS
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenInvalid("expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise TokenInvalid("bad signature") from exc
    try:
        claim = ImageClaim(twin_id=int(data["t"]), pose=str(data["p"]), catalog_id=int(data["c"]),
                           channel=str(data["ch"]), size=str(data["s"]), viewer=str(data["v"]),
                           anonymous=data.get("a") == 1)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise TokenInvalid("malformed") from exc
    if not session_key or not hmac.compare_digest(claim.viewer, viewer_hash(session_key)):
        raise TokenInvalid("other session")
    return claim
