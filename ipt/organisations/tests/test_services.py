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
