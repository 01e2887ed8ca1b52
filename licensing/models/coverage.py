"""A token that says "which twins may wear which products" has changed, kept by the database itself."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class CoverageToken(models.Model):
    """One row. Triggers (licensing/db.py) give it a new random token whenever a row that decides coverage
    changes: a grant's status, window, terms or twin; a grant reaching its view cap; a twin, its talent or
    its poses. Whatever wrote the change (a service, the admin, a data migration, a test factory), and
    in the same transaction, so a reader that caches coverage under the token it read first never keeps
    stale coverage past the next read. A random token rather than a counter: a rolled-back transaction
    restores the old value, and a counter would then hand out the same number twice."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="coveragetoken_single_row")]

    def __str__(self) -> str:
        return f"coverage token {self.token}"
