"""The questionnaire and risk-alert pages for each persona: happy paths, outsiders, invalid input."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markupsafe import escape

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import open_course
from ipt.measures import services
from ipt.measures.models import EntryMode, MeasuresSettings, Response, RiskAlert

from .support import NOW, form_data, gad7, phq9, sixth_session, wsas


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def appointment(course):
    return sixth_session(course)


@pytest.fixture
def response(appointment, therapist):
    return services.submit(
        appointment=appointment,
        instrument_code="PHQ9",
        answers=phq9(q9=1),
        entry_mode=EntryMode.THERAPIST_IN_SESSION,
        by=therapist,
    )


@pytest.fixture
def alert(response):
    return RiskAlert.objects.get()


def _page(response) -> str:
    return response.content.decode()


def _text(response) -> str:
    """The page's words without markup, spaces collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(response)))


def _enter(appointment) -> str:
    return reverse("measures:enter", kwargs={"pk": appointment.pk})


FULL_SET = {"PHQ9": phq9(), "GAD7": gad7(), "WSAS": wsas()}
CRISIS = "call Samaritans free on 116 123"


def test_it_shows_the_set_with_a_fieldset_per_questionnaire(as_user, therapist, appointment):
    response = as_user(therapist).get(_enter(appointment))
    html = _page(response)

    assert response.status_code == 200
    assert html.count("<h1") == 1
    for name in ("PHQ-9", "GAD-7", "WSAS"):
        assert f'<h2 class="nhsuk-fieldset__heading">{name}</h2>' in html
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "9. Thoughts that you would be better off dead" in html
    assert html.count('name="PHQ9-q1"') == 4
    assert html.count('name="WSAS-q2"') == 9
    assert "Not applicable: not working for reasons unrelated to the problem" in html
    assert "0 means no impairment and 8 very severe impairment" in html
    assert "Save although some answers are missing" in html
    assert 'type="radio"' in html and "<legend" in html


def test_it_saves_the_set_and_shows_the_results(as_user, therapist, appointment):
    http = as_user(therapist)
    response = http.post(_enter(appointment), form_data(FULL_SET))

    assert response.status_code == 302
    assert response["Location"] == _enter(appointment)
    assert Response.objects.count() == 3
    assert not RiskAlert.objects.exists()
    text = _text(http.get(response["Location"]))
    assert "Saved: PHQ-9, GAD-7, WSAS" in text
    assert "PHQ-9 Total score 8 Severity band Mild Risk flags None" in text
    assert "Session 6 · middle phase" in text
    assert CRISIS not in text
    assert "Save questionnaires" not in text


def test_it_shows_the_alert_and_the_crisis_information_after_question_9(
    as_user, therapist, appointment
):
    http = as_user(therapist)
    data = form_data(FULL_SET | {"PHQ9": phq9(q9=1)})
    html = _page(http.get(http.post(_enter(appointment), data)["Location"]))

    assert "nhsuk-card--warning" in html
    assert (
        escape(
            "PHQ-9 question 9 (thoughts that you would be better off dead or of hurting yourself in "
            "some way): answered 'Several days' on Tuesday 24 November 2026."
        )
        in html
    )
    assert "Crisis information for the client" in html and CRISIS in html
    assert reverse("measures:acknowledge", kwargs={"pk": RiskAlert.objects.get().pk}) in html
    assert not re.search(r"\b(low|medium|high) risk\b|risk score", html, re.IGNORECASE)


def test_it_shows_the_services_own_crisis_information(as_user, therapist, appointment, service):
    MeasuresSettings.objects.create(service=service, crisis_information="Ring the crisis team")
    http = as_user(therapist)
    data = form_data(FULL_SET | {"PHQ9": phq9(q9=3)})
    html = _page(http.get(http.post(_enter(appointment), data)["Location"]))
    assert "Ring the crisis team" in html and CRISIS not in html


def test_it_refuses_gaps_unless_told_to_save_them(as_user, therapist, appointment):
    data = form_data(FULL_SET | {"PHQ9": phq9(leave_out=("q3",)), "WSAS": {}})
    response = as_user(therapist).post(_enter(appointment), data)

    assert response.status_code == 422
    assert "Some questions in the PHQ-9 and WSAS have no answer" in _page(response)
    assert not Response.objects.exists()


def test_it_saves_an_incomplete_set_when_told_to_and_says_why(as_user, therapist, appointment):
    http = as_user(therapist)
    data = form_data(FULL_SET | {"PHQ9": phq9(leave_out=("q3",)), "WSAS": {}}, save_incomplete="on")
    html = _page(http.get(http.post(_enter(appointment), data)["Location"]))

    assert Response.objects.filter(is_complete=False).count() == 2
    assert "Incomplete" in html
    assert "Not answered: question 3 (sleep)" in html
    assert "No questions were answered" in html
    assert "Not scored: the questionnaire is incomplete" in html


def test_it_records_a_wsas_for_someone_not_working(as_user, therapist, appointment):
    data = form_data(FULL_SET | {"WSAS": wsas(4, not_working=True)})
    as_user(therapist).post(_enter(appointment), data)
    saved = Response.objects.get(instrument_code="WSAS")
    assert saved.answers == {"q2": 4, "q3": 4, "q4": 4, "q5": 4, "work_not_applicable": 1}
    assert saved.total == 16


@pytest.mark.parametrize(
    "changes",
    [{"PHQ9-q1": "4"}, {"GAD7-q2": "many"}, {"WSAS-q2": "not_applicable"}, {"entry_mode": "fax"}],
)
def test_it_refuses_invalid_answers_with_422_and_saves_nothing(
    as_user, therapist, appointment, changes
):
    response = as_user(therapist).post(_enter(appointment), form_data(FULL_SET) | changes)
    assert response.status_code == 422
    assert "There is a problem" in _page(response)
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(object_type="measures.response").exists()


def test_it_offers_only_what_is_still_to_enter(as_user, therapist, appointment, response):
    html = _page(as_user(therapist).get(_enter(appointment)))
    assert 'name="PHQ9-q1"' not in html and 'name="GAD7-q1"' in html
    assert "Still to enter" in html


def test_it_refuses_a_post_when_everything_is_entered(as_user, therapist, appointment):
    http = as_user(therapist)
    http.post(_enter(appointment), form_data(FULL_SET))
    assert http.post(_enter(appointment), form_data(FULL_SET)).status_code == 404
    assert Response.objects.count() == 3


def test_it_shows_a_response_with_its_answers_and_audits_the_view(as_user, therapist, response):
    page = as_user(therapist).get(reverse("measures:response", kwargs={"pk": response.pk}))
    html = _page(page)

    assert page.status_code == 200
    assert html.count("<h1") == 1
    assert "PHQ-9 answered Tuesday 24 November 2026, 09:00" in html
    assert "Several days (1)" in html and "Somewhat difficult (1)" in html
    assert "Total score 9 Severity band Mild" in _text(page)
    assert escape("answered 'Several days'") in html
    assert "Entered by the therapist in the session" in html
    assert "Correct the answers" in html
    event = AuditEvent.objects.get(action="view", object_type="measures.response")
    assert event.client_id == response.client_id and event.actor == therapist


def test_it_shows_every_version_and_points_old_ones_to_the_latest(as_user, therapist, response):
    corrected = services.correct(
        response=response, answers=phq9(q9=2), reason="Misread", by=therapist
    )
    html = _page(as_user(therapist).get(reverse("measures:response", kwargs={"pk": response.pk})))
    assert "This version has been corrected" in html
    assert reverse("measures:response", kwargs={"pk": corrected.pk}) in html
    assert "Misread" in html and "First entry" in html
    assert "Correct the answers" not in html


def test_it_corrects_a_response(as_user, therapist, response):
    http = as_user(therapist)
    url = reverse("measures:correct", kwargs={"pk": response.pk})
    form = _page(http.get(url))
    assert re.search(r'name="PHQ9-q9"[^>]*value="1"[^>]*checked', form)

    reply = http.post(url, form_data({"PHQ9": phq9(q9=0)}, reason="Wrong box ticked"))

    corrected = Response.objects.current().get()
    assert reply["Location"] == reverse("measures:response", kwargs={"pk": corrected.pk})
    assert corrected.version == 2 and corrected.supersedes == response
    html = _page(http.get(reply["Location"]))
    assert "The PHQ-9 has been corrected (version 2)" in html
    assert RiskAlert.objects.get().is_open


def test_it_refuses_a_correction_without_a_reason(as_user, therapist, response):
    url = reverse("measures:correct", kwargs={"pk": response.pk})
    reply = as_user(therapist).post(url, form_data({"PHQ9": phq9(q9=0)}, reason=""))
    assert reply.status_code == 422
    assert "Enter the reason for the correction" in _page(reply)
    assert Response.objects.count() == 1


def test_it_sends_a_correction_of_an_old_version_to_the_latest(as_user, therapist, response):
    corrected = services.correct(
        response=response, answers=phq9(q9=2), reason="Misread", by=therapist
    )
    reply = as_user(therapist).get(reverse("measures:correct", kwargs={"pk": response.pk}))
    assert reply["Location"] == reverse("measures:correct", kwargs={"pk": corrected.pk})


def test_it_lists_the_users_alerts_and_those_escalated_to_them(
    as_user, therapist, supervisor, alert
):
    html = _page(as_user(therapist).get(reverse("measures:alerts")))
    assert "answered &#39;Several days&#39;" in html
    assert "No open risk alerts have been escalated to you" in html

    assert "None of your clients" in _page(as_user(supervisor).get(reverse("measures:alerts")))
    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    html = _page(as_user(supervisor).get(reverse("measures:alerts")))
    assert "answered &#39;Several days&#39;" in html and "Escalated on" in html


def test_it_acknowledges_an_alert(as_user, therapist, alert):
    http = as_user(therapist)
    url = reverse("measures:acknowledge", kwargs={"pk": alert.pk})
    assert "Acknowledge the risk alert" in _page(http.get(url))

    reply = http.post(url, {"action_note": "Called the client; safety plan reviewed"})

    assert reply["Location"] == reverse("clients:detail", kwargs={"pk": alert.client_id})
    alert.refresh_from_db()
    assert alert.acknowledged_by == therapist
    html = _page(http.get(reply["Location"]))
    assert "Alert acknowledged for" in html and "nhsuk-card--warning" not in html
    after = _page(http.get(url))
    assert "Called the client; safety plan reviewed" in after and "<textarea" not in after
    assert http.post(url, {"action_note": "Again"}).status_code == 404


def test_it_refuses_an_acknowledgement_without_a_note(as_user, therapist, alert):
    url = reverse("measures:acknowledge", kwargs={"pk": alert.pk})
    reply = as_user(therapist).post(url, {"action_note": "  "})
    assert reply.status_code == 422
    assert "Enter what you did or will do about the client&#39;s safety" in _page(reply)
    alert.refresh_from_db()
    assert alert.is_open


def test_the_caseload_opens_with_the_therapists_open_alerts(as_user, therapist, alert):
    html = _page(as_user(therapist).get(reverse("clients:list")))
    callout = html.index("nhsuk-card--warning")
    assert html.index("<h1") < callout < html.index("<table")
    assert escape("answered 'Several days'") in html
    assert reverse("measures:acknowledge", kwargs={"pk": alert.pk}) in html


def test_the_supervisor_sees_an_alert_on_their_caseload_once_escalated(as_user, supervisor, alert):
    url = reverse("clients:list")
    assert "nhsuk-card--warning" not in _page(as_user(supervisor).get(url))
    services.escalate_due(now=NOW + dt.timedelta(hours=24))
    html = _page(as_user(supervisor).get(url))
    assert "nhsuk-card--warning" in html and "Escalated on" in html


@pytest.mark.parametrize("persona", ["administrator", "other_therapist", "outsider"])
def test_nobody_else_sees_the_alert_on_their_caseload(request, as_user, alert, persona):
    html = _page(as_user(request.getfixturevalue(persona)).get(reverse("clients:list")))
    assert "nhsuk-card--warning" not in html and "Several days" not in html


def test_the_client_record_shows_open_alerts(as_user, therapist, supervisor, alert):
    url = reverse("clients:detail", kwargs={"pk": alert.client_id})
    html = _page(as_user(therapist).get(url))
    assert html.index("<h1") < html.index("nhsuk-card--warning")
    assert escape("answered 'Several days' on Tuesday 24 November 2026") in html
    # The supervisor sees it too, and may acknowledge it.
    html = _page(as_user(supervisor).get(url))
    assert reverse("measures:acknowledge", kwargs={"pk": alert.pk}) in html


def test_the_client_record_hides_alerts_from_administrators(as_user, administrator, alert):
    html = _page(
        as_user(administrator).get(reverse("clients:detail", kwargs={"pk": alert.client_id}))
    )
    assert "nhsuk-card--warning" not in html and "Several days" not in html


def test_appointments_link_to_their_questionnaires(as_user, therapist, course, appointment):
    link = _enter(appointment)
    http = as_user(therapist)
    detail = _page(http.get(reverse("appointments:detail", kwargs={"pk": appointment.pk})))
    assert f'href="{link}">Enter questionnaires' in detail
    listing = _page(http.get(reverse("appointments:course", kwargs={"pk": course.pk})))
    assert f'href="{link}">Enter questionnaires' in listing

    http.post(link, form_data(FULL_SET))
    detail = _page(http.get(reverse("appointments:detail", kwargs={"pk": appointment.pk})))
    assert f'href="{link}">Questionnaires<' in detail


def test_administrators_get_no_questionnaire_links(as_user, administrator, appointment):
    html = _page(
        as_user(administrator).get(reverse("appointments:detail", kwargs={"pk": appointment.pk}))
    )
    assert _enter(appointment) not in html


PAGES = [
    ("enter", "appointment"),
    ("response", "response"),
    ("correct", "response"),
    ("acknowledge", "alert"),
]


@pytest.mark.parametrize("persona", ["other_therapist", "outsider", "administrator"])
@pytest.mark.parametrize(("name", "thing"), PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_answers_and_alerts_from_outsiders(
    request, as_user, alert, persona, name, thing, method
):
    if name == "response" and method == "post":
        return
    pk = request.getfixturevalue(thing).pk
    http = as_user(request.getfixturevalue(persona))
    data = form_data(FULL_SET, reason="x", action_note="x", save_incomplete="on")
    reply = getattr(http, method)(reverse(f"measures:{name}", kwargs={"pk": pk}), data)
    assert reply.status_code == 404
    assert Response.objects.count() == 1
    assert RiskAlert.objects.get().is_open


def test_it_hides_the_alerts_page_from_administrators(as_user, administrator, alert):
    assert as_user(administrator).get(reverse("measures:alerts")).status_code == 404


def test_it_shows_an_outsider_none_of_our_alerts(as_user, outsider, alert):
    html = _page(as_user(outsider).get(reverse("measures:alerts")))
    assert "Several days" not in html


def test_a_manager_sets_the_escalation_time_and_crisis_information(as_user, manager, service):
    http = as_user(manager)
    url = reverse("measures:settings")
    assert 'value="24"' in _page(http.get(url))

    reply = http.post(url, {"escalation_hours": "12", "crisis_information": "Call 999"})

    assert reply["Location"] == url
    assert "Risk-alert settings saved" in _page(http.get(url))
    saved = MeasuresSettings.objects.get(service=service)
    assert (saved.escalation_hours, saved.crisis_information) == (12, "Call 999")


def test_it_refuses_invalid_settings_with_422(as_user, manager):
    reply = as_user(manager).post(
        reverse("measures:settings"), {"escalation_hours": "0", "crisis_information": ""}
    )
    assert reply.status_code == 422
    html = _page(reply)
    assert "Enter a number of hours between 1 and 168" in html
    assert "Enter the crisis information" in html
    assert not MeasuresSettings.objects.exists()


@pytest.mark.parametrize("persona", ["therapist", "administrator", "outsider"])
def test_only_managers_of_the_service_change_the_settings(request, as_user, persona):
    http = as_user(request.getfixturevalue(persona))
    if persona == "outsider":
        http.post(
            reverse("measures:settings"), {"escalation_hours": "1", "crisis_information": "x"}
        )
        assert not MeasuresSettings.objects.exclude(
            service=request.getfixturevalue(persona).service
        ).exists()
        return
    assert http.get(reverse("measures:settings")).status_code == 404


def _count_queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["clients:list", "measures:alerts"])
def test_pages_listing_alerts_take_the_same_queries_however_many(
    as_user, therapist, site, alert, name
):
    http = as_user(therapist)
    url = reverse(name)
    one = _count_queries(http, url)
    for _ in range(3):
        services.submit(
            appointment=sixth_session(open_course(therapist=therapist, site=site)),
            instrument_code="PHQ9",
            answers=phq9(q9=2),
            entry_mode=EntryMode.CLIENT_ONLINE,
            by=None,
        )
    assert _count_queries(http, url) == one
    assert _page(http.get(url)).count("More than half the days") == 3
