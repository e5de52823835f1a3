"""A therapist builds the IPT record of a client in a role dispute: three people in the
interpersonal inventory on their rings, the dispute at impasse, the formulation written and
agreed, then a signed middle-phase note with a role play and homework for next week."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.tests.factories import ClientFactory
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.tests.system.helpers import sign_in

PEOPLE = (
    ("David", "Partner", "Ring 1 (closest)"),
    ("Amara", "Child", "Ring 1 (closest)"),
    ("Lena", "Colleague", "Ring 3 (least close)"),
)


def _add_person(page, name: str, relationship: str, ring: str, check) -> None:
    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("Name or initials").fill(name)
    page.get_by_label("Relationship to the client").select_option(label=relationship)
    page.get_by_role("group", name="How close does the client feel to them?").get_by_label(
        ring
    ).check()
    check(page)
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.get_by_role("heading", name="Interpersonal inventory")).to_be_visible()


def test_a_therapist_builds_the_record_and_signs_a_middle_phase_note(
    page, assert_accessible, service, site
):
    # Given Tessa's client has had the four initial sessions and the fifth is today
    tessa = UserFactory(
        username="tessa", first_name="Tessa", last_name="Marlow", service=service, is_therapist=True
    )
    client = ClientFactory(service=service, given_name="Rachel", family_name="Okafor")
    course = open_course(therapist=tessa, site=site, client=client)
    start = timezone.now() - dt.timedelta(weeks=4, hours=1)
    for week in range(4):
        add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
    add_appointment(course, starts_at=timezone.now() - dt.timedelta(hours=1))

    # When she opens the course and adds three people to the interpersonal inventory
    sign_in(page, tessa, assert_accessible)
    page.goto(f"/courses/{course.pk}/")
    expect(page.get_by_role("heading", name="Before the middle phase")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Interpersonal inventory").click()
    assert_accessible(page)
    for name, relationship, ring in PEOPLE:
        _add_person(page, name, relationship, ring, assert_accessible)

    # Then the closeness circle shows each of them on their ring, drawn and as a list
    circle = page.locator("svg.ipt-chart").first
    expect(circle.locator("g.ipt-circle__person")).to_have_count(3)
    expect(circle.locator('g[data-name="Lena"]')).to_have_attribute("data-ring", "3")
    expect(page.locator(".ipt-circle__list").first).to_contain_text("David")
    assert_accessible(page)

    # When she records the focus: a role dispute with David, at impasse
    page.goto(f"/courses/{course.pk}/focus/")
    page.get_by_role("link", name="Choose the primary problem area").click()
    page.get_by_role("group", name="Problem area").get_by_label("Role dispute").check()
    page.get_by_label("Who the dispute is with").fill("David, her husband")
    page.get_by_role("group", name="Stage of the dispute").first.get_by_label("Impasse").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the problem area").click()
    expect(page.get_by_text("David, her husband").first).to_be_visible()
    expect(page.get_by_text("Impasse").first).to_be_visible()
    assert_accessible(page)

    # And writes the formulation and marks it agreed with Rachel today
    page.get_by_role("link", name="Write the formulation").click()
    page.get_by_label("Clinician's formulation").fill(
        "Depression began as the dispute with David over her return to work reached an impasse."
    )
    page.get_by_label("Formulation for the client").fill(
        "Your low mood started when you and David stopped talking about who does what at home."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save the formulation").click()
    today = timezone.localdate()
    agreed = page.get_by_role("group", name="Date the client agreed it")
    agreed.get_by_label("Day").fill(str(today.day))
    agreed.get_by_label("Month").fill(str(today.month))
    agreed.get_by_label("Year").fill(str(today.year))
    assert_accessible(page)
    page.get_by_role("button", name="Mark as agreed with the client").click()
    expect(page.get_by_text("Agreed with the client").first).to_be_visible()
    assert_accessible(page)

    # When she writes the note of session 5, the first of the middle phase, with a role play
    page.goto(f"/courses/{course.pk}/notes/")
    assert_accessible(page)
    page.get_by_role("link", name="Session 5").click()
    page.get_by_role("button", name="Write the note").click()
    page.get_by_label("How have things been since we last met?").fill(
        "A tense week; one calmer talk with David on Sunday."
    )
    techniques = page.get_by_role("group", name="IPT techniques used")
    techniques.get_by_label("Role play").check()
    page.get_by_label("Scenario").fill("Asking David to share the school runs")
    page.get_by_label("How it went").fill("She stated her need without apologising")
    page.get_by_label("What to try").fill("Say it at a calm time, not at the school gate")
    page.get_by_label("Session narrative").fill("Rehearsed the conversation twice.")
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft").first).to_be_visible()
    assert_accessible(page)

    # And signs it
    page.get_by_role("link", name="Sign the note").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_text("Signed").first).to_be_visible()
    expect(page.get_by_role("link", name="Change the draft")).to_have_count(0)
    expect(page.get_by_text("Asking David to share the school runs")).to_be_visible()

    # And sets homework for next week
    page.get_by_role("link", name="Set homework").click()
    page.get_by_label("Homework task").fill("Practise the request with David once this week")
    assert_accessible(page)
    page.get_by_role("button", name="Set homework").click()
    expect(page.get_by_text("Practise the request with David once this week")).to_be_visible()
    assert_accessible(page)
