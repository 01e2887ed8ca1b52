"""The catalogue as a LangChain retriever: exact filters, then embedding similarity within them."""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from ..understanding.schema import Filters
from .embeddings import query_encoder
from .index import Snapshot, get_snapshot


class CatalogRetriever(BaseRetriever):
    """Top-k published products that satisfy `filters`, ranked by cosine similarity to the query
    (or to `anchor_id`'s vector for "more like this"). Never returns a product outside the filters."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    filters: Filters = Field(default_factory=Filters)
    k: int = 10
    exclude: list[int] = Field(default_factory=list)
    anchor_id: int | None = None
    boost: Any = None  # per-row score bonus for wishes (Snapshot.wish_boost)

    def search(self, query: str, *, snapshot: Snapshot | None = None, mask: Any = None) -> list[tuple[int, float]]:
        """(catalog id, score) of the top k, best first; `mask` is `snapshot.mask(self.filters)` if the caller
        has it already."""
        snap = snapshot or get_snapshot()
        if mask is None:
            mask = snap.mask(self.filters)
        vector: Any = snap.vector_of(self.anchor_id) if self.anchor_id is not None else None
        if vector is None:
            vector = query_encoder(query or "fashion")
        return snap.rank(mask, vector, k=self.k, exclude=self.exclude, boost=self.boost)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=str(cid), metadata={"catalog_id": cid, "score": score}, id=str(cid))
            for cid, score in self.search(query)
        ]
