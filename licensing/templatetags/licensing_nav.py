"""`{% licensing_nav_links %}`: "My earnings" / "Agency" links in the header, for whoever they apply to."""
from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from licensing.models import Agency, Talent

register = template.Library()


@register.inclusion_tag("licensing/_nav_links.html", takes_context=True)
def licensing_nav_links(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_talent": False, "is_agency": False}
    cached = getattr(request, "_licensing_roles", None)
    if cached is None:
        # One query for both roles.
        cached = (
            get_user_model().objects.filter(pk=user.pk)
            .values_list(Exists(Talent.objects.filter(user=OuterRef("pk"))),
                         Exists(Agency.objects.filter(staff=OuterRef("pk"))))
            .first()
        ) or (False, False)
        request._licensing_roles = cached
    return {"is_talent": cached[0], "is_agency": cached[1]}


@register.filter
def money4(value) -> str:
    """A ledger amount at its 4 decimal places."""
    try:
        return f"{value:.4f}"
    except (TypeError, ValueError):
        return ""
