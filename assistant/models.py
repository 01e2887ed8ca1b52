"""A conversation with the assistant and its turns. The dialogue state is one JSON document per conversation."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Conversation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="assistant_conversations")
    # {"filters": Filters.to_public(), "last_shown": [catalog ids], "pending": {...} | null, "query": str}
    state = models.JSONField(default=dict, blank=True)
    turn_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Conversation {self.public_id}"


class TurnRole(models.TextChoices):
    SHOPPER = "shopper", "Shopper"
    ASSISTANT = "assistant", "Assistant"
    ACTION = "action", "Action"


class Turn(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=TurnRole.choices)
    text = models.TextField(blank=True)
    product_ids = models.JSONField(default=list, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "position"], name="assistant_turn_unique_position"),
            models.CheckConstraint(condition=Q(role__in=["shopper", "assistant", "action"]), name="assistant_turn_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:40]}"


# --- shared search index (scale-out mode: ASSISTANT_INDEX_STORE = "database") ----------------------------
# Every machine reads the same rows, so a worker on an empty disk needs only DATABASE_URL and REDIS_URL.
# The embedded default keeps these artifacts as files under TWINSHOP_DATA_DIR (assistant/retrieval/store.py).

class IndexManifest(models.Model):
    """The one row (pk 1) naming what workers serve: the current index version and the stale counter
    (bumped after every committed catalogue change; workers re-read facets when it moves)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveIntegerField(default=0)
    stale_count = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="assistant_indexmanifest_singleton")]

    def __str__(self) -> str:
        return f"index v{self.version} (stale {self.stale_count})"


class IndexVersion(models.Model):
    """One published build: catalogue ids and vectors as .npz bytes (in `data`, or in the object store named by
    ASSISTANT_INDEX_BLOB_STORAGE under `blob_name`), with a sha256 a reader verifies before loading."""

    version = models.PositiveIntegerField(unique=True)
    digest = models.CharField(max_length=32)  # what the catalogue looked like (ids + text hashes)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField(null=True)
    blob_name = models.CharField(max_length=255, blank=True)
    hnsw = models.BinaryField(null=True)  # serialised faiss HNSW graph, large catalogues only
    hnsw_sha256 = models.CharField(max_length=64, blank=True)
    meta = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(sha256=""), name="assistant_indexversion_has_checksum"),
            models.CheckConstraint(condition=Q(data__isnull=False) | ~Q(blob_name=""),
                                   name="assistant_indexversion_has_payload"),
        ]

    def __str__(self) -> str:
        return f"index v{self.version}"


class EmbeddingVector(models.Model):
    """A text's embedding (float32 little-endian bytes), keyed by model and text hash: embedded once for
    every machine."""

    model = models.CharField(max_length=64)
    text_hash = models.CharField(max_length=32)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "text_hash"], name="assistant_embedding_unique_text"),
        ]

    def __str__(self) -> str:
        return f"{self.model}:{self.text_hash}"
