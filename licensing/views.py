"""Talent and agency pages. Thin: access checks here, reads in selectors, writes in services."""
from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from itertools import islice

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import selectors
from .concentration import talent_eligible_share
from .consent_diff import TermRow, terms_diff
from .forms import STATEMENT_YEARS, ConsentAmendForm, ConsentProposalForm, ConsentSignForm, StatementMonthForm
from .models import Agency, ConsentGrant, DigitalTwin, GrantStatus, Talent
from .services import can_propose_for, grant_amend, grant_propose, grant_revoke, grant_sign
from .services.withdrawal import grant_withdraw
from .transport import client_ip


def _user(request: HttpRequest) -> User:
    """Every view that acts for someone requires a login (its decorator); narrowed here for the type checker."""
    assert isinstance(request.user, User)
    return request.user


def _add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: field errors where the form has that field, else general."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _diff(grant: ConsentGrant) -> list[TermRow]:
    """The amendment's terms next to the version it replaces; empty for a first version."""
    if grant.previous_id is None:
        return []
    previous = ConsentGrant.objects.select_related("brand").get(pk=grant.previous_id)
    return terms_diff(old=previous, new=grant)


def _talent_or_404(request: HttpRequest) -> Talent:
    talent = selectors.talent_for_user(user=request.user)
    if talent is None:
        raise Http404("No talent profile for this account.")
    return talent


def _grant_or_404(talent: Talent, grant_id: int):
    grant = selectors.talent_grant_or_none(talent=talent, grant_id=grant_id)
    if grant is None:
        raise Http404("No such consent.")
    return grant


@login_required
def talent_dashboard(request: HttpRequest) -> HttpResponse:
    talent = _talent_or_404(request)
    summary = selectors.earnings_summary(talent=talent)
    # The chart shows the currency the talent earned most in; the others are in the totals and statements.
    chart_currency = max(summary["all_time"], key=lambda m: m.net).currency
    daily = selectors.daily_earnings(talent=talent, currency=chart_currency, days=30)
    pending = selectors.talent_grants(talent=talent).filter(status=GrantStatus.PROPOSED).count()
    return render(request, "licensing/talent/dashboard.html", {
        "talent": talent,
        "summary": summary,
        "chart_currency": chart_currency,
        "by_brand": selectors.earnings_by(talent=talent, dimension="brand"),
        "by_payer": selectors.earnings_by(talent=talent, dimension="payer"),
        "exposure": _eligible_share_30d(talent),
        "by_product": selectors.earnings_by(talent=talent, dimension="product"),
        "by_twin": selectors.earnings_by(talent=talent, dimension="twin"),
        "daily": daily,
        "bars": selectors.chart_bars(daily),
        "breakdown": selectors.view_breakdown(talent=talent),
        "recent": selectors.recent_views(talent=talent, limit=25),
        "statements": selectors.monthly_statements(talent=talent),
        "pending_count": pending,
    })


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(cell: str) -> str:
    # Spreadsheet formula injection: catalogue text could start with "=".
    return "'" + cell if cell.startswith(_FORMULA_PREFIXES) and not _is_number(cell) else cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(*, talent: Talent, month: date | None) -> Iterator[str]:
    writer = csv.writer(_Echo())
    return (writer.writerow([_csv_safe(c) for c in row]) for row in selectors.csv_rows(talent=talent, month=month))


async def _in_batches(lines: Iterator[str], size: int = 500) -> AsyncIterator[str]:
    """Under ASGI Django would list() a sync iterator whole before sending it: read the rows a batch at a time
    on the request's sync thread instead (its database connection), so memory stays one batch."""
    while chunk := await sync_to_async(lambda: "".join(islice(lines, size)))():
        yield chunk


@login_required
def talent_earnings_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    talent = _talent_or_404(request)
    form = StatementMonthForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("month must look like 2026-11 (years 2000 to 2100)", content_type="text/plain")
    month = form.cleaned_data["month"]
    lines = _csv_lines(talent=talent, month=month)
    suffix = f"-{month:%Y-%m}" if month else ""
    response = StreamingHttpResponse(_in_batches(lines) if isinstance(request, ASGIRequest) else lines,
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="twinshop-earnings{suffix}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def talent_statement(request: HttpRequest, year: int, month: int) -> HttpResponse:
    talent = _talent_or_404(request)
    if not (1 <= month <= 12 and year in STATEMENT_YEARS):
        raise Http404("No such month.")
    first = date(year, month, 1)
    statements = selectors.monthly_statements(talent=talent, month=first)
    if not statements:
        raise Http404("No statement for that month.")
    return render(request, "licensing/talent/statement.html", {
        "talent": talent, "month": first, "statements": statements,
    })


@login_required
def talent_consents(request: HttpRequest) -> HttpResponse:
    talent = _talent_or_404(request)
    grants = list(selectors.talent_grants(talent=talent).order_by("status", "brand__name", "-version"))
    order = {GrantStatus.PROPOSED: 0, GrantStatus.SIGNED: 1, GrantStatus.REVOKED: 2, GrantStatus.EXPIRED: 3,
             GrantStatus.SUPERSEDED: 4}
    grants.sort(key=lambda g: (order.get(g.status, 9), g.brand.name, -g.version))
    return render(request, "licensing/talent/consents.html", {
        "talent": talent, "grants": grants, "history": selectors.consent_history(talent=talent, limit=60),
    })


@login_required
def talent_consent_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    talent = _talent_or_404(request)
    grant = _grant_or_404(talent, grant_id)
    return render(request, "licensing/talent/consent_detail.html", {
        "talent": talent, "grant": grant, "events": grant.events.order_by("at", "pk"), "diff": _diff(grant),
    })


@login_required
@require_http_methods(["GET", "POST"])
def talent_consent_sign(request: HttpRequest, grant_id: int) -> HttpResponse:
    talent = _talent_or_404(request)
    grant = _grant_or_404(talent, grant_id)
    if grant.status != GrantStatus.PROPOSED:
        messages.info(request, "This consent is not waiting for your signature.")
        return redirect("licensing:talent_consent_detail", grant_id=grant.pk)
    status = 200
    if request.method == "POST":
        form = ConsentSignForm(request.POST)
        if form.is_valid():
            try:
                grant_sign(grant=grant, user=_user(request), typed_name=form.cleaned_data["typed_name"],
                           shown_terms_sha256=form.cleaned_data["terms_sha256"],
                           ip=client_ip(request.META) or None, user_agent=request.META.get("HTTP_USER_AGENT", ""))
            except PermissionError:
                raise Http404("No such consent.") from None
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, f"You signed consent #{grant.pk} for {grant.payer_label}.")
                return redirect("licensing:talent_consents")
        status = 400
    else:
        form = ConsentSignForm(initial={"terms_sha256": grant.terms_sha256})
    return render(request, "licensing/talent/consent_sign.html",
                  {"talent": talent, "grant": grant, "form": form, "diff": _diff(grant)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def talent_consent_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    talent = _talent_or_404(request)
    grant = _grant_or_404(talent, grant_id)
    if grant.status not in (GrantStatus.SIGNED, GrantStatus.PROPOSED):
        messages.info(request, "This consent is no longer active.")
        return redirect("licensing:talent_consent_detail", grant_id=grant.pk)
    if request.method == "POST":
        try:
            grant_revoke(grant=grant, user=_user(request))
        except PermissionError:
            raise Http404("No such consent.") from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("licensing:talent_consent_detail", grant_id=grant.pk)
        verb = "declined" if grant.status == GrantStatus.PROPOSED else "revoked"
        messages.success(request, f"Consent #{grant.pk} for {grant.payer_label} is {verb}. "
                                  "Your twin is no longer shown under it, starting with the next view.")
        return redirect("licensing:talent_consents")
    return render(request, "licensing/talent/consent_revoke.html", {"talent": talent, "grant": grant})


# --- agency -------------------------------------------------------------------------------------


def _agencies_or_404(request: HttpRequest) -> list[Agency]:
    agencies = selectors.agencies_for_user(user=request.user)
    if not agencies:
        raise Http404("No agency for this account.")
    return agencies


@login_required
def agency_dashboard(request: HttpRequest) -> HttpResponse:
    agencies = _agencies_or_404(request)
    sections = [
        {"agency": a, "roster": selectors.agency_roster(agency=a),
         "statements": selectors.monthly_statements(agency=a)[:12],
         "proposals": a.proposed_grants.filter(status=GrantStatus.PROPOSED).select_related("twin__talent", "brand")
                      .prefetch_related("listed_brands")}
        for a in agencies
    ]
    return render(request, "licensing/agency/dashboard.html", {"sections": sections})


@login_required
def agency_talent(request: HttpRequest, talent_id: int) -> HttpResponse:
    agencies = _agencies_or_404(request)
    for agency in agencies:
        talent = selectors.agency_roster_talent(agency=agency, talent_id=talent_id)
        if talent is not None:
            break
    else:
        raise Http404("Not on your roster.")
    grants = selectors.talent_grants(talent=talent).order_by("brand__name", "-version")
    return render(request, "licensing/agency/talent.html", {
        "agency": agency, "talent": talent, "grants": grants,
        "statements": selectors.monthly_statements(talent=talent, agency=agency),
        "exposure": _eligible_share_30d(talent),
    })


def _eligible_share_30d(talent: Talent):
    now = timezone.now()
    return talent_eligible_share(talent=talent, start=now - timedelta(days=30), end=now)


# --- proposing consents (agency staff for their roster, shop staff for any twin) -------------------


@login_required
@require_http_methods(["GET", "POST"])
def consent_propose(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agencies_for_user(user=request.user)
    allow_shop = bool(request.user.is_staff)
    if not agencies and not allow_shop:
        raise Http404("Only agencies and shop staff propose consents.")
    twins = DigitalTwin.objects.filter(is_active=True).select_related("talent").order_by("name")
    if not allow_shop:
        today = timezone.now().date()
        twins = twins.filter(Q(talent__representations__agency__in=agencies,
                               talent__representations__start__lte=today,
                               talent__representations__end__gte=today)).distinct()
    agency_qs = Agency.objects.filter(pk__in=[a.pk for a in agencies])
    status = 200
    if request.method == "POST":
        form = ConsentProposalForm(request.POST, twins=twins, agencies=agency_qs, allow_shop=allow_shop)
        if form.is_valid():
            try:
                grant = grant_propose(proposed_by=_user(request), **form.service_kwargs())
            except PermissionError:
                form.add_error("twin", "You may not propose consents for this talent.")
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, f"Proposed consent #{grant.pk}. It takes effect only when "
                                          f"{grant.twin.talent.display_name} signs it.")
                return redirect(reverse("licensing:agency_dashboard") if agencies else "/admin/licensing/consentgrant/")
        status = 400
    else:
        form = ConsentProposalForm(twins=twins, agencies=agency_qs, allow_shop=allow_shop,
                                   initial={"agency": agencies[0].pk if agencies and not allow_shop else None})
    return render(request, "licensing/consent_propose.html", {"form": form}, status=status)


def _proposable_grant_or_404(request: HttpRequest, grant_id: int) -> tuple[ConsentGrant, list[Agency]]:
    """A grant the user may propose terms for (shop staff: any; agency staff: their roster's), else 404."""
    agencies = selectors.agencies_for_user(user=request.user)
    grant = ConsentGrant.objects.filter(pk=grant_id).select_related("twin__talent", "brand").first()
    today = timezone.now().date()
    if grant is None or not (request.user.is_staff or grant.proposed_by_id == request.user.pk or any(
            can_propose_for(user=_user(request), twin=grant.twin, agency=a, on=today) for a in agencies)):
        raise Http404("No such consent.")
    return grant, agencies


@login_required
def consent_proposal(request: HttpRequest, grant_id: int) -> HttpResponse:
    """A consent as its proposer sees it: the terms, what an amendment changes, the talent's answer."""
    grant, _ = _proposable_grant_or_404(request, grant_id)
    return render(request, "licensing/consent_proposal.html", {
        "grant": grant, "diff": _diff(grant), "events": grant.events.order_by("at", "pk"),
        "can_withdraw": grant.status == GrantStatus.PROPOSED and grant.proposed_by_id == request.user.pk,
    })


@login_required
@require_http_methods(["POST"])
def consent_withdraw(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant, _ = _proposable_grant_or_404(request, grant_id)
    try:
        grant_withdraw(grant=grant, user=_user(request))
    except PermissionError:
        raise Http404("No such consent.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You withdrew proposal #{grant.pk}; {grant.twin.talent.display_name} "
                                  "no longer sees it as waiting for a signature.")
    return redirect("licensing:consent_proposal", grant_id=grant.pk)


@login_required
@require_http_methods(["GET", "POST"])
def consent_amend(request: HttpRequest, grant_id: int) -> HttpResponse:
    """New terms for a signed consent. The talent must sign them; the current version stays until then."""
    grant, agencies = _proposable_grant_or_404(request, grant_id)
    if grant.proposed_by_id == request.user.pk and not request.user.is_staff and not any(
            can_propose_for(user=_user(request), twin=grant.twin, agency=a, on=timezone.now().date()) for a in agencies):
        raise Http404("No such consent.")  # a former proposer who may no longer propose for this talent
    if grant.status != GrantStatus.SIGNED:
        messages.info(request, "Only a signed consent can be amended.")
        return redirect("licensing:agency_dashboard" if agencies else "licensing:consent_propose")
    agency_qs = Agency.objects.filter(pk__in=[a.pk for a in agencies])
    form_kwargs = {"twins": DigitalTwin.objects.none(), "agencies": agency_qs, "allow_shop": bool(request.user.is_staff),
                   "grant": grant}
    status = 200
    if request.method == "POST":
        form = ConsentAmendForm(request.POST, **form_kwargs)
        if form.is_valid():
            terms = form.service_kwargs()
            agency = terms.pop("agency")
            try:
                new = grant_amend(grant=grant, proposed_by=_user(request), agency=agency, **terms)
            except PermissionError:
                form.add_error("agency", "You may not propose consents for this talent.")
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, f"Proposed version {new.version} of consent #{grant.pk}. Version "
                                          f"{grant.version} stays in force until {grant.twin.talent.display_name} signs.")
                return redirect("licensing:agency_dashboard" if agencies else "/admin/licensing/consentgrant/")
        status = 400
    else:
        initial = {"agency": agencies[0].pk} if agencies and not request.user.is_staff else {}
        form = ConsentAmendForm(initial=initial, **form_kwargs)
    return render(request, "licensing/consent_propose.html", {"form": form, "amending": grant}, status=status)
