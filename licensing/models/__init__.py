"""Licensing models. Split by concern; import everything from `licensing.models`."""
from .consent import (
    INNERWEAR_ARTICLE_TYPES,
    MIN_PURPOSE_LENGTH,
    SHOP_SCOPES,
    BrandScope,
    Channel,
    ConsentEvent,
    ConsentEventKind,
    ConsentGrant,
    GrantBrand,
    GrantStatus,
)
from .coverage import CoverageToken
from .ledger import DenialReason, DeniedView, NonBillableReason, RoyaltyEvent
from .people import (
    CLOTHING_SIZE_ORDER,
    MAX_AGENCY_COMMISSION,
    MAX_REPRESENTATION_YEARS,
    Agency,
    BodyShape,
    CaptureAngle,
    ClothingSize,
    DigitalTwin,
    GenderPresentation,
    Representation,
    Talent,
    TwinCapture,
    TwinPose,
    add_years,
)

__all__ = [
    "INNERWEAR_ARTICLE_TYPES", "MIN_PURPOSE_LENGTH", "SHOP_SCOPES", "BrandScope", "Channel", "ConsentEvent", "ConsentEventKind",
    "ConsentGrant", "CoverageToken", "GrantBrand", "GrantStatus", "DeniedView", "DenialReason", "NonBillableReason", "RoyaltyEvent",
    "CLOTHING_SIZE_ORDER", "MAX_AGENCY_COMMISSION", "MAX_REPRESENTATION_YEARS", "Agency", "BodyShape",
    "CaptureAngle", "ClothingSize", "DigitalTwin", "GenderPresentation", "Representation", "Talent",
    "TwinCapture", "TwinPose", "add_years",
]
