"""The client portal: signing in, the home page, appointments, progress and homework.

Every page reaches data through `request.client` and the scopes in `auth` / `queries`, so a
client never sees anything of anyone else's (404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipt.accounts.views import safe_next
from ipt.appointments import ics
from ipt.appointments.models import FREES_THE_SLOT
from ipt.appointments.presenters import join_rows
from ipt.notes import services as notes_services

from . import kept, navigation, presenters, queries, services
from .auth import client_required, end_session, portal_page, start_session
from .forms import (
    ChangeRequestForm,
    ForgottenPasswordForm,
    HomeworkAnswerForm,
    SetPasswordForm,
    SignInForm,
)

LOCKED = 429


def idle_minutes() -> int:
    """How long idle signs a client out, in whole minutes (settings.CLIENT_IDLE_TIMEOUT)."""
    return round(settings.CLIENT_IDLE_TIMEOUT.total_seconds() / 60)


def _crisis(request) -> list:
    client = request.client
    return queries.crisis_blocks(client.service_id if client is not None else None)


@portal_page
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.client is not None:
        return redirect(safe_next(request, fallback="portal:home"))
    form = SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = services.sign_in(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
            if result.locked:
                return render(request, "portal/locked.jinja", {}, status=LOCKED)
            if result.account is not None:
                typed = kept.carried(request.session)
                start_session(request, result.account)
                back_to = kept.carry(request.session, typed, account_id=result.account.pk)
                return redirect(safe_next(request, fallback=back_to or "portal:home"))
            form.add_error(None, "Enter a correct email address and password")
        status = 422
    context = {
        "form": form,
        "timed_out": "timed_out" in request.GET,
        "idle_minutes": idle_minutes(),
        "next": request.GET.get("next", request.POST.get("next", "")),
    }
    return render(request, "portal/sign_in.jinja", context, status=status)


@portal_page
@require_POST
def sign_out(request):
    if request.client_account is not None:
        services.sign_out(account=request.client_account)
    end_session(request)
    return redirect("portal:sign_in")


@portal_page
@require_http_methods(["GET", "POST"])
def accept(request, token: str):
    """The invitation link: set a password (twice), then straight in."""
    invitation = services.find_invitation(token)
    problem = services.invitation_problem(invitation)
    if problem is not None or invitation is None:
        status = 404 if invitation is None else 410
        return render(request, "portal/link_problem.jinja", {"problem": problem}, status=status)
    form = SetPasswordForm(
        request.POST if request.method == "POST" else None, account=invitation.account
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.accept_invitation(
                token=token, password=form.cleaned_data["password"]
            )
        except services.PortalRefused as refused:
            return render(
                request, "portal/link_problem.jinja", {"problem": str(refused)}, status=410
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            start_session(request, account)
            messages.success(request, "Your password is set. You are signed in")
            return redirect("portal:home")
    status = 422 if form.errors else 200
    context = {"form": form, "heading": "Set your password", "intro": True}
    return render(request, "portal/set_password.jinja", context, status=status)


@portal_page
@require_http_methods(["GET", "POST"])
def forgotten_password(request):
    form = ForgottenPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            services.request_password_reset(email=form.cleaned_data["email"])
            return render(request, "portal/reset_sent.jinja", {"email": form.cleaned_data["email"]})
        return render(request, "portal/forgotten_password.jinja", {"form": form}, status=422)
    return render(request, "portal/forgotten_password.jinja", {"form": form})


@portal_page
@require_http_methods(["GET", "POST"])
def reset(request, uidb64: str, token: str):
    account = services.account_for_reset(uidb64, token)
    if account is None:
        problem = "This link has expired or has already been used. Ask for a new one"
        context = {"problem": problem, "ask_again": True}
        return render(request, "portal/link_problem.jinja", context, status=410)
    form = SetPasswordForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.reset_password(
                account=account, token=token, password=form.cleaned_data["password"]
            )
        except services.PortalRefused as refused:
            return render(
                request, "portal/link_problem.jinja", {"problem": str(refused)}, status=410
            )
        start_session(request, account)
        messages.success(request, "Your new password is set. You are signed in")
        return redirect("portal:home")
    status = 422 if form.errors else 200
    context = {"form": form, "heading": "Choose a new password", "intro": False}
    return render(request, "portal/set_password.jinja", context, status=status)


@portal_page
@require_GET
def crisis(request):
    """Where to get help now: the client's service's crisis information, or the NHS defaults."""
    return render(request, "portal/crisis.jinja", {"crisis": _crisis(request)})


@client_required
@require_GET
def home(request):
    course = queries.current_course(request)
    upcoming = queries.next_appointment(request)
    progress_label = ""
    if course is not None and course.is_open:
        progress_label = queries.course_progress(course).label.split(" · ")[0]
    context = {
        "course": course,
        "progress_label": progress_label,
        "next": presenters.appointment_summary(upcoming, timezone.now()) if upcoming else None,
        "next_appointment": upcoming,
        "join": join_rows(upcoming, video_base_url=upcoming.course.service.video_base_url)
        if upcoming
        else [],
        "homework": queries.homework_due(course),
        "questionnaires_href": navigation.href("measures:portal_sets"),
        "diary_href": navigation.href("diaries:portal_list"),
        "crisis": _crisis(request),
    }
    return render(request, "portal/home.jinja", context)


@client_required
@require_GET
def appointments(request):
    now = timezone.now()
    upcoming, past = queries.appointments_split(request)
    asked = queries.open_request_appointment_ids(request)
    context = {
        "upcoming": [
            {
                "appointment": a,
                "summary": presenters.appointment_summary(a, now),
                "join": join_rows(a, video_base_url=a.course.service.video_base_url),
                "asked": a.pk in asked,
            }
            for a in upcoming
        ],
        "past": [
            {"appointment": a, "summary": presenters.appointment_summary(a, now)} for a in past
        ],
    }
    return render(request, "portal/appointments.jinja", context)


def _own_appointment(request, pk: int):
    appointment = queries.appointment_for(request, pk)
    if appointment is None:
        raise Http404
    return appointment


@client_required
@require_GET
def appointment_ics(request, pk: int):
    """One appointment as a calendar file. Nothing clinical goes in it."""
    appointment = _own_appointment(request, pk)
    service = appointment.course.service.name
    event = ics.appointment_event(
        appointment,
        summary=f"{presenters.appointment_title(appointment)} with {service}",
        description=f"Your appointment with {appointment.therapist.display_name}.",
    )
    if appointment.attendance in FREES_THE_SLOT:  # cancelled, by the client or the service
        event.add("status", "CANCELLED")
    response = HttpResponse(
        ics.calendar_of([event]).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@client_required
@require_http_methods(["GET", "POST"])
def change_appointment(request, pk: int):
    """Ask to cancel or move an upcoming appointment; the therapist deals with it."""
    appointment = _own_appointment(request, pk)
    now = timezone.now()
    if appointment.starts_at < now or appointment.attendance:
        raise Http404
    form = ChangeRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_to_change(
                client=request.client,
                appointment=appointment,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except services.PortalRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(
                request, "Your request has been sent. Your therapist will contact you about it"
            )
            return redirect("portal:appointments")
    context = {
        "form": form,
        "appointment": appointment,
        "summary": presenters.appointment_summary(appointment, now),
    }
    return render(
        request, "portal/change_appointment.jinja", context, status=422 if form.errors else 200
    )


@client_required
@require_GET
def progress(request):
    course = queries.current_course(request)
    view = queries.progress_of(course) if course is not None else None
    return render(request, "portal/progress.jinja", {"view": view})


@client_required
@require_GET
def homework(request):
    """The tasks set at the last session, each with the client's answer or a link to give one."""
    course = queries.current_course(request)
    rows = presenters.homework_rows(queries.homework_due(course))
    return render(request, "portal/homework.jinja", {"tasks": rows})


@client_required
@require_http_methods(["GET", "POST"])
def homework_answer(request, pk: int):
    """Say whether they did one task and how it went; changeable until the therapist reviews it."""
    task = queries.homework_task_for(request, pk)
    if task is None:
        raise Http404
    initial = {"outcome": task.client_outcome, "reflection": task.client_reflection}
    if request.portal_kept is not None:
        initial |= kept.initial_from(HomeworkAnswerForm(), request.portal_kept)
        messages.info(request, kept.MESSAGE)
    form = HomeworkAnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notes_services.record_client_homework(
                task=task,
                outcome=form.cleaned_data["outcome"],
                reflection=form.cleaned_data["reflection"],
                client=request.client,
            )
        except notes_services.NotesRefused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(
                request,
                "Your answer has been saved. Your therapist will see it before your session",
            )
            return redirect("portal:homework")
    context = {"form": form, "task": task, "answer": presenters.homework_answer(task)}
    return render(
        request, "portal/homework_answer.jinja", context, status=422 if form.errors else 200
    )
