"""What staff see of the portal on their own pages: requests on the home page, the portal and
reminder links on the client record, the calendar feed on the account page."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from ipt.courses.tests.factories import add_appointment
from ipt.portal import services


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_it_tells_the_therapist_on_the_home_page_a_client_asked_to_move(
    as_user, therapist, administrator, outsider, course
):
    upcoming = add_appointment(
        course, starts_at=timezone.now() + dt.timedelta(days=2), attendance=""
    )
    services.ask_to_change(
        client=course.client, appointment=upcoming, kind="rebook", reason="Working late"
    )
    assert "1 client has asked to cancel or move an appointment" in _page(
        as_user(therapist).get(reverse("core:home"))
    )
    assert "asked to cancel or move" not in _page(as_user(outsider).get(reverse("core:home")))


def test_it_links_the_client_record_to_portal_access_and_messages(as_user, therapist, course):
    page = _page(as_user(therapist).get(reverse("clients:detail", args=[course.client_id])))
    assert reverse("portal:access", args=[course.client_id]) in page
    assert reverse("reminders:client_messages", args=[course.client_id]) in page


def test_it_offers_therapists_their_calendar_feed_from_their_account(as_user, therapist, manager):
    assert reverse("reminders:calendar") in _page(
        as_user(therapist).get(reverse("accounts:account"))
    )
    assert reverse("reminders:calendar") not in _page(
        as_user(manager).get(reverse("accounts:account"))
    )
