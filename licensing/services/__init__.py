"""Licensing write services. The render gate lives in gate.py, the consent workflow in consent.py."""
from .consent import (
    active_representation,
    can_propose_for,
    grant_amend,
    grant_expire,
    grant_propose,
    grant_revoke,
    grant_sign,
    payer_terms,
    render_terms,
    representation_create,
    terms_sha256,
)
from .gate import (
    BOT_USER_AGENT_MARKERS,
    MONEY_QUANTUM,
    ConsentDenied,
    RenderLicense,
    Viewer,
    grant_covers_brand,
    grant_failure,
    is_bot_user_agent,
    license_view,
    product_scope,
    twin_label,
)

__all__ = [
    "active_representation", "can_propose_for", "grant_amend", "grant_expire", "grant_propose", "grant_revoke",
    "grant_sign", "payer_terms", "render_terms", "representation_create", "terms_sha256", "BOT_USER_AGENT_MARKERS",
    "MONEY_QUANTUM", "ConsentDenied", "RenderLicense", "Viewer",
    "grant_covers_brand", "grant_failure", "is_bot_user_agent", "license_view", "product_scope", "twin_label"]
