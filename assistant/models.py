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
