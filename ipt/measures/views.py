"""Entering questionnaires for an appointment, reading and correcting responses, and risk alerts.

Everything is fetched through `access`, so anyone outside scope (administrators included, for
answers and alerts) gets a 404. Each write is one call to `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ipt.appointments.access import visible_appointments
from ipt.clients.presenters import full_name
from ipt.core.dates import long_datetime
from ipt.core.http import submitted
from ipt.courses.access import variants_for

from . import access, instruments, presenters, services
from .forms import (
    AcknowledgeForm,
    CorrectionForm,
    EnterForm,
    QuestionnaireSetForm,
    SettingsForm,
)
from .instruments.base import InvalidAnswers


def _appointment(request, pk: int):
    appointment = get_object_or_404(
        visible_appointments(request.user).select_related(
            "course__client", "course__service", "course__variant"
        ),
        pk=pk,
    )
    if not access.can_enter_for(request.user, appointment):
        raise Http404
    return appointment


def _instruments(codes):
    return [i for i in (presenters.instrument_for(code) for code in codes) if i is not None]


def _section(form, instrument) -> dict:
    """One questionnaire of a form: its instructions and its questions. Numbers-only answers
    (no wording held) sit in a row; worded answers are stacked."""
    return {
        "instrument": instrument,
        "id": f"questionnaire-{instrument.code.lower()}",
        "instructions": instrument.wording.instructions if instrument.wording else "",
        "scale": presenters.scale_hint(instrument),
        "fields": [
            {"field": field, "inline": not item.options}
            for item, field in zip(instrument.items, form.fields_of(instrument), strict=True)
        ],
    }


@require_http_methods(["GET", "POST"])
def enter(request, pk: int):
    """The appointment's questionnaire set on one page; once saved, the results, any risk
    alert and the crisis information to go through with the client."""
    appointment = _appointment(request, pk)
    course = appointment.course
    responses = list(
        access.visible_responses(request.user)
        .current()
        .filter(appointment=appointment)
        .select_related("submitted_by")
        .order_by("pk")
    )
    entered = {response.instrument_code for response in responses}
    to_enter = _instruments(
        code for code in services.instrument_codes_for(course) if code not in entered
    )
    form = EnterForm(submitted(request), instruments=to_enter) if to_enter else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                saved = services.submit_set(
                    appointment=appointment,
                    answers_by_instrument=form.answers_by_instrument(),
                    entry_mode=form.cleaned_data["entry_mode"],
                    by=request.user,
                )
            except (services.MeasuresRefused, InvalidAnswers) as refused:
                form.add_error(None, str(refused))
            else:
                names = [
                    presenters.instrument_name(presenters.instrument_for(r.instrument_code))
                    for r in saved
                ]
                messages.success(request, f"Saved: {', '.join(names)}")
                return redirect("measures:enter", pk=appointment.pk)
        status = 422
    alerts = list(
        access.visible_alerts(request.user)
        .filter(response__appointment=appointment)
        .select_related("client", "response", "acknowledged_by")
        .order_by("raised_at", "pk")
    )
    crisis = services.settings_for(course.service_id).crisis_information if alerts else ""
    context = {
        "appointment": appointment,
        "course": course,
        "name": full_name(course.client),
        "when": long_datetime(appointment.starts_at),
        "form": form,
        "sections": [_section(form, instrument) for instrument in to_enter] if form else [],
        "cards": presenters.response_cards(responses),
        "alerts": presenters.alert_items(
            alerts, acknowledgeable=access.acknowledgeable(request.user, alerts)
        ),
        "crisis": presenters.crisis_paragraphs(crisis),
    }
    return render(request, "measures/enter.jinja", context, status=status)


def _response(request, pk: int):
    return get_object_or_404(
        access.visible_responses(request.user).select_related(
            "course__client", "course__service", "appointment", "submitted_by"
        ),
        pk=pk,
    )


def _versions(request, response) -> list:
    """Every version of the response's chain, oldest first."""
    # A correction keeps the appointment, questionnaire and time answered of what it corrects.
    chain = access.visible_responses(request.user).filter(
        course_id=response.course_id,
        appointment_id=response.appointment_id,
        instrument_code=response.instrument_code,
        effective_at=response.effective_at,
    )
    return list(chain.select_related("submitted_by").order_by("version", "pk"))


@require_GET
def response_detail(request, pk: int):
    response = _response(request, pk)
    services.record_view(response=response, by=request.user)
    instrument = presenters.instrument_for(response.instrument_code)
    versions = _versions(request, response)
    latest = versions[-1] if versions else response
    alerts = list(
        access.visible_alerts(request.user)
        .filter(response=response)
        .select_related("client", "response", "acknowledged_by")
    )
    context = {
        "response": response,
        "name": full_name(response.course.client),
        "title": presenters.instrument_name(instrument, response.instrument_code),
        "answered": long_datetime(response.effective_at),
        "summary": presenters.summary_rows(response, instrument),
        "answers": presenters.answer_rows(response, instrument) if instrument else [],
        "versions": presenters.version_rows(versions, response),
        "latest": latest if latest.pk != response.pk else None,
        "can_correct": latest.pk == response.pk and access.can_enter(request.user, response.course),
        "alerts": presenters.alert_items(
            alerts, acknowledgeable=access.acknowledgeable(request.user, alerts)
        ),
    }
    return render(request, "measures/response.jinja", context)


@require_http_methods(["GET", "POST"])
def correct(request, pk: int):
    response = _response(request, pk)
    if not access.can_enter(request.user, response.course):
        raise Http404
    versions = _versions(request, response)
    if versions and versions[-1].pk != response.pk:
        return redirect("measures:correct", pk=versions[-1].pk)
    instrument = presenters.instrument_for(response.instrument_code)
    if instrument is None:
        raise Http404
    form = CorrectionForm(
        submitted(request),
        instruments=[instrument],
        answers={instrument.code: response.answers},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                corrected = services.correct(
                    response=response,
                    answers=form.answers(),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except (services.MeasuresRefused, InvalidAnswers) as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    f"The {instrument.name} has been corrected (version {corrected.version})",
                )
                return redirect("measures:response", pk=corrected.pk)
        status = 422
    context = {
        "response": response,
        "name": full_name(response.course.client),
        "title": instrument.name,
        "answered": long_datetime(response.effective_at),
        "form": form,
        "section": _section(form, instrument),
    }
    return render(request, "measures/correct.jinja", context, status=status)


@require_GET
def alerts(request):
    user = request.user
    if not access.can_see_clinical(user):
        raise Http404
    open_alerts = list(
        access.alerts_for_attention(user).select_related("client", "therapist", "response")
    )
    names = {alert.client_id: full_name(alert.client) for alert in open_alerts}
    mine = [alert for alert in open_alerts if alert.therapist_id == user.pk]
    others = [alert for alert in open_alerts if alert.therapist_id != user.pk]
    context = {
        "mine": presenters.alert_rows(mine, names),
        "escalated": presenters.alert_rows(others, names),
    }
    return render(request, "measures/alerts.jinja", context)


@require_http_methods(["GET", "POST"])
def acknowledge(request, pk: int):
    alert = get_object_or_404(
        access.visible_alerts(request.user).select_related(
            "client", "course", "response", "therapist", "acknowledged_by"
        ),
        pk=pk,
    )
    if not access.can_acknowledge(request.user, alert):
        raise Http404
    form = AcknowledgeForm(submitted(request)) if alert.is_open else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.acknowledge(
                    alert=alert, action_note=form.cleaned_data["action_note"], by=request.user
                )
            except services.MeasuresRefused as refused:
                form.add_error("action_note", str(refused))
            else:
                messages.success(request, f"Alert acknowledged for {full_name(alert.client)}")
                return redirect("clients:detail", pk=alert.client_id)
        status = 422
    context = {
        "alert": alert,
        "name": full_name(alert.client),
        "message": presenters.alert_message(alert),
        "status": presenters.alert_status(alert),
        "response_href": presenters.response_href(alert.response),
        "form": form,
    }
    return render(request, "measures/acknowledge.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def settings(request):
    """Service managers set when alerts escalate and the crisis information clients see."""
    user = request.user
    if not (user.is_authenticated and user.is_service_manager and user.service_id):
        raise Http404
    current = services.settings_for(user.service)
    form = SettingsForm(
        submitted(request),
        initial={
            "escalation_hours": current.escalation_hours,
            "crisis_information": current.crisis_information,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_settings(service=user.service, by=user, **form.cleaned_data)
            except services.MeasuresRefused as refused:
                form.add_error(refused.field, str(refused))
            else:
                messages.success(request, "Risk-alert settings saved")
                return redirect("measures:settings")
        status = 422
    return render(request, "measures/settings.jinja", {"form": form}, status=status)


def _require_configure(user) -> None:
    """Service managers and administrators choose their service's questionnaires."""
    if not (
        user.is_authenticated
        and user.service_id
        and (user.is_service_manager or user.is_administrator)
    ):
        raise Http404


def _names(codes) -> str:
    return ", ".join(instruments.get(code).name for code in codes if code in instruments.codes())


@require_GET
def questionnaire_sets(request):
    """The questionnaires before every session: the service's, and each variant's own or not."""
    _require_configure(request.user)
    sets = services.sets_of(request.user.service)
    default = sets.get(None) or list(services.DEFAULT_SET)
    rows = [
        {
            "name": variant.name,
            "href": reverse("measures:set_variant", args=[variant.pk]),
            "questionnaires": _names(sets[variant.pk])
            if variant.pk in sets
            else "The service's questionnaires",
        }
        for variant in variants_for(request.user).order_by("name")
    ]
    context = {"default": _names(default), "rows": rows}
    return render(request, "measures/sets.jinja", context)


@require_http_methods(["GET", "POST"])
def questionnaire_set(request, variant_pk: int | None = None):
    """Choose the questionnaires for the service, or for one IPT variant."""
    _require_configure(request.user)
    user = request.user
    variant = None
    if variant_pk is not None:
        variant = get_object_or_404(variants_for(user), pk=variant_pk)
    sets = services.sets_of(user.service)
    own = sets.get(variant.pk if variant else None)
    current = own or (sets.get(None) if variant else None) or list(services.DEFAULT_SET)
    choices = [(code, instruments.get(code).name) for code in instruments.codes()]
    form = QuestionnaireSetForm(
        submitted(request), choices=choices, initial={"instrument_codes": current}
    )
    status = 200
    if request.method == "POST":
        if variant is not None and "use_service_set" in request.POST:
            services.use_service_set(variant=variant, by=user)
            messages.success(request, f"{variant.name} now uses the service's questionnaires")
            return redirect("measures:sets")
        if form.is_valid():
            try:
                services.configure_set(
                    service=user.service,
                    variant=variant,
                    instrument_codes=form.cleaned_data["instrument_codes"],
                    by=user,
                )
            except services.MeasuresRefused as refused:
                form.add_error("instrument_codes", str(refused))
            else:
                messages.success(request, "Questionnaires saved")
                return redirect("measures:sets")
        status = 422
    context = {"form": form, "variant": variant, "own": own is not None}
    return render(request, "measures/set_form.jinja", context, status=status)
