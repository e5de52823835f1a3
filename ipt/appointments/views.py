"""A course's appointments, booking and recording them, and the therapist's diary.

Appointments and courses are fetched through `access`, so anyone outside scope gets a 404; writes
also need `access.can_book`. Each write is one call to `services`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ipt.clients.access import can_see_clinical
from ipt.clients.presenters import full_name
from ipt.core.dates import long_date, long_datetime, week_start
from ipt.courses import services as courses
from ipt.courses.access import visible_courses
from ipt.courses.rules import CourseStatus
from ipt.measures import access as measures_access
from ipt.measures import services as measures

from . import access, presenters, services
from .forms import BookForm, BoostersForm, MoveForm, RebookForm, RecordForm, SeriesForm
from .models import FREES_THE_SLOT, REBOOKABLE, Appointment, Kind
from .queries import session_numbers
from .sessions import number_sessions

DIARY_RELATED = ("course__client", "site", "room__site")


def _data(request):
    """The posted form data, or None for a GET (an empty POST is still a submitted form)."""
    return request.POST if request.method == "POST" else None


def _course(request, pk: int, *, write: bool = False):
    course = get_object_or_404(visible_courses(request.user).select_related("service"), pk=pk)
    if write and not access.can_book(request.user, course):
        raise Http404
    return course


def _appointment(request, pk: int, *, write: bool = False) -> Appointment:
    appointment = get_object_or_404(
        access.visible_appointments(request.user).select_related(
            "course__client", "course__service", "course__variant", "therapist", *DIARY_RELATED[1:]
        ),
        pk=pk,
    )
    if write and not access.can_book(request.user, appointment.course):
        raise Http404
    return appointment


def _questionnaire_links(user, course, appointments) -> dict[int, dict[str, str]]:
    """'Enter questionnaires' (or 'Questionnaires' once the set is entered) for each appointment
    that was not cancelled, for those who may enter them; two queries for the whole course."""
    if not measures_access.can_enter(user, course):
        return {}
    wanted = set(measures.instrument_codes_for(course))
    entered: dict[int, set[str]] = {}
    for appointment_id, code in (
        measures_access.visible_responses(user)
        .filter(course=course)
        .values_list("appointment_id", "instrument_code")
    ):
        entered.setdefault(appointment_id, set()).add(code)
    return {
        appointment.pk: {
            "href": reverse("measures:enter", kwargs={"pk": appointment.pk}),
            "text": "Questionnaires"
            if wanted <= entered.get(appointment.pk, set())
            else "Enter questionnaires",
            "hidden": f"for {long_datetime(appointment.starts_at)}",
        }
        for appointment in appointments
        if appointment.attendance not in FREES_THE_SLOT
    }


def _course_context(course, **extra) -> dict:
    return {"course": course, "name": full_name(course.client), **extra}


def _booked_message(appointments: list[Appointment]) -> str:
    first = appointments[0]
    if len(appointments) == 1:
        return f"Appointment booked for {long_datetime(first.starts_at)}"
    return (
        f"{len(appointments)} appointments booked, from {long_datetime(first.starts_at)} "
        f"to {long_datetime(appointments[-1].starts_at)}"
    )


@require_GET
def course_appointments(request, pk: int):
    course = _course(request, pk)
    contract = courses.current_contract(course)
    appointments = list(
        course.appointments.select_related("site", "room__site").order_by("starts_at", "pk")
    )
    numbers = number_sessions(appointments, contract.terms)
    can_book = access.can_book(request.user, course)
    rows = presenters.appointment_rows(appointments, numbers, can_book=can_book)
    links = _questionnaire_links(request.user, course, appointments)
    clinical = can_see_clinical(request.user)
    for appointment, row, number in zip(appointments, rows, numbers, strict=True):
        if appointment.pk in links:
            row["actions"] = [*row["actions"], links[appointment.pk]]
        if clinical and number.number is not None:
            note = {
                "href": reverse("notes:note", kwargs={"pk": appointment.pk}),
                "text": "Session note",
                "hidden": f"for {long_datetime(appointment.starts_at)}",
            }
            row["actions"] = [*row["actions"], note]
    kinds = [a.kind for a in appointments]
    context = _course_context(
        course,
        progress=courses.progress(course, contract).label,
        needs_review=courses.needs_review(course),
        threshold=course.service.consecutive_non_attendances_for_review,
        sessions=[row for row, kind in zip(rows, kinds, strict=True) if kind != Kind.BOOSTER],
        boosters=[row for row, kind in zip(rows, kinds, strict=True) if kind == Kind.BOOSTER],
        can_book=can_book,
        is_open=course.is_open,
        is_completed=course.status == CourseStatus.COMPLETED,
    )
    return render(request, "appointments/course.jinja", context)


def _booking_page(request, course, form, template: str, book, **extra):
    if request.method == "POST" and form.is_valid():
        try:
            booked = book(form)
        except services.AppointmentRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _booked_message(booked))
            return redirect("appointments:course", pk=course.pk)
    status = 422 if form.is_bound else 200
    return render(request, template, _course_context(course, form=form, **extra), status=status)


@require_http_methods(["GET", "POST"])
def book(request, pk: int):
    course = _course(request, pk, write=True)
    contract = courses.current_contract(course)
    form = BookForm(_data(request), course=course, contract=contract)

    def save(form):
        return [
            services.book(
                course=course,
                kind=form.cleaned_data["kind"],
                starts_at=form.starts_at(),
                minutes=form.cleaned_data["minutes"],
                by=request.user,
                **form.arrangement(),
            )
        ]

    return _booking_page(request, course, form, "appointments/book.jinja", save)


@require_http_methods(["GET", "POST"])
def book_series(request, pk: int):
    course = _course(request, pk, write=True)
    if not course.is_open:
        raise Http404
    contract = courses.current_contract(course)
    planned = contract.planned_sessions
    booked = course.appointments.treatment().exclude(attendance__in=sorted(REBOOKABLE)).count()
    form = SeriesForm(_data(request), course=course, contract=contract, remaining=planned - booked)

    def save(form):
        return services.book_series(
            course=course,
            first_starts_at=form.starts_at(),
            count=form.cleaned_data["count"],
            every_days=form.cleaned_data["every_days"],
            minutes=form.cleaned_data["minutes"],
            by=request.user,
            **form.arrangement(),
        )

    return _booking_page(
        request,
        course,
        form,
        "appointments/series.jinja",
        save,
        planned=planned,
        booked=booked,
    )


@require_http_methods(["GET", "POST"])
def boosters(request, pk: int):
    course = _course(request, pk, write=True)
    if course.status != CourseStatus.COMPLETED:
        raise Http404
    contract = courses.current_contract(course)
    form = BoostersForm(_data(request), course=course, contract=contract)

    def save(form):
        return services.schedule_boosters(
            course=course,
            first_starts_at=form.starts_at(),
            count=form.cleaned_data["count"],
            every_days=form.cleaned_data["every_days"],
            minutes=form.cleaned_data["minutes"],
            by=request.user,
            **form.arrangement(),
        )

    return _booking_page(request, course, form, "appointments/boosters.jinja", save)


@require_GET
def detail(request, pk: int):
    appointment = _appointment(request, pk)
    course = appointment.course
    number = session_numbers(request.user, [course.pk])[appointment.pk]
    rebooked_as = appointment.rebooked_as if hasattr(appointment, "rebooked_as") else None
    context = {
        "appointment": appointment,
        "course": course,
        "name": full_name(course.client),
        "when": long_datetime(appointment.starts_at),
        "rows": presenters.detail_rows(
            appointment, number, video_base_url=course.service.video_base_url
        ),
        "actions": presenters.actions(
            appointment,
            can_book=access.can_book(request.user, course),
            rebooked=rebooked_as is not None,
        ),
        "questionnaires": _questionnaire_links(request.user, course, [appointment]).get(
            appointment.pk
        ),
        "rebooked_from": appointment.rebooked_from,
        "rebooked_as": rebooked_as,
        "long_datetime": long_datetime,
    }
    return render(request, "appointments/detail.jinja", context)


def _appointment_context(appointment: Appointment, **extra) -> dict:
    return {
        "appointment": appointment,
        "name": full_name(appointment.course.client),
        "when": long_datetime(appointment.starts_at),
        "kind": presenters.kind_label(appointment),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def move(request, pk: int):
    appointment = _appointment(request, pk, write=True)
    if appointment.attendance:
        raise Http404
    form = MoveForm(_data(request), appointment=appointment)
    was = long_datetime(appointment.starts_at)
    if request.method == "POST" and form.is_valid():
        try:
            services.move(
                appointment=appointment,
                starts_at=form.starts_at(),
                minutes=form.cleaned_data["minutes"],
                by=request.user,
            )
        except services.AppointmentRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(
                request,
                f"Appointment moved from {was} to {long_datetime(appointment.starts_at)}",
            )
            return redirect("appointments:course", pk=appointment.course_id)
    status = 422 if form.is_bound else 200
    context = _appointment_context(appointment, form=form)
    return render(request, "appointments/move.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def record(request, pk: int):
    appointment = _appointment(request, pk, write=True)
    form = RecordForm(_data(request), appointment=appointment)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                appointment=appointment,
                attendance=form.cleaned_data["attendance"],
                reason=form.cleaned_data.get("reason", ""),
                by=request.user,
            )
        except services.AppointmentRefused as refused:
            form.add_refusal(refused)
        else:
            outcome = presenters.outcome_tag(appointment)
            text = outcome["text"].lower() if outcome else ""
            messages.success(
                request, f"Outcome recorded for {long_datetime(appointment.starts_at)}: {text}"
            )
            course = appointment.course
            if courses.needs_review(course):
                messages.warning(
                    request,
                    "The client has missed "
                    f"{course.service.consecutive_non_attendances_for_review} sessions in a row. "
                    "Review the course",
                )
            return redirect("appointments:course", pk=appointment.course_id)
    status = 422 if form.is_bound else 200
    context = _appointment_context(
        appointment,
        form=form,
        correcting=form.correcting,
        not_started=appointment.starts_at - services.EARLY_RECORDING > timezone.now(),
    )
    return render(request, "appointments/record.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def rebook(request, pk: int):
    appointment = _appointment(request, pk, write=True)
    form = RebookForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            again = services.rebook(
                appointment=appointment, starts_at=form.starts_at(), by=request.user
            )
        except services.AppointmentRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, f"Appointment rebooked for {long_datetime(again.starts_at)}")
            return redirect("appointments:course", pk=appointment.course_id)
    status = 422 if form.is_bound else 200
    context = _appointment_context(
        appointment, form=form, outcome=presenters.outcome_text(appointment)
    )
    return render(request, "appointments/rebook.jinja", context, status=status)


def _week(request) -> dt.date:
    text = request.GET.get("week", "")
    if not text:
        return week_start(timezone.localdate())
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if not 2000 <= day.year <= 2100:
        raise Http404
    return week_start(day)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _diary_week(user, owner, monday: dt.date, today: dt.date) -> dict:
    """Today's list and the week's days for one therapist, in a fixed number of queries."""
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    theirs = (
        access.visible_appointments(user).filter(therapist=owner).select_related(*DIARY_RELATED)
    )
    week = list(
        theirs.filter(
            starts_at__gte=_midnight(monday),
            starts_at__lt=_midnight(days[-1] + dt.timedelta(days=1)),
        )
    )
    todays = list(
        theirs.filter(
            starts_at__gte=_midnight(today), starts_at__lt=_midnight(today + dt.timedelta(days=1))
        )
    )
    numbers = session_numbers(user, {a.course_id for a in [*week, *todays]})
    closures = dict(
        owner.service.closure_dates.filter(date__gte=monday, date__lte=days[-1]).values_list(
            "date", "reason"
        )
    )
    return {
        "days": presenters.diary_days(days, week, numbers, closures, today),
        "today": [presenters.diary_item(a, numbers[a.pk]) for a in todays],
    }


def _diary_link(monday: dt.date, owner, user) -> str:
    query = f"?week={monday.isoformat()}"
    if owner.pk != user.pk:
        query += f"&therapist={owner.pk}"
    return reverse("appointments:diary") + query


def _week_link(monday: dt.date, owner, user) -> dict[str, str]:
    return {
        "href": _diary_link(monday, owner, user),
        "label": f"Week beginning {long_date(monday)}",
    }


@require_GET
def diary(request):
    """A therapist's own diary; a service manager may choose any therapist of their service."""
    user = request.user
    chosen = request.GET.get("therapist", "")
    owner = access.diary_owner(user, chosen)
    if owner is None and (chosen or not user.is_service_manager):
        raise Http404
    monday = _week(request)
    today = timezone.localdate()
    context = {
        "owner": owner,
        "heading": presenters.diary_heading(owner, user),
        "week": monday.isoformat(),
        "therapists": presenters.therapist_choices(access.diary_therapists(user), owner),
        "week_heading": f"Week beginning {long_date(monday)}",
        "today_heading": f"Today, {long_date(today)}",
    }
    if owner is not None:
        context |= _diary_week(user, owner, monday, today)
        context |= {
            "previous": _week_link(monday - dt.timedelta(days=7), owner, user),
            "next": _week_link(monday + dt.timedelta(days=7), owner, user),
            "this_week": None
            if monday == week_start(today)
            else _diary_link(week_start(today), owner, user),
        }
    return render(request, "appointments/diary.jinja", context)
