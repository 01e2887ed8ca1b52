"""Chat actions as structured intents: what a card's button or a filter chip asks for, read from a websocket frame.

A button names products by catalogue id, so nothing is written as text for the understanding to parse back:
`{"type": "action", "action": "more_like_this", "product_id": 15970}` becomes `MoreLikeThis(product_id=15970)`,
and `assistant.services.conversation_action` hands it to the same steps a typed "more like #2" ends in.

Validation is strict and happens before anything is read or written: an unknown action, a missing or extra
field, a string or float where an id belongs ("5", 5.0, true), an id outside the catalogue column, or a list of
the wrong length is refused with one error naming the field (never echoing the value).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter, ValidationError, field_validator

from .understanding.schema import LIST_FIELDS

# Product.catalog_id is a PositiveIntegerField: a larger number names no product (and SQLite raises OverflowError
# on one that doesn't fit 64 bits).
MAX_CATALOG_ID = 2**31 - 1
CatalogId = Annotated[StrictInt, Field(ge=0, le=MAX_CATALOG_ID)]
RowId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]
# The chat's limits are whole fields (a list of values, or the price or size limit): these can be removed.
REMOVABLE_FIELDS = (*LIST_FIELDS, "min_price", "max_price", "size")
# A chip removes one value or one colour family (its shades); no filter list is longer than the vocabulary's
# largest family, so a longer list is not a chip.
MAX_REMOVED_VALUES = 64


class IntentError(ValueError):
    """A frame that is no valid action; `code` is the error frame's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    type: Literal["action"]

    def products(self) -> tuple[int, ...]:
        """The catalogue ids the action points at: each must be one this conversation showed."""
        product_id = getattr(self, "product_id", None)
        return () if product_id is None else (product_id,)


class MoreLikeThis(_Action):
    action: Literal["more_like_this"]
    product_id: CatalogId


class Compare(_Action):
    action: Literal["compare"]
    # The reply compares two products side by side: a longer list is refused, not cut.
    product_ids: Annotated[list[CatalogId], Field(min_length=2, max_length=2)]

    @field_validator("product_ids")
    @classmethod
    def _two_products(cls, value: list[int]) -> list[int]:
        if value[0] == value[1]:
            raise ValueError("compare two different products")
        return value

    def products(self) -> tuple[int, ...]:
        return tuple(self.product_ids)


class ShowOnTwin(_Action):
    action: Literal["show_on_twin"]
    product_id: CatalogId
    twin_id: RowId | None = None  # None: the next twin that may show it


class AddToCart(_Action):
    action: Literal["add_to_cart"]
    product_id: CatalogId
    size: Annotated[StrictStr, Field(min_length=1, max_length=20)] | None = None
    # Whole and positive here; the shop's own limit (SHOP_MAX_LINE_QUANTITY) is the cart's to enforce.
    quantity: Annotated[StrictInt, Field(ge=1, le=2**31 - 1)] = 1


class RemoveFilter(_Action):
    action: Literal["remove_filter"]
    field: StrictStr
    # None: the whole field (or the price or size limit); a string or a list: those values of a list field.
    value: Annotated[StrictStr, Field(max_length=200)] | Annotated[
        list[Annotated[StrictStr, Field(max_length=200)]], Field(min_length=1, max_length=MAX_REMOVED_VALUES)
    ] | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in REMOVABLE_FIELDS:
            raise ValueError(f"one of {', '.join(REMOVABLE_FIELDS)}")
        return value


Action = Annotated[MoreLikeThis | Compare | ShowOnTwin | AddToCart | RemoveFilter, Field(discriminator="action")]
ACTIONS = ("add_to_cart", "more_like_this", "compare", "show_on_twin", "remove_filter")
_ADAPTER: TypeAdapter[MoreLikeThis | Compare | ShowOnTwin | AddToCart | RemoveFilter] = TypeAdapter(Action)
# Which error code a field's error gets: clients (and the tests) tell a bad product id from a malformed frame.
_FIELD_CODES = {"product_id": "bad_product", "product_ids": "bad_product", "twin_id": "bad_twin"}


def action_from_frame(content: dict[str, object]) -> MoreLikeThis | Compare | ShowOnTwin | AddToCart | RemoveFilter:
    """The action a frame asks for, or IntentError with a code and a message naming the field at fault."""
    try:
        return _ADAPTER.validate_python(content)
    except ValidationError as exc:
        raise _intent_error(exc) from None


def _intent_error(exc: ValidationError) -> IntentError:
    errors = exc.errors(include_input=False, include_url=False)
    # What is wrong with a field the action has says more than a field it doesn't know.
    error = next((e for e in errors if e["type"] != "extra_forbidden"), errors[0])
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return IntentError("unknown_action", f"Unknown action; use one of: {', '.join(ACTIONS)}.")
    name = str(error["loc"][1]) if len(error["loc"]) > 1 else "action"
    # A missing field or a list of the wrong length is a malformed frame; a bad id (in it) is a bad product id.
    malformed = error["type"] in ("missing", "too_short", "too_long", "list_type", "value_error", "extra_forbidden")
    code = "bad_action" if malformed else _FIELD_CODES.get(name, "bad_action")
    return IntentError(code, f"{name}: {error['msg']}.")
