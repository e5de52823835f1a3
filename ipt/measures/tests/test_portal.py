"""Questionnaires in the client portal: one question per page, resume, check, submit once, and
the crisis information when question 9 of the PHQ-9 is answered above 'Not at all'."""

import datetime as dt
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.measures import drafts, services
from ipt.measures.models import EntryMode, PortalDraft, Response, RiskAlert
from ipt.portal import auth
from ipt.portal.models import ClientAccount

from .support import NOW, TODAY_AT_TEN, gad7, phq9, sixth_session, wsas

CRISIS = "call Samaritans free on 116 123"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def sign_in(client, *, invited_by) -> HttpClient:
    """A browser signed in to the portal as `client`, as after the real sign-in."""
    account = ClientAccount.objects.filter(client=client).first() or ClientAccount.objects.create(
        client=client,
        email=f"client{client.pk}@example.com",
        password=make_password("correct horse battery staple"),
        activated_at=timezone.now(),
        created_by=invited_by,
    )
    http = HttpClient()
    session = http.session
    session[auth.ACCOUNT_KEY] = account.pk
    session[auth.HASH_KEY] = auth.session_hash(account)
    session[auth.LAST_SEEN_KEY] = timezone.now().timestamp()
    session.save()
    return http


@pytest.fixture
def appointment(course):
    return sixth_session(course)


@pytest.fixture
def me(course, therapist, appointment):
    return sign_in(course.client, invited_by=therapist)


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _question(appointment, code, item_id, **query) -> str:
    url = reverse(
        "measures:portal_question",
        kwargs={"appointment_pk": appointment.pk, "code": code, "item_id": item_id},
    )
    return url + ("?change=1" if query.get("change") else "")


def _url(name, appointment, code) -> str:
    return reverse(f"measures:{name}", kwargs={"appointment_pk": appointment.pk, "code": code})


def answer(http, appointment, code, answers: dict[str, int]):
    """Answer each question in turn, as the client clicking Continue."""
    last = None
    for key, value in answers.items():
        if key == "work_not_applicable":
            last = http.post(_question(appointment, code, "q1"), {"answer": "not_applicable"})
        else:
            last = http.post(_question(appointment, code, key), {"answer": str(value)})
        assert last.status_code == 302, _text(last)
    return last


def test_it_lists_the_questionnaires_before_the_next_appointment(me, appointment):
    response = me.get(reverse("measures:portal_sets"))
    text = _text(response)

    assert response.status_code == 200
    assert "Before your appointment on Tuesday 24 November 2026 at 10:00" in text
    for name in ("PHQ-9", "GAD-7", "WSAS"):
        assert name in text
    assert text.count("Not started") == 3
    assert _url("portal_start", appointment, "PHQ9") in response.content.decode()


def test_it_shows_which_questionnaires_are_done_and_which_are_in_progress(me, appointment):
    answer(me, appointment, "PHQ9", phq9())
    me.post(_url("portal_check", appointment, "PHQ9"))
    answer(me, appointment, "GAD7", {"q1": 1})

    text = _text(me.get(reverse("measures:portal_sets")))

    assert "Completed" in text
    assert "In progress" in text
    assert "Not started" in text


def test_it_lists_nothing_for_appointments_far_off_cancelled_or_past(course, therapist):
    add_appointment(course, starts_at=NOW - dt.timedelta(hours=2), attendance="")
    add_appointment(course, starts_at=NOW + dt.timedelta(days=1), attendance="4")
    add_appointment(course, starts_at=NOW + dt.timedelta(days=4), attendance="")
    add_appointment(course, kind="review", starts_at=NOW + dt.timedelta(days=2), attendance="")
    http = sign_in(course.client, invited_by=therapist)

    text = _text(http.get(reverse("measures:portal_sets")))

    assert "You have no questionnaires to answer at the moment" in text
    assert "Before your appointment" not in text


def test_it_starts_at_question_1_with_the_phq9_wording_and_a_back_link(me, appointment):
    start = me.get(_url("portal_start", appointment, "PHQ9"))
    assert start.status_code == 302
    assert start.url == _question(appointment, "PHQ9", "q1")

    response = me.get(start.url)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1" in html and "Little interest or pleasure in doing things" in html
    assert "PHQ-9: question 1 of 10" in _text(response)
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert html.count('name="answer"') == 4
    assert "Several days" in html and "Continue" in html
    assert f'href="{reverse("measures:portal_sets")}"' in html


def test_it_links_back_to_the_previous_question(me, appointment):
    answer(me, appointment, "PHQ9", {"q1": 1})

    html = me.get(_question(appointment, "PHQ9", "q2")).content.decode()

    assert f'href="{_question(appointment, "PHQ9", "q1")}"' in html


def test_it_goes_on_to_the_next_question_and_saves_the_answer(me, appointment, course):
    response = me.post(_question(appointment, "PHQ9", "q1"), {"answer": "2"})

    assert response.status_code == 302
    assert response.url == _question(appointment, "PHQ9", "q2")
    draft = PortalDraft.objects.get()
    assert draft.answers == {"q1": 2}
    event = AuditEvent.objects.filter(object_type="measures.portaldraft").get()
    assert event.actor_id is None
    assert event.actor_label == f"client {course.client.reference}"
    assert event.client_id == course.client_id
    assert event.changes == {"q1": [None, 2]}


def test_it_shows_the_answer_already_given_when_going_back(me, appointment):
    answer(me, appointment, "PHQ9", {"q1": 2})

    html = me.get(_question(appointment, "PHQ9", "q1")).content.decode()

    assert re.search(r'value="2"\s+checked', html)


def test_it_asks_for_an_answer_when_none_is_chosen(me, appointment):
    response = me.post(_question(appointment, "PHQ9", "q1"), {})
    html = response.content.decode()

    assert response.status_code == 422
    assert "There is a problem" in html
    assert "Select an answer" in html
    assert "<title>Error: " in html
    assert not PortalDraft.objects.exists()


def test_it_refuses_an_answer_outside_the_choices(me, appointment):
    response = me.post(_question(appointment, "PHQ9", "q1"), {"answer": "7"})

    assert response.status_code == 422
    assert "Select an answer" in response.content.decode()


def test_it_resumes_at_the_first_unanswered_question_after_a_broken_session(
    me, appointment, course, therapist
):
    answer(me, appointment, "PHQ9", {"q1": 1, "q2": 2, "q3": 0})
    # The connection drops; the client signs in again later, in a new browser session.
    again = sign_in(course.client, invited_by=therapist)

    response = again.get(_url("portal_start", appointment, "PHQ9"))

    assert response.url == _question(appointment, "PHQ9", "q4")
    assert "In progress" in _text(again.get(reverse("measures:portal_sets")))


def test_it_does_not_let_a_client_skip_ahead(me, appointment):
    response = me.get(_question(appointment, "PHQ9", "q5"))

    assert response.status_code == 302
    assert response.url == _url("portal_start", appointment, "PHQ9")


def test_it_skips_question_10_when_questions_1_to_9_are_all_not_at_all(me, appointment):
    last = answer(me, appointment, "PHQ9", {f"q{n}": 0 for n in range(1, 10)})

    assert last.url == _url("portal_check", appointment, "PHQ9")
    check = me.get(last.url)
    assert check.status_code == 200
    assert "difficult" not in _text(check)

    me.post(last.url)
    stored = Response.objects.get()
    assert stored.answers == {f"q{n}": 0 for n in range(1, 10)}
    assert stored.is_complete and stored.total == 0


def test_it_asks_question_10_once_any_answer_is_above_not_at_all(me, appointment):
    last = answer(me, appointment, "PHQ9", {f"q{n}": 1 if n == 4 else 0 for n in range(1, 10)})

    assert last.url == _question(appointment, "PHQ9", "q10")
    page = me.get(last.url)
    assert "how difficult have these problems made it for you" in _text(page)
    assert "PHQ-9: question 10 of 10" in _text(page)


def test_it_asks_question_10_after_a_change_makes_the_total_above_0(me, appointment):
    answer(me, appointment, "PHQ9", {f"q{n}": 0 for n in range(1, 10)})

    changed = me.post(_question(appointment, "PHQ9", "q3", change=True), {"answer": "2"})
    check = me.get(changed.url)

    assert check.status_code == 302
    assert check.url == _url("portal_start", appointment, "PHQ9")
    assert me.get(check.url).url == _question(appointment, "PHQ9", "q10")


def test_check_your_answers_lists_each_answer_with_a_change_link(me, appointment):
    answer(me, appointment, "PHQ9", phq9())

    response = me.get(_url("portal_check", appointment, "PHQ9"))
    html = response.content.decode()
    text = _text(response)

    assert response.status_code == 200
    assert "Check your answers" in text
    assert "Feeling down, depressed, or hopeless Several days" in text
    assert text.count("Change your answer to question") == 10
    assert _question(appointment, "PHQ9", "q2", change=True) in html
    assert "Submit" in text


def test_a_change_link_returns_to_check_your_answers(me, appointment):
    answer(me, appointment, "PHQ9", phq9())

    page = me.get(_question(appointment, "PHQ9", "q2", change=True))
    assert f'href="{_url("portal_check", appointment, "PHQ9")}"' in page.content.decode()
    response = me.post(_question(appointment, "PHQ9", "q2", change=True), {"answer": "3"})

    assert response.url == _url("portal_check", appointment, "PHQ9")
    assert "Feeling down, depressed, or hopeless Nearly every day" in _text(me.get(response.url))


def test_submitting_stores_the_response_as_entered_online_by_the_client(me, appointment, course):
    answer(me, appointment, "PHQ9", phq9())

    response = me.post(_url("portal_check", appointment, "PHQ9"))

    assert response.url == _url("portal_done", appointment, "PHQ9")
    stored = Response.objects.get()
    assert stored.entry_mode == EntryMode.CLIENT_ONLINE
    assert stored.submitted_by is None
    assert stored.effective_at == NOW
    assert stored.answers == phq9()
    assert stored.total == 8 and stored.session_number == 6
    assert not PortalDraft.objects.exists()
    event = AuditEvent.objects.get(object_type="measures.response")
    assert event.actor_label == f"client {course.client.reference}"
    assert event.client_id == course.client_id
    assert "Entered the PHQ-9 for session 6 (completed online by the client): total 8" in (
        event.summary
    )


def test_a_double_submit_stores_one_response(me, appointment):
    answer(me, appointment, "PHQ9", phq9())

    first = me.post(_url("portal_check", appointment, "PHQ9"))
    second = me.post(_url("portal_check", appointment, "PHQ9"))
    back_button = me.get(_url("portal_check", appointment, "PHQ9"))

    assert Response.objects.count() == 1
    assert first.url == second.url == back_button.url == _url("portal_done", appointment, "PHQ9")
    assert AuditEvent.objects.filter(object_type="measures.response").count() == 1


def test_submitting_again_through_the_service_returns_the_stored_response(me, appointment, course):

    answer(me, appointment, "PHQ9", phq9())
    first = drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)
    again = drafts.submit(appointment=appointment, instrument_code="PHQ9", by=course.client)

    assert again.pk == first.pk
    assert Response.objects.count() == 1


def test_a_submit_with_a_question_unanswered_goes_back_to_it(me, appointment):
    answer(me, appointment, "PHQ9", {"q1": 1, "q2": 1})

    response = me.post(_url("portal_check", appointment, "PHQ9"))

    assert response.url == _url("portal_start", appointment, "PHQ9")
    assert not Response.objects.exists()


def test_the_confirmation_thanks_the_client_and_says_what_happens_next(me, appointment):
    answer(me, appointment, "PHQ9", phq9())
    me.post(_url("portal_check", appointment, "PHQ9"))

    response = me.get(_url("portal_done", appointment, "PHQ9"))
    html = response.content.decode()
    text = _text(response)

    assert response.status_code == 200
    assert "Thank you, your PHQ-9 answers have been sent" in text
    assert "What happens next" in text
    assert "Continue to the GAD-7" in text
    assert _url("portal_start", appointment, "GAD7") in html
    assert reverse("portal:progress") in html
    assert CRISIS not in text


def test_question_9_above_not_at_all_shows_the_crisis_information_and_raises_an_alert(
    me, appointment, course, therapist
):
    answer(me, appointment, "PHQ9", phq9(q9=2))

    me.post(_url("portal_check", appointment, "PHQ9"))
    text = _text(me.get(_url("portal_done", appointment, "PHQ9")))

    assert "Help in a crisis" in text
    assert CRISIS in text
    alert = RiskAlert.objects.get()
    assert alert.therapist == therapist
    assert alert.flag == "PHQ9_Q9"
    event = AuditEvent.objects.get(object_type="measures.riskalert")
    assert event.actor_label == f"client {course.client.reference}"


def test_the_service_crisis_information_is_shown_once_question_9_is_answered(
    me, appointment, course, manager
):
    services.update_settings(
        service=course.service,
        escalation_hours=24,
        crisis_information="Call the Northshire crisis line on 0800 000 0000",
        by=manager,
    )
    answer(me, appointment, "PHQ9", {f"q{n}": 0 for n in range(1, 9)} | {"q9": 1})

    text = _text(me.get(_question(appointment, "PHQ9", "q10")))

    assert "Call the Northshire crisis line on 0800 000 0000" in text


def test_it_puts_the_crisis_information_above_the_question_as_a_warning_callout(me, appointment):
    answer(me, appointment, "PHQ9", {f"q{n}": 0 for n in range(1, 9)} | {"q9": 1})

    html = me.get(_question(appointment, "PHQ9", "q10")).content.decode()

    callout = html.index("nhsuk-card--warning")
    form = html.rindex("<form", 0, html.index('name="answer"'))
    assert callout < html.index("Help in a crisis", callout) < html.index(CRISIS) < form
    assert html.index(CRISIS) < html.index('name="answer"')


def test_wsas_offers_numbers_and_not_working(me, appointment):
    response = me.get(_question(appointment, "WSAS", "q1"))
    html = response.content.decode()

    assert html.count('name="answer"') == 10
    assert "Not applicable: not working for reasons unrelated to the problem" in html
    assert "0 means no impairment and 8 very severe impairment" in html


def test_wsas_not_working_stores_the_four_other_areas(me, appointment):
    answer(me, appointment, "WSAS", {"work_not_applicable": 1} | wsas(not_working=True))

    me.post(_url("portal_check", appointment, "WSAS"))

    stored = Response.objects.get()
    assert stored.answers == wsas(not_working=True)
    assert stored.is_complete and stored.total == 8


def test_the_last_questionnaire_leads_back_to_the_list(me, appointment):
    for code, answers in (("PHQ9", phq9()), ("GAD7", gad7()), ("WSAS", wsas())):
        answer(me, appointment, code, answers)
        me.post(_url("portal_check", appointment, code))

    text = _text(me.get(_url("portal_done", appointment, "WSAS")))

    assert "Continue to the" not in text
    assert "Back to your questionnaires" in text
    assert Response.objects.count() == 3
    assert "You have sent all the questionnaires" in _text(me.get(reverse("measures:portal_sets")))


def test_the_set_closes_when_the_appointment_starts(appointment, course, therapist, time_machine):
    time_machine.move_to(TODAY_AT_TEN + dt.timedelta(minutes=1), tick=False)
    me = sign_in(course.client, invited_by=therapist)

    page = me.get(_url("portal_start", appointment, "PHQ9"))
    posted = me.post(_question(appointment, "PHQ9", "q1"), {"answer": "1"})

    assert page.status_code == 410
    assert "This questionnaire has closed" in _text(page)
    assert posted.status_code == 410
    assert not PortalDraft.objects.exists()
    assert "no questionnaires to answer" in _text(me.get(reverse("measures:portal_sets")))


def test_a_questionnaire_begun_before_the_appointment_can_be_sent_until_it_ends(
    me, appointment, course, therapist, time_machine
):
    answer(me, appointment, "PHQ9", {f"q{n}": 1 for n in range(1, 6)})
    time_machine.move_to(TODAY_AT_TEN + dt.timedelta(minutes=5), tick=False)
    me = sign_in(course.client, invited_by=therapist)

    listed = _text(me.get(reverse("measures:portal_sets")))
    answer(me, appointment, "PHQ9", {f"q{n}": 1 for n in range(6, 11)})
    sent = me.post(_url("portal_check", appointment, "PHQ9"))

    assert "PHQ-9" in listed and "GAD-7" not in listed
    assert sent.url == _url("portal_done", appointment, "PHQ9")
    assert Response.objects.get().effective_at == TODAY_AT_TEN + dt.timedelta(minutes=5)


def test_a_questionnaire_begun_before_is_closed_once_the_appointment_ends(
    me, appointment, course, therapist, time_machine
):
    answer(me, appointment, "PHQ9", phq9())
    time_machine.move_to(TODAY_AT_TEN + dt.timedelta(hours=1), tick=False)
    me = sign_in(course.client, invited_by=therapist)

    response = me.post(_url("portal_check", appointment, "PHQ9"))

    assert response.status_code == 410
    assert not Response.objects.exists()


def test_a_questionnaire_the_therapist_has_entered_is_shown_as_done(me, appointment, therapist):
    services.submit(
        appointment=appointment,
        instrument_code="PHQ9",
        answers=phq9(),
        entry_mode=EntryMode.THERAPIST_IN_SESSION,
        by=therapist,
    )

    response = me.get(_url("portal_start", appointment, "PHQ9"))

    assert response.url == _url("portal_done", appointment, "PHQ9")


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("portal_start", {}),
        ("portal_check", {}),
        ("portal_done", {}),
        ("portal_question", {"item_id": "q1"}),
    ],
)
def test_another_clients_appointment_is_not_found(name, extra, me, therapist, site):
    theirs = sixth_session(open_course(therapist=therapist, site=site, by=therapist))
    url = reverse(f"measures:{name}", kwargs={"appointment_pk": theirs.pk, "code": "PHQ9", **extra})

    assert me.get(url).status_code == 404
    assert me.post(url, {"answer": "1"}).status_code in (404, 405)
    assert not PortalDraft.objects.exists()
    assert not Response.objects.exists()


def test_another_clients_set_is_not_listed(me, therapist, site):
    sixth_session(open_course(therapist=therapist, site=site, by=therapist))

    text = _text(me.get(reverse("measures:portal_sets")))

    assert text.count("Before your appointment") == 1


def test_an_unknown_questionnaire_or_question_is_not_found(me, appointment):
    assert me.get(_url("portal_start", appointment, "BDI")).status_code == 404
    assert me.get(_question(appointment, "PHQ9", "q11")).status_code == 404


def test_signed_out_visitors_and_staff_are_sent_to_the_portal_sign_in(
    as_user, therapist, appointment
):
    url = reverse("measures:portal_sets")
    for http in (HttpClient(), as_user(therapist)):
        response = http.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("portal:sign_in"))


def test_the_list_reads_a_fixed_number_of_queries(me, course, appointment):

    answer(me, appointment, "PHQ9", {"q1": 1})
    url = reverse("measures:portal_sets")
    with CaptureQueriesContext(connection) as one:
        me.get(url)
    add_appointment(course, starts_at=TODAY_AT_TEN + dt.timedelta(days=2), attendance="")
    with CaptureQueriesContext(connection) as two:
        text = _text(me.get(url))

    assert text.count("Before your appointment") == 2
    assert len(two) == len(one)


def test_the_service_refuses_an_answer_for_someone_elses_appointment(appointment, therapist, site):

    stranger = open_course(therapist=therapist, site=site, by=therapist).client

    with pytest.raises(drafts.DraftRefused):
        drafts.save_answer(
            appointment=appointment, instrument_code="PHQ9", item_id="q1", choice="1", by=stranger
        )
    assert not PortalDraft.objects.exists()
