"""The full-page chat. With JavaScript it is the websocket chat; without, the form posts here."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from licensing.transport import stored_session_key, viewer_territory

from . import selectors, services
from .pipeline import chips
from .services import DISCLOSURE, AssistantError


@require_http_methods(["GET", "POST"])
def assistant_page(request: HttpRequest) -> HttpResponse:
    # A made-up or expired cookie gets a session the server issued.
    session_key = stored_session_key(request.session)
    user_id = request.user.pk if request.user.is_authenticated else None
    convo = services.conversation_get_or_create(session_key=session_key, user_id=user_id)
    result = None
    error = None
    status = 200
    if request.method == "POST":
        try:
            # The session middleware saves the cart a turn changed ("add the first one in size 42").
            result = services.conversation_message(conversation=convo, text=str(request.POST.get("text", ""))[:2000],
                                                   session=request.session, session_key=session_key,
                                                   territory=viewer_territory(request.META))
        except AssistantError as exc:
            error, status = exc.message, 400
    turns = selectors.transcript(conversation=convo)
    if result is not None:
        turns = turns[:-1]  # the reply just posted is shown with its cards below, not twice
    # The filters the chat still searches with are said, never silently kept ("start over" clears them).
    kept = [chip["label"] for chip in chips((convo.state or {}).get("filters") or {})]
    # The shop's search hands a query it found nothing for to the chat (shop.search): it waits in the box,
    # sent only when the shopper sends it.
    prefill = " ".join(str(request.GET.get("q", "")).split())[:1000] if request.method == "GET" else ""
    return render(request, "assistant/page.html", {
        "disclosure": DISCLOSURE, "result": result, "error": error, "turns": turns, "kept_filters": kept,
        "prefill": prefill,
    }, status=status)
