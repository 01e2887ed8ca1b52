"""The filter schema shared by the rule-based understanding, the optional LLM and the retriever."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, field_validator

from shop.filters import CatalogFilters, admitted_genders

LIST_FIELDS = ("genders", "article_types", "colours", "usages", "brands", "exclude_colours", "exclude_brands",
               "exclude_words")



class Filters(BaseModel):
    """What the shopper requires (limits). Every field is a hard filter: retrieval never loosens it silently.
    Occasions the understanding reads are wishes (dialogue.Wishes) and rank instead; `usages` stays a limit for
    a chip or a chat model that sets it explicitly."""

    genders: list[str] = Field(default_factory=list, description="Men, Women, Boys, Girls or Unisex")
    article_types: list[str] = Field(default_factory=list, description="catalogue article types, e.g. Tshirts")
    colours: list[str] = Field(default_factory=list, description="catalogue colours, e.g. Navy Blue")
    usages: list[str] = Field(default_factory=list, description="catalogue usages, e.g. Casual, Formal, Sports")
    brands: list[str] = Field(default_factory=list, description="only these brands")
    min_price: Decimal | None = Field(default=None, ge=0)
    max_price: Decimal | None = Field(default=None, ge=0)
    size: str | None = Field(default=None, description="a size the product must be in stock in, e.g. M or 42")
    exclude_colours: list[str] = Field(default_factory=list)
    exclude_brands: list[str] = Field(default_factory=list)
    exclude_words: list[str] = Field(default_factory=list, description="words no product name may contain, e.g. leather")

    @field_validator("min_price", "max_price")
    @classmethod
    def _cents(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))

    def is_empty(self) -> bool:
        return not any(getattr(self, f) for f in LIST_FIELDS) and self.min_price is None and (
            self.max_price is None and self.size is None
        )

    def expanded_genders(self) -> list[str]:
        """The product genders the gender filter admits (shop.filters: Men and Women admit Unisex too)."""
        return list(admitted_genders(self.genders))

    def to_catalog(self) -> CatalogFilters:
        """The same filters in the shop's one definition of what they mean (shop.filters)."""
        return CatalogFilters(
            genders=tuple(self.genders), article_types=tuple(self.article_types), colours=tuple(self.colours),
            usages=tuple(self.usages), brands=tuple(self.brands), min_price=self.min_price,
            max_price=self.max_price, size=self.size or None, exclude_colours=tuple(self.exclude_colours),
            exclude_brands=tuple(self.exclude_brands), exclude_words=tuple(self.exclude_words),
        )

    def to_public(self) -> dict[str, Any]:
        """JSON-safe form sent to the browser and stored in the conversation state."""
        data = self.model_dump()
        for key in ("min_price", "max_price"):
            if data[key] is not None:
                data[key] = str(data[key])
        return data

    @classmethod
    def from_public(cls, data: dict[str, Any] | None) -> Filters:
        return cls.model_validate(data or {})


class LLMUnderstanding(BaseModel):
    """What a chat model returns for one turn (structured output)."""

    filters: Filters = Field(description="the complete filters after this message, catalogue labels only")
    reset: bool = Field(default=False, description="the shopper asked to start over")
    query: str = Field(default="", description="descriptive words for ranking that are not filters")
    clarifying_question: str | None = Field(default=None, description="ask this when the request is unclear")
