"""A proposer takes back a proposal the talent has not signed yet."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from licensing.models import ConsentEventKind, ConsentGrant, GrantStatus

from .consent import _event


def grant_withdraw(*, grant: ConsentGrant, user: User) -> ConsentGrant:
    """Withdraw a proposal: only its proposer, only while it awaits the signature (a compare-and-swap
    on the status, so a signature that lands first wins). Recorded as a revocation by the proposer."""
    at = timezone.now()
    with transaction.atomic():
        current = ConsentGrant.objects.select_for_update().get(pk=grant.pk)
        if current.proposed_by_id is None or current.proposed_by_id != user.pk:
            raise PermissionError("Only whoever proposed a consent can withdraw it.")
        updated = ConsentGrant.objects.filter(pk=current.pk, status=GrantStatus.PROPOSED).update(
            status=GrantStatus.REVOKED, revoked_at=at)
        if updated != 1:
            raise ValidationError("This proposal is no longer waiting for a signature.")
        current.refresh_from_db()
        _event(current, kind=ConsentEventKind.REVOKED, actor=user, at=at,
               data={"was": GrantStatus.PROPOSED, "withdrawn_by_proposer": True})
    return current
