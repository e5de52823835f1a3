"""Client lists, client records, referrals, the waiting list and break-glass access.

Every client and referral is fetched through `access`, so anyone outside scope gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ipt.assessments import queries as assessment_queries
from ipt.core.http import submitted
from ipt.courses import access as course_access
from ipt.courses import presenters as course_presenters
from ipt.courses import services as course_services
from ipt.courses.access import can_open_course
from ipt.measures import access as measures_access
from ipt.measures import presenters as measures_presenters
from ipt.measures import progress as measures_progress

from . import access, presenters, services
from .forms import (
    AllocateForm,
    BreakGlassForm,
    ClientForm,
    ClientSearchForm,
    ReferralForm,
    StatusForm,
    WaitingListFilterForm,
)
from .models import ReferralStatus

PAGE_SIZE = 50


def _require_manage(request) -> None:
    if not access.can_manage_referrals(request.user):
        raise Http404


def _risk_alerts(user, alerts, *, name_clients: bool) -> list[dict]:
    """Open risk alerts for the callout at the top of a page, with the links to act on them."""
    alerts = list(alerts)
    names = {a.client_id: presenters.full_name(a.client) for a in alerts} if name_clients else {}
    return measures_presenters.alert_items(
        alerts,
        acknowledgeable=measures_access.acknowledgeable(user, alerts),
        client_names=names,
    )


@dataclass(frozen=True)
class _Window:
    """One page of a list that is never counted: the lists show only previous and next links,
    and counting every client a supervisor may see costs more than the page itself."""

    object_list: list
    number: int
    more: bool

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.more

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _page(request, items):
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, presenters.pagination_params(request.GET, page)


def _uncounted_page(request, items):
    """A page of PAGE_SIZE rows, reading one more to know whether another page follows. A page
    number that is not a number, or past the end, shows the first page."""
    text = request.GET.get("page", "1")
    number = int(text) if text.isdigit() and int(text) >= 1 else 1
    rows = list(items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    if not rows and number > 1:
        number, rows = 1, list(items[: PAGE_SIZE + 1])
    page = _Window(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)
    return page, presenters.pagination_params(request.GET, page)


def _not_on_track(user, clients) -> dict[int, list[str]]:
    """Why each listed client's open course is not on track, for clinicians (by client id)."""
    if not access.can_see_clinical(user):
        return {}
    courses = list(
        course_access.visible_courses(user, among_clients=[c.pk for c in clients]).open()
    )
    reasons = measures_progress.not_on_track_by_course(courses)
    return {c.client_id: reasons[c.pk] for c in courses if reasons.get(c.pk)}


@require_GET
def client_list(request):
    user = request.user
    form = ClientSearchForm(request.GET or None)
    clients = access.caseload(user)
    if form.is_valid() and form.cleaned_data["q"]:
        clients = clients.matching(form.cleaned_data["q"])
    page, pagination = _uncounted_page(request, clients.with_newest_referrals())
    not_on_track = _not_on_track(user, page.object_list)
    context = {
        "alerts": _risk_alerts(user, measures_access.alerts_for_attention(user), name_clients=True),
        "form": form,
        "rows": presenters.client_rows(page.object_list, not_on_track),
        "not_on_track_count": len(not_on_track),
        "page_links": pagination,
        "searched": bool(form.is_valid() and form.cleaned_data["q"]),
        "show_therapist": access.sees_colleagues_clients(user),
        "can_add": access.can_manage_referrals(user),
    }
    return render(request, "clients/list.jinja", context)


@require_http_methods(["GET", "POST"])
def client_new(request):
    _require_manage(request)
    form = ClientForm(submitted(request))
    duplicates: list = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            matches = list(
                services.possible_duplicates(
                    service=request.user.service,
                    nhs_number=data["nhs_number"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    date_of_birth=data["date_of_birth"],
                )
            )
            if not matches or data["not_duplicate"]:
                client = services.register_client(
                    service=request.user.service, by=request.user, **form.client_details()
                )
                messages.success(request, f"{client.full_name} has been registered")
                return redirect("clients:detail", pk=client.pk)
            duplicates = presenters.duplicate_rows(matches)
            form.add_error(
                "not_duplicate",
                "Check the records that may be the same person. If none of them is, "
                "select 'This is a different person'",
            )
        status = 422
    context = {"form": form, "duplicates": duplicates}
    return render(request, "clients/client_form.jinja", context, status=status)


@require_GET
def client_detail(request, pk: int):
    user = request.user
    client = get_object_or_404(access.visible_clients(user).with_referral_history(), pk=pk)
    services.record_view(client=client, by=user)
    today = timezone.localdate()
    can_manage = access.can_manage_referrals(user)
    panels = [
        presenters.referral_panel(
            referral,
            today,
            history=referral.status_changes.all(),
            can_allocate=can_manage,
            can_change_status=access.can_change_status(user, referral),
        )
        for referral in client.newest_referrals
    ]
    courses = list(course_access.visible_courses(user).filter(client=client))
    progress = course_services.progress_of(courses)
    with_course = {course.referral_id for course in courses}
    for referral, panel in zip(client.newest_referrals, panels, strict=True):
        if (
            referral.status == ReferralStatus.ACCEPTED_FOR_IPT
            and referral.pk not in with_course
            and can_open_course(user, referral)
        ):
            panel["actions"].append(course_presenters.open_course_action(referral))
    expiry = None if can_manage else access.break_glass_expiry(user, client)
    alerts = (
        measures_access.visible_alerts(user)
        .open()
        .filter(client=client)
        .select_related("client", "response")
        .order_by("raised_at", "pk")
    )
    context = {
        "alerts": _risk_alerts(user, alerts, name_clients=False),
        "client": client,
        "name": presenters.full_name(client),
        "demographics": presenters.demographic_rows(client, today),
        "contact": presenters.contact_rows(client),
        "emergency_contact": presenters.emergency_contact_rows(client),
        "gp": presenters.gp_rows(client),
        "referrals": panels,
        "courses": [course_presenters.course_panel(c, progress[c.pk]) for c in courses],
        "can_manage": can_manage,
        "break_glass_until": presenters.date_and_time(expiry),
    }
    if courses and access.can_see_clinical(user):
        # The most recent course's charts and outcome, as on its own page.
        context["scores"] = measures_progress.panel(courses[0])
        context["circle"] = assessment_queries.circle_for_course(courses[0])
        context["inventory_href"] = reverse("assessments:inventory", args=[courses[0].pk])
    return render(request, "clients/detail.jinja", context)


@require_http_methods(["GET", "POST"])
def client_edit(request, pk: int):
    _require_manage(request)
    client = get_object_or_404(access.visible_clients(request.user), pk=pk)
    form = ClientForm(submitted(request), client=client)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.update_client(client=client, by=request.user, **form.client_details())
            messages.success(request, "The client's details have been updated")
            return redirect("clients:detail", pk=client.pk)
        status = 422
    context = {"form": form, "client": client, "name": presenters.full_name(client)}
    return render(request, "clients/client_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def referral_new(request, pk: int):
    _require_manage(request)
    client = get_object_or_404(access.visible_clients(request.user), pk=pk)
    sites = client.service.sites.active()
    form = ReferralForm(submitted(request), sites=sites)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.add_referral(client=client, by=request.user, **form.cleaned_data)
            messages.success(request, "The referral has been added")
            return redirect("clients:detail", pk=client.pk)
        status = 422
    context = {"form": form, "client": client, "name": presenters.full_name(client)}
    return render(request, "clients/referral_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def referral_allocate(request, pk: int):
    _require_manage(request)
    referral = get_object_or_404(
        access.visible_referrals(request.user).select_related("client"), pk=pk
    )
    therapists = access.therapists_for_allocation(referral.service_id)
    form = AllocateForm(
        submitted(request),
        therapists=therapists,
        initial={"therapist": referral.allocated_therapist_id},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.allocate(
                    referral=referral, therapist=form.cleaned_data["therapist"], by=request.user
                )
            except services.ClientsError as refused:
                form.add_error("therapist", str(refused))
            else:
                messages.success(
                    request,
                    f"The referral has been allocated to {referral.allocated_therapist}",
                )
                return redirect("clients:detail", pk=referral.client_id)
        status = 422
    context = {
        "form": form,
        "referral": referral,
        "client": referral.client,
        "name": presenters.full_name(referral.client),
        "received_on": presenters.long_date(referral.received_on),
        "therapists_available": therapists.exists(),
    }
    return render(request, "clients/allocate.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def referral_status(request, pk: int):
    referral = get_object_or_404(
        access.visible_referrals(request.user).select_related("client"), pk=pk
    )
    if not access.can_change_status(request.user, referral):
        raise Http404
    form = StatusForm(submitted(request), referral=referral)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_status(
                    referral=referral,
                    to_status=form.cleaned_data["to_status"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except services.ClientsError as refused:
                form.add_error("to_status", str(refused))
            else:
                label = presenters.status_label(referral.status).lower()
                messages.success(request, f"The referral is now {label}")
                return redirect("clients:detail", pk=referral.client_id)
        status = 422
    context = {
        "form": form,
        "referral": referral,
        "client": referral.client,
        "name": presenters.full_name(referral.client),
        "received_on": presenters.long_date(referral.received_on),
        "current_status": presenters.status_label(referral.status),
        "is_closed": not referral.next_statuses,
    }
    return render(request, "clients/status.jinja", context, status=status)


@require_GET
def waiting_list(request):
    _require_manage(request)
    sites = request.user.service.sites.active()
    form = WaitingListFilterForm(request.GET or None, sites=sites)
    status = 422 if form.is_bound and not form.is_valid() else 200
    referrals = form.narrow(access.waiting_list(request.user))
    page, pagination = _page(request, referrals)
    context = {
        "form": form,
        "rows": presenters.waiting_list_rows(page.object_list, timezone.localdate()),
        "page_links": pagination,
        "total": page.paginator.count,
    }
    return render(request, "clients/waiting_list.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def break_glass(request):
    form = BreakGlassForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            client = access.find_for_break_glass(request.user, form.cleaned_data["identifier"])
            if client is None:
                form.add_error("identifier", "No client in your service matches")
            else:
                try:
                    services.break_glass(
                        user=request.user, client=client, reason=form.cleaned_data["reason"]
                    )
                except services.ClientsError as refused:
                    form.add_error("identifier", str(refused))
                else:
                    return redirect("clients:detail", pk=client.pk)
        status = 422
    return render(request, "clients/break_glass.jinja", {"form": form}, status=status)


@require_GET
def break_glass_log(request):
    if not request.user.is_service_manager:
        raise Http404
    page, pagination = _page(request, access.break_glass_log(request.user))
    context = {
        "rows": presenters.break_glass_rows(page.object_list, timezone.now()),
        "page_links": pagination,
    }
    return render(request, "clients/break_glass_log.jinja", context)
