"""A supervisor sees a supervisee's case that is not on track at the top of their supervision
page, opens it and writes what they discussed."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from ipt.clients.tests.factories import ClientFactory
from ipt.courses import services as courses
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.measures import services as measures
from ipt.measures.tests.test_progress import _gad7_total, _phq9_total
from ipt.tests.system.helpers import sign_in


def test_a_supervisor_writes_a_note_about_a_case_not_on_track(
    page, assert_accessible, therapist, supervisor, site
):
    # Given Tessa's client's PHQ-9 has risen by 8 points, and another client is doing well
    worse = open_course(
        therapist=therapist,
        site=site,
        client=ClientFactory(service=therapist.service, given_name="Rachel", family_name="Okafor"),
    )
    better = open_course(
        therapist=therapist,
        site=site,
        client=ClientFactory(service=therapist.service, given_name="Amir", family_name="Aziz"),
    )
    start = timezone.now() - dt.timedelta(weeks=3)
    for course, scores in ((worse, (10, 18)), (better, (16, 9))):
        courses.change_status(course=course, to_status="treatment", by=therapist)
        for week, phq in enumerate(scores):
            appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
            measures.submit_set(
                appointment=appointment,
                answers_by_instrument={"PHQ9": _phq9_total(phq), "GAD7": _gad7_total(6)},
                entry_mode="therapist_in_session",
                by=therapist,
                effective_at=appointment.starts_at,
            )

    # When Sam opens supervision
    sign_in(page, supervisor, assert_accessible)
    page.get_by_role("link", name="Supervision").first.click()
    assert_accessible(page)

    # Then Rachel's case comes first, with the reason
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Rachel Okafor")
    expect(first_row).to_contain_text("reliable deterioration")

    # When he opens it and writes what they discussed
    first_row.get_by_role("link", name="Rachel Okafor").click()
    assert_accessible(page)
    today = timezone.localdate()
    when = page.get_by_role("group", name="Date discussed")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_label("What was discussed").fill(
        "Scores rising since the dispute with Dev escalated; revisit the formulation next session."
    )
    page.get_by_role("button", name="Add the note").click()

    # Then the note is kept on the case
    expect(page.get_by_text("Supervision note added")).to_be_visible()
    expect(page.get_by_text("revisit the formulation next session")).to_be_visible()
    assert_accessible(page)
