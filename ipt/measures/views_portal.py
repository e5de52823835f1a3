"""Questionnaires in the client portal: one question per page, check your answers, submit.

Every appointment is reached through `client_appointments(request)`, so another client's
appointment is a 404. Answers are saved as the client goes (`drafts.save_answer`); submitting
(`drafts.submit`) stores one response however often it is sent.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ipt.core.http import submitted
from ipt.portal.auth import client_appointments, client_required

from . import drafts, portal_flow, presenters, services
from .forms import PortalAnswerForm
from .models import EntryMode

CLOSED = 410
CRISIS_HEADING = "Help in a crisis"


def _appointment(request, appointment_pk: int):
    appointment = (
        client_appointments(request)
        .select_related("course__service")
        .filter(pk=appointment_pk)
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def _questionnaire(request, appointment_pk: int, code: str):
    appointment = _appointment(request, appointment_pk)
    instrument = drafts.instrument_of(appointment, code)
    if instrument is None:
        raise Http404
    return appointment, instrument


def _url(name: str, appointment, instrument, item_id: str | None = None) -> str:
    kwargs = {"appointment_pk": appointment.pk, "code": instrument.code}
    if item_id is not None:
        kwargs["item_id"] = item_id
    return reverse(f"measures:{name}", kwargs=kwargs)


def _progress_href() -> str:
    try:
        return reverse("portal:progress")
    except NoReverseMatch:
        return ""


def _crisis(request) -> list:
    text = services.settings_for(request.client.service_id).crisis_information
    return presenters.crisis_paragraphs(text)


def _closed(request, appointment):
    context = {"when": presenters.appointment_when(appointment.starts_at)}
    return render(request, "measures/portal/closed.jinja", context, status=CLOSED)


@client_required
@require_GET
def sets(request):
    """The questionnaires to complete before the client's next appointments."""
    now = timezone.now()
    context = {"sets": presenters.portal_sets(drafts.sets_for(client_appointments(request), now))}
    return render(request, "measures/portal/sets.jinja", context)


@client_required
@require_GET
def start(request, appointment_pk: int, code: str):
    """Where the client carries on: the first unanswered question, or checking their answers."""
    appointment, instrument = _questionnaire(request, appointment_pk, code)
    if drafts.response_of(appointment, instrument.code) is not None:
        return redirect(_url("portal_done", appointment, instrument))
    draft = drafts.draft_of(appointment, instrument.code)
    if not drafts.can_continue(appointment, draft):
        return _closed(request, appointment)
    item = portal_flow.first_unanswered(instrument, draft.answers if draft else {})
    if item is None:
        return redirect(_url("portal_check", appointment, instrument))
    return redirect(_url("portal_question", appointment, instrument, item.id))


@client_required
@require_http_methods(["GET", "POST"])
def question(request, appointment_pk: int, code: str, item_id: str):
    """One question, as radios, with a back link to the one before."""
    appointment, instrument = _questionnaire(request, appointment_pk, code)
    if item_id not in {item.id for item in instrument.items}:
        raise Http404
    if drafts.response_of(appointment, instrument.code) is not None:
        return redirect(_url("portal_done", appointment, instrument))
    draft = drafts.draft_of(appointment, instrument.code)
    if not drafts.can_continue(appointment, draft):
        return _closed(request, appointment)
    answers = draft.answers if draft else {}
    if not portal_flow.can_ask(instrument, answers, item_id):
        return redirect(_url("portal_start", appointment, instrument))
    item = instrument.item(item_id)
    changing = request.GET.get("change") == "1"
    form = PortalAnswerForm(
        submitted(request),
        label=portal_flow.question_heading(instrument, item),
        choices=portal_flow.choices(instrument, item),
        initial={"answer": portal_flow.current_choice(instrument, item, answers)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = drafts.save_answer(
                    appointment=appointment,
                    instrument_code=instrument.code,
                    item_id=item.id,
                    choice=form.cleaned_data["answer"],
                    by=request.client,
                )
            except drafts.DraftRefused as refused:
                form.add_error("answer", str(refused))
            else:
                following = portal_flow.neighbour(instrument, saved.answers, item.id, 1)
                if changing or following is None:
                    return redirect(_url("portal_check", appointment, instrument))
                return redirect(_url("portal_question", appointment, instrument, following.id))
        status = 422
    previous = portal_flow.neighbour(instrument, answers, item.id, -1)
    if changing:
        back = _url("portal_check", appointment, instrument)
    elif previous is not None:
        back = _url("portal_question", appointment, instrument, previous.id)
    else:
        back = reverse("measures:portal_sets")
    context = {
        "form": form,
        "instrument": instrument,
        "caption": portal_flow.question_caption(instrument, answers, item),
        "instructions": portal_flow.instructions_for(instrument, item),
        "scale": presenters.scale_hint(instrument),
        "inline": not item.options,
        "back": back,
        # Still shown once a risk answer was given, even if the client has changed it back.
        "crisis": _crisis(request)
        if portal_flow.has_risk(instrument, answers) or (draft and draft.risk_answers)
        else [],
        "crisis_heading": CRISIS_HEADING,
    }
    return render(request, "measures/portal/question.jinja", context, status=status)


@client_required
@require_http_methods(["GET", "POST"])
def check(request, appointment_pk: int, code: str):
    """Check your answers, with a Change link for each; submitting sends them."""
    appointment, instrument = _questionnaire(request, appointment_pk, code)
    if request.method == "POST":
        try:
            drafts.submit(
                appointment=appointment, instrument_code=instrument.code, by=request.client
            )
        except drafts.DraftRefused:
            draft = drafts.draft_of(appointment, instrument.code)
            if not drafts.can_continue(appointment, draft):
                return _closed(request, appointment)
            return redirect(_url("portal_start", appointment, instrument))
        return redirect(_url("portal_done", appointment, instrument))
    if drafts.response_of(appointment, instrument.code) is not None:
        return redirect(_url("portal_done", appointment, instrument))
    draft = drafts.draft_of(appointment, instrument.code)
    if not drafts.can_continue(appointment, draft):
        return _closed(request, appointment)
    if draft is None or portal_flow.first_unanswered(instrument, draft.answers) is not None:
        return redirect(_url("portal_start", appointment, instrument))
    last = portal_flow.questions(instrument, draft.answers)[-1]
    context = {
        "instrument": instrument,
        "rows": portal_flow.check_rows(
            instrument,
            draft.answers,
            lambda item_id: _url("portal_question", appointment, instrument, item_id) + "?change=1",
        ),
        "back": _url("portal_question", appointment, instrument, last.id),
        "crisis": _crisis(request)
        if portal_flow.has_risk(instrument, draft.answers) or draft.risk_answers
        else [],
        "crisis_heading": CRISIS_HEADING,
    }
    return render(request, "measures/portal/check.jinja", context)


@client_required
@require_GET
def done(request, appointment_pk: int, code: str):
    """Thanks, what happens next, the next questionnaire if any, and the crisis information at
    once when the answers raised a risk flag. Says so honestly when the answers were sent
    automatically, or when the therapist had already recorded the questionnaire (and whether
    the client's risk answers were passed on to them)."""
    appointment, instrument = _questionnaire(request, appointment_pk, code)
    response = drafts.response_of(appointment, instrument.code)
    if response is None:
        return redirect(_url("portal_start", appointment, instrument))
    following = next(
        (
            entry
            for entry in drafts.set_of(appointment)
            if entry.status != "done" and entry.code != instrument.code
        ),
        None,
    )
    next_href = ""
    if following is not None and drafts.is_open(appointment):
        next_href = reverse(
            "measures:portal_start",
            kwargs={"appointment_pk": appointment.pk, "code": following.code},
        )
    passed_on = drafts.passed_on(response)
    recorded_by_therapist = response.entry_mode != EntryMode.CLIENT_ONLINE
    sent_automatically = drafts.was_sent_automatically(response)
    if recorded_by_therapist:
        heading = f"Your therapist has already recorded the {instrument.name} for this appointment"
    elif sent_automatically:
        heading = f"Your {instrument.name} answers were sent to your therapist automatically"
    else:
        heading = f"Thank you, your {instrument.name} answers have been sent"
    context = {
        "instrument": instrument,
        "when": presenters.appointment_when(appointment.starts_at),
        "next_name": following.name if next_href and following else "",
        "next_href": next_href,
        "progress_href": _progress_href(),
        "crisis": _crisis(request) if response.flags or passed_on else [],
        "crisis_heading": CRISIS_HEADING,
        "heading": heading,
        "recorded_by_therapist": recorded_by_therapist,
        "sent_automatically": sent_automatically,
        "passed_on": passed_on,
    }
    return render(request, "measures/portal/done.jinja", context)
