"""Rooms at each site and the service's closure dates: administrators only."""

import datetime as dt

import pytest
from django.urls import reverse

from ipt.core.models import AuditEvent
from ipt.organisations.models import ClosureDate
from ipt.organisations.tests.factories import ClosureDateFactory, RoomFactory, SiteFactory

# Every test here runs on Tuesday 24 November 2026.
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Room 1")


@pytest.fixture
def closure(service):
    return ClosureDateFactory(service=service, date=dt.date(2026, 12, 25), reason="Christmas Day")


@pytest.fixture
def their_site(outsider):
    return SiteFactory(service=outsider.service, name="Faraway House")


def _pages(site, room, closure):
    return [
        ("get", reverse("organisations:room_list", kwargs={"pk": site.pk})),
        ("get", reverse("organisations:room_new", kwargs={"pk": site.pk})),
        ("post", reverse("organisations:room_new", kwargs={"pk": site.pk})),
        ("get", reverse("organisations:room_edit", kwargs={"pk": site.pk, "room_pk": room.pk})),
        ("post", reverse("organisations:room_edit", kwargs={"pk": site.pk, "room_pk": room.pk})),
        ("get", reverse("organisations:closure_list")),
        ("get", reverse("organisations:closure_new")),
        ("post", reverse("organisations:closure_new")),
        ("get", reverse("organisations:closure_delete", kwargs={"pk": closure.pk})),
        ("post", reverse("organisations:closure_delete", kwargs={"pk": closure.pk})),
    ]


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "manager", "outsider"])
def test_it_hides_rooms_and_closures_from_everyone_but_administrators(
    request, as_user, site, room, closure, persona
):
    http = as_user(request.getfixturevalue(persona))
    for method, url in _pages(site, room, closure):
        response = getattr(http, method)(url, {"name": "Taken over", "is_active": "False"})
        assert response.status_code == 404, f"{method} {url}"
    room.refresh_from_db()
    assert room.name == "Room 1" and room.is_active
    assert ClosureDate.objects.filter(pk=closure.pk).exists()
    assert not AuditEvent.objects.exists()


def test_it_gives_404_for_another_services_site_and_closures(
    as_user, administrator, their_site, outsider
):
    their_room = RoomFactory(site=their_site)
    their_closure = ClosureDateFactory(service=outsider.service)
    http = as_user(administrator)
    for method, url in _pages(their_site, their_room, their_closure):
        if "closures/" in url and "delete" not in url:
            continue
        assert getattr(http, method)(url, {"name": "Taken over"}).status_code == 404
    assert ClosureDate.objects.filter(pk=their_closure.pk).exists()


def test_it_lists_a_sites_rooms(as_user, administrator, site, room):
    RoomFactory(site=site, name="Garden Room", is_active=False)
    response = as_user(administrator).get(
        reverse("organisations:room_list", kwargs={"pk": site.pk})
    )
    html = response.content.decode()
    assert "Rooms at Riverside Centre" in html
    assert "Room 1" in html and "Garden Room" in html and "No longer in use" in html


def test_the_site_list_links_to_the_rooms(as_user, administrator, site, room):
    html = as_user(administrator).get(reverse("organisations:site_list")).content.decode()
    assert reverse("organisations:room_list", kwargs={"pk": site.pk}) in html
    assert "1 in use" in html
    assert reverse("organisations:closure_list") in html


def test_it_adds_a_room(as_user, administrator, site):
    url = reverse("organisations:room_new", kwargs={"pk": site.pk})
    http = as_user(administrator)
    assert http.get(url).status_code == 200
    response = http.post(url, {"name": "Room 2"})
    assert response["Location"] == reverse("organisations:room_list", kwargs={"pk": site.pk})
    assert "Room 2 added at Riverside Centre" in http.get(response["Location"]).content.decode()
    room = site.rooms.get(name="Room 2")
    event = AuditEvent.objects.get(action="create", object_type="organisations.room")
    assert event.object_id == str(room.pk) and event.actor == administrator


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter the room name"), ("room 1", "Riverside Centre already has a room called room 1")],
)
def test_it_refuses_an_invalid_room_with_422(as_user, administrator, site, room, name, message):
    response = as_user(administrator).post(
        reverse("organisations:room_new", kwargs={"pk": site.pk}), {"name": name}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert site.rooms.count() == 1


def test_it_renames_a_room_and_takes_it_out_of_use(as_user, administrator, site, room):
    url = reverse("organisations:room_edit", kwargs={"pk": site.pk, "room_pk": room.pk})
    http = as_user(administrator)
    assert 'value="Room 1"' in http.get(url).content.decode()
    response = http.post(url, {"name": "Quiet Room", "is_active": "False"})
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.name == "Quiet Room" and not room.is_active
    assert AuditEvent.objects.get(action="update", object_type="organisations.room").changes == {
        "is_active": [True, False],
        "name": ["Room 1", "Quiet Room"],
    }


def test_it_refuses_an_invalid_room_change_with_422(as_user, administrator, site, room):
    response = as_user(administrator).post(
        reverse("organisations:room_edit", kwargs={"pk": site.pk, "room_pk": room.pk}),
        {"name": ""},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter the room name" in html and "Choose whether the room is in use" in html
    room.refresh_from_db()
    assert room.name == "Room 1"


def test_it_gives_404_for_a_room_of_another_site(as_user, administrator, site, service):
    elsewhere = RoomFactory(site=SiteFactory(service=service, name="Hilltop Clinic"))
    response = as_user(administrator).get(
        reverse("organisations:room_edit", kwargs={"pk": site.pk, "room_pk": elsewhere.pk})
    )
    assert response.status_code == 404


def test_it_lists_closures_coming_up_and_past(as_user, administrator, service, closure):
    ClosureDateFactory(service=service, date=dt.date(2026, 8, 31), reason="Summer bank holiday")
    html = as_user(administrator).get(reverse("organisations:closure_list")).content.decode()
    assert "Friday 25 December 2026" in html and "Christmas Day" in html
    assert "Monday 31 August 2026" in html
    assert html.index("Christmas Day") < html.index("Summer bank holiday")


def test_it_adds_a_closure_date(as_user, administrator, service):
    url = reverse("organisations:closure_new")
    http = as_user(administrator)
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        {"date_day": "28", "date_month": "12", "date_year": "2026", "reason": "Boxing Day"},
    )
    assert response["Location"] == reverse("organisations:closure_list")
    followed = http.get(response["Location"]).content.decode()
    assert "Closure added for Monday 28 December 2026" in followed
    closure = service.closure_dates.get()
    assert (closure.date, closure.reason) == (dt.date(2026, 12, 28), "Boxing Day")
    assert AuditEvent.objects.get(action="create", object_type="organisations.closuredate")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Staff training"}, "Enter the date the service is closed"),
        (
            {"date_day": "25", "date_month": "12", "date_year": "2026", "reason": ""},
            "Enter the reason the service is closed",
        ),
        (
            {"date_day": "25", "date_month": "12", "date_year": "2026", "reason": "Again"},
            "The service is already closed on that date",
        ),
        (
            {"date_day": "1", "date_month": "1", "date_year": "2026", "reason": "New Year"},
            "The date must be today or in the future",
        ),
    ],
)
def test_it_refuses_an_invalid_closure_with_422(as_user, administrator, closure, data, message):
    response = as_user(administrator).post(reverse("organisations:closure_new"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert ClosureDate.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_it_removes_a_closure_date_and_audits_it(as_user, administrator, closure):
    url = reverse("organisations:closure_delete", kwargs={"pk": closure.pk})
    http = as_user(administrator)
    assert "Remove the closure on Friday 25 December 2026?" in http.get(url).content.decode()
    response = http.post(url)
    assert response["Location"] == reverse("organisations:closure_list")
    assert (
        "Closure on Friday 25 December 2026 removed"
        in http.get(response["Location"]).content.decode()
    )
    assert not ClosureDate.objects.exists()
    event = AuditEvent.objects.get(action="delete", object_type="organisations.closuredate")
    assert event.actor == administrator
    assert event.changes == {"date": ["2026-12-25", None], "reason": ["Christmas Day", None]}
