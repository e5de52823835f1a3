"""A client accepts the portal invitation, answers PHQ-9, GAD-7 and WSAS one question per page
before tomorrow's session, sees the new point on her progress, tells her therapist how the
homework went and writes in her diary. On a phone and on a desktop, and with JavaScript off."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.tests.factories import ClientFactory
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.measures import services as measures
from ipt.measures.tests.support import phq9
from ipt.notes import services as notes
from ipt.portal import services as portal

PASSWORD = "a long and private passphrase"
PHONE = {"viewport": {"width": 375, "height": 812}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
NO_SCRIPT = {**PHONE, "java_script_enabled": False}


def _answer_until_checked(page, check) -> int:
    """Answer each question with its second choice until the check-your-answers page."""
    questions = 0
    while "/check/" not in page.url:
        page.get_by_role("radio").nth(1).check()
        if questions < 2:
            check(page)
        page.get_by_role("button", name="Continue").click()
        questions += 1
    return questions


@pytest.mark.parametrize(
    "page", [PHONE, DESKTOP, NO_SCRIPT], ids=["phone", "desktop", "no-js"], indirect=True
)
def test_a_client_does_what_is_asked_between_sessions(
    request, page, assert_accessible, service, site
):
    # axe runs in the page, so it checks the pages with JavaScript on, at both widths
    scripted = request.node.callspec.params["page"].get("java_script_enabled", True)
    a11y = assert_accessible if scripted else (lambda _page: None)
    # Given Rachel has had four sessions with Tessa, homework from the last, and one tomorrow
    tessa = UserFactory(
        username="tessa", first_name="Tessa", last_name="Marlow", service=service, is_therapist=True
    )
    client = ClientFactory(
        service=service, given_name="Rachel", family_name="Okafor", email="rachel@example.com"
    )
    course = open_course(therapist=tessa, site=site, client=client)
    start = timezone.now() - dt.timedelta(weeks=4)
    for week in range(4):
        held = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        measures.submit(
            appointment=held,
            instrument_code="PHQ9",
            answers=phq9(each=2) | {"q10": 1},
            entry_mode="therapist_in_session",
            by=tessa,
            effective_at=held.starts_at,
        )
    notes.set_homework(appointment=held, description="Ask Dev to share the school run", by=tessa)
    add_appointment(course, starts_at=timezone.now() + dt.timedelta(days=1), attendance="")
    # (the emailed link names the configured site; the journey follows its path here)
    link = urlsplit(portal.invite(client=client, by=tessa).link).path

    # When she follows the invitation and chooses a password
    page.goto(link)
    a11y(page)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="password").first.click()

    # Then she is home, with her next appointment and what to do before it
    expect(page.get_by_role("heading", name="Hello Rachel")).to_be_visible()
    a11y(page)

    # When she answers the three questionnaires, one question per page
    page.get_by_role("link", name="Fill in your questionnaires").click()
    a11y(page)
    for name in ("PHQ-9", "GAD-7", "WSAS"):
        if name == "PHQ-9":
            page.get_by_role("link", name="PHQ-9").first.click()
        else:
            page.get_by_role("button", name=f"Continue to the {name}").click()
        assert _answer_until_checked(page, a11y) >= 5
        expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
        a11y(page)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"your {name} answers have been sent", exact=False)).to_be_visible()
        a11y(page)

    # Then her progress shows a fifth PHQ-9 score
    page.get_by_role("link", name="My progress").first.click()
    expect(page.locator(".ipt-chart").first.locator(".ipt-chart__point")).to_have_count(5)
    a11y(page)

    # When she tells Tessa how the homework went
    page.goto("/my/homework/")
    page.get_by_role("link", name="Tell us how it went").click()
    page.get_by_label("Yes, I did it").check()
    page.get_by_label("How did it go? (optional)").fill("Dev said yes to Tuesdays")
    a11y(page)
    page.get_by_role("button").filter(has_text="answer").first.click()
    expect(page.get_by_text("Dev said yes to Tuesdays")).to_be_visible()
    a11y(page)

    # And writes in her diary
    page.goto("/my/diary/")
    page.get_by_role("button", name="Add a diary entry").click()
    page.get_by_label("What happened?").fill("Dinner with Dev without arguing")
    page.get_by_role("group", name="How was your mood?").get_by_label("7", exact=True).check()
    a11y(page)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Dinner with Dev without arguing")).to_be_visible()
    expect(page.get_by_text("7 out of 10")).to_be_visible()
    a11y(page)
