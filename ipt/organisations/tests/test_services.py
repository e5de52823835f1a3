import datetime as dt

from ipt.core.models import AuditEvent
from ipt.organisations import services
from ipt.organisations.models import Service


def test_it_creates_a_site_and_audits_it(service, administrator):
    site = services.create_site(
        service=service, name="Hilltop Clinic", address="2 Hill Road", by=administrator
    )
    assert site.service == service and site.is_active
    event = AuditEvent.objects.get(action="create", object_id=str(site.pk))
    assert event.actor == administrator
    assert event.object_type == "organisations.site"
    assert event.changes == {
        "address": [None, "2 Hill Road"],
        "is_active": [None, True],
        "name": [None, "Hilltop Clinic"],
    }


def test_it_updates_a_site_and_audits_only_what_changed(site, administrator):
    services.update_site(
        site=site, by=administrator, name=site.name, address="3 River Lane", is_active=False
    )
    site.refresh_from_db()
    assert site.address == "3 River Lane"
    assert not site.is_active
    event = AuditEvent.objects.get(action="update", object_id=str(site.pk))
    assert event.changes == {
        "address": ["1 High Street", "3 River Lane"],
        "is_active": [True, False],
    }


def test_it_updates_the_service_and_audits_it(service, administrator):
    services.update_service(
        service=service, by=administrator, name="Northshire IPT", kind=Service.Kind.PRIVATE_PRACTICE
    )
    service.refresh_from_db()
    assert service.name == "Northshire IPT"
    assert service.get_kind_display() == "Private practice"
    event = AuditEvent.objects.get(action="update", object_type="organisations.service")
    assert event.actor == administrator
    assert event.changes == {
        "kind": ["nhs_tt", "private"],
        "name": ["Northshire Talking Therapies", "Northshire IPT"],
    }


def test_it_keeps_the_video_and_review_settings_when_not_given(service, administrator):
    service.video_base_url = "https://video.example.nhs.uk"
    service.save(update_fields=["video_base_url"])
    services.update_service(service=service, by=administrator, name="Renamed", kind="nhs_tt")
    service.refresh_from_db()
    assert service.video_base_url == "https://video.example.nhs.uk"
    assert service.consecutive_non_attendances_for_review == 2


def test_it_adds_and_changes_a_room_and_audits_both(site, administrator):
    room = services.create_room(site=site, name="Room 1", by=administrator)
    services.update_room(room=room, by=administrator, name="Room 1", is_active=False)
    room.refresh_from_db()
    assert not room.is_active
    events = AuditEvent.objects.filter(object_type="organisations.room").order_by("sequence")
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes == {"is_active": [True, False]}


def test_it_adds_and_removes_a_closure_date_and_audits_both(service, administrator):
    closure = services.add_closure(
        service=service, date=dt.date(2026, 12, 25), reason="Christmas Day", by=administrator
    )
    services.remove_closure(closure=closure, by=administrator)
    assert not service.closure_dates.exists()
    events = AuditEvent.objects.filter(object_type="organisations.closuredate")
    assert sorted(e.action for e in events) == ["create", "delete"]
    assert events.get(action="delete").summary == (
        "Removed a closure date: 25 December 2026: Christmas Day"
    )
