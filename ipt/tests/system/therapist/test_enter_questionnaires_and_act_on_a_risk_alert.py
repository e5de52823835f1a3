"""A therapist enters the questionnaires in a session; the client has answered PHQ-9 question 9
with 'Several days'. She sees the alert and the crisis information at once, and acknowledges
the alert with what she did."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.tests.factories import ClientFactory
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.tests.system.helpers import sign_in


def _answer(page, questionnaire: str, question: str, answer: str) -> None:
    page.get_by_role("group", name=questionnaire).get_by_role("group", name=question).get_by_label(
        answer, exact=True
    ).check()


def test_a_therapist_enters_the_questionnaires_and_acknowledges_a_risk_alert(
    page, assert_accessible, service, site
):
    # Given Tessa's client has a session starting now
    tessa = UserFactory(
        username="tessa", first_name="Tessa", last_name="Marlow", service=service, is_therapist=True
    )
    client = ClientFactory(service=service, given_name="Rachel", family_name="Okafor")
    course = open_course(therapist=tessa, site=site, client=client)
    add_appointment(course, starts_at=timezone.now() - dt.timedelta(minutes=5), attendance="")

    # When she enters the questionnaires from the appointment
    sign_in(page, tessa, assert_accessible)
    page.goto(f"/courses/{course.pk}/appointments/")
    page.get_by_role("link", name="Enter questionnaires").first.click()
    assert_accessible(page)
    for number in range(1, 9):
        page.get_by_role("group", name="PHQ-9").get_by_role(
            "group", name=f"{number}. ", exact=False
        ).first.get_by_label("Not at all", exact=True).check()
    _answer(page, "PHQ-9", "9. Thoughts that you would be better off dead", "Several days")
    page.get_by_role("button", name="Save questionnaires").click()

    # Then she is told to answer everything or say she is saving gaps
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Save although some answers are missing").check()
    page.get_by_role("button", name="Save questionnaires").click()

    # And she sees the alert and the crisis information to go through with the client
    expect(page.get_by_role("listitem").filter(has_text="answered 'Several days'")).to_be_visible()
    expect(page.get_by_text("Crisis information for the client")).to_be_visible()
    expect(page.get_by_text("Not answered: question 10 (difficulty)")).to_be_visible()
    assert_accessible(page)

    # And the answers, the correction page and her risk alerts are all there to read
    page.get_by_role("link", name="View the answers to the PHQ-9").click()
    expect(page.get_by_text("Several days (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Correct the answers").click()
    expect(page.get_by_role("heading", name="Correct the PHQ-9")).to_be_visible()
    assert_accessible(page)

    # When she adds the missing difficulty answer as a correction, the PHQ-9 is complete
    page.get_by_role("group", name="10. ", exact=False).first.get_by_label(
        "Somewhat difficult", exact=True
    ).check()
    page.get_by_label("Why are you correcting these answers?").fill(
        "The client answered question 10 after we talked"
    )
    page.get_by_role("button", name="Save correction").click()
    page.goto("/risk-alerts/")
    expect(page.get_by_role("link", name="Rachel Okafor", exact=True)).to_be_visible()
    assert_accessible(page)

    # When she acknowledges the alert with what she did
    page.get_by_role("link", name="Acknowledge the alert for Rachel Okafor").click()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(page.get_by_role("link", name="Enter what you did or will do")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What have you done").fill("Talked it through in the session; safety plan")
    page.get_by_role("button", name="Acknowledge alert").click()

    # Then the client's record no longer shows an open alert
    expect(page.get_by_text("Alert acknowledged for Rachel Okafor")).to_be_visible()
    expect(page.get_by_text("answered 'Several days'")).to_have_count(0)
    # And the record's charts show the scores just entered (complete forms only)
    expect(page.locator("svg.ipt-chart")).to_have_count(3)
    expect(page.locator("circle.ipt-chart__point")).to_have_count(1)  # the corrected PHQ-9
    assert_accessible(page)
