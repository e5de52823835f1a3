"""A therapist opens a course from an accepted referral, books its sixteen weekly sessions,
records the first as attended and the second as missed, and sees where the course stands."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from ipt.accounts.tests.factories import UserFactory
from ipt.clients.models import ReferralStatus
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.tests.system.helpers import sign_in


def _fill_date(page, group: str, day: dt.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_a_therapist_opens_a_course_books_it_and_records_the_first_two_sessions(
    page, assert_accessible, service, site
):
    # Given a referral accepted for IPT and allocated to Tessa
    tessa = UserFactory(
        username="tessa",
        first_name="Tessa",
        last_name="Marlow",
        service=service,
        is_therapist=True,
    )
    client = ClientFactory(service=service, given_name="Rachel", family_name="Okafor")
    ReferralFactory(
        client=client,
        site=site,
        allocated_therapist=tessa,
        status=ReferralStatus.ACCEPTED_FOR_IPT,
        received_on=timezone.localdate() - dt.timedelta(days=40),
    )
    today = timezone.localdate()
    first_session = today - dt.timedelta(days=14 + today.weekday())  # a Monday, two weeks back

    # When she opens the course from the client's record
    sign_in(page, tessa, assert_accessible)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Rachel Okafor").click()
    assert_accessible(page)
    page.get_by_role("link", name="Open a course").click()
    assert_accessible(page)
    page.get_by_label("IPT for depression").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    _fill_date(page, "Date agreed with the client", first_session - dt.timedelta(days=7))
    page.get_by_role("button", name="Open the course").click()

    # Then the course page shows where the course starts
    expect(page.get_by_text("Session 1 of 16 · initial phase").first).to_be_visible()
    assert_accessible(page)

    # When she books the sixteen weekly sessions by telephone
    page.get_by_role("link", name="Book the course's sessions").click()
    assert_accessible(page)
    _fill_date(page, "Date", first_session)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Number of sessions").fill("16")
    page.get_by_label("Every week").check()
    page.get_by_role("radio", name="Telephone").check()
    page.get_by_label("Number we will call (for telephone appointments)").fill("07700 900123")
    page.get_by_role("button", name="Book sessions").click()

    # Then the appointments list has sixteen treatment sessions
    expect(page.get_by_role("heading", name=re.compile("Appointments"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Record outcome"))).to_have_count(16)
    assert_accessible(page)

    # When she records session 1 as attended and session 2 as did not attend
    page.get_by_role("link", name=re.compile("^Record outcome")).first.click()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("5: Attended")).check()
    page.get_by_role("button", name="Save outcome").click()
    page.get_by_role("link", name=re.compile("^Record outcome")).first.click()
    page.get_by_role("radio", name=re.compile("3: Did not attend")).check()
    page.get_by_role("button", name="Save outcome").click()

    # Then the course is at session 1, initial phase, and one missed session is not yet
    # the two in a row that flag a course for review
    expect(page.get_by_text("Session 1 of 16 · initial phase").first).to_be_visible()
    expect(page.get_by_text("Review this course")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Record outcome"))).to_have_count(14)
    assert_accessible(page)
