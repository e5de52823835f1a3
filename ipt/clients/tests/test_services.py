"""Writes: each one audited, refused writes change nothing."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from ipt.accounts.tests.factories import UserFactory
from ipt.clients import access, services
from ipt.clients.models import (
    AppendOnlyError,
    BreakGlassAccess,
    Client,
    Referral,
    ReferralStatusChange,
)
from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.core.models import AuditEvent

DETAILS = {
    "given_name": "Jane",
    "family_name": "Doe",
    "date_of_birth": dt.date(1990, 3, 15),
    "nhs_number": "943 476 5919",
    "gp_practice_name": "Riverside Medical Practice",
}


def test_it_registers_a_client_and_audits_it(service, manager):
    client = services.register_client(service=service, by=manager, **DETAILS)
    assert client.nhs_number == "9434765919"
    assert client.created_by == manager
    event = AuditEvent.objects.get(action="create", client_id=client.pk)
    assert event.actor == manager
    assert event.changes["family_name"] == [None, "Doe"]


def test_it_refuses_an_invalid_nhs_number_and_saves_nothing(service, manager):
    with pytest.raises(services.InvalidDetails, match="Enter a valid NHS number"):
        services.register_client(service=service, by=manager, **(DETAILS | {"nhs_number": "1"}))
    assert not Client.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_updates_only_what_changed_and_audits_the_difference(manager, tessas_client):
    services.update_client(
        client=tessas_client, by=manager, mobile="07700900982", given_name="Jane"
    )
    tessas_client.refresh_from_db()
    assert tessas_client.mobile == "07700900982"
    event = AuditEvent.objects.get(action="update", client_id=tessas_client.pk)
    assert event.changes == {"mobile": ["", "07700900982"]}


def test_it_writes_nothing_when_an_update_changes_nothing(manager, tessas_client):
    services.update_client(client=tessas_client, by=manager, given_name="Jane")
    assert not AuditEvent.objects.filter(action="update").exists()


def test_it_finds_possible_duplicates_by_nhs_number(service, outsider, tessas_client):
    found = services.possible_duplicates(
        service=service,
        nhs_number="943 476 5919",
        given_name="Someone",
        family_name="Else",
        date_of_birth=dt.date(2000, 1, 1),
    )
    assert list(found) == [tessas_client]
    elsewhere = services.possible_duplicates(
        service=outsider.service,
        nhs_number="9434765919",
        given_name="Jane",
        family_name="Doe",
        date_of_birth=tessas_client.date_of_birth,
    )
    assert not elsewhere.exists()


def test_it_finds_possible_duplicates_by_name_and_date_of_birth_ignoring_case(
    service, tessas_client
):
    found = services.possible_duplicates(
        service=service,
        nhs_number="",
        given_name="JANE",
        family_name="doe ",
        date_of_birth=tessas_client.date_of_birth,
    )
    assert list(found) == [tessas_client]
    other_birthday = services.possible_duplicates(
        service=service,
        nhs_number="",
        given_name="Jane",
        family_name="Doe",
        date_of_birth=tessas_client.date_of_birth + dt.timedelta(days=1),
    )
    assert not other_birthday.exists()
    itself = services.possible_duplicates(
        service=service,
        nhs_number=tessas_client.nhs_number,
        given_name="Jane",
        family_name="Doe",
        date_of_birth=tessas_client.date_of_birth,
        exclude=tessas_client,
    )
    assert not itself.exists()


def test_it_adds_a_referral_waiting_for_assessment_with_its_first_history_row(
    site, manager, tessas_client
):
    referral = services.add_referral(
        client=tessas_client,
        by=manager,
        site=site,
        source="self",
        received_on=timezone.localdate(),
        problem_descriptor="ptsd",
        reason="Flashbacks after an accident",
        urgency="urgent",
    )
    assert referral.status == "waiting_for_assessment"
    assert referral.service == tessas_client.service
    assert [c.to_status for c in referral.status_changes.all()] == ["waiting_for_assessment"]
    assert AuditEvent.objects.filter(
        action="create", client_id=tessas_client.pk, object_id=str(referral.pk)
    ).exists()


def test_it_refuses_a_referral_to_another_services_site(outsider, manager, tessas_client):
    from ipt.organisations.tests.factories import SiteFactory

    with pytest.raises(services.OutsideService):
        services.add_referral(
            client=tessas_client,
            by=manager,
            site=SiteFactory(service=outsider.service),
            source="gp",
            received_on=timezone.localdate(),
            problem_descriptor="depression",
            reason="Low mood",
            urgency="routine",
        )
    assert tessas_client.referrals.count() == 1


def test_it_allocates_a_referral_putting_the_client_on_the_therapists_caseload(
    other_therapist, manager, waiting_client
):
    referral = waiting_client.referrals.get()
    services.allocate(referral=referral, therapist=other_therapist, by=manager)
    referral.refresh_from_db()
    assert referral.allocated_therapist == other_therapist
    assert referral.allocated_at is not None
    assert list(access.caseload(other_therapist)) == [waiting_client]
    event = AuditEvent.objects.get(action="update", client_id=waiting_client.pk)
    assert event.changes["allocated_therapist_id"] == [None, other_therapist.pk]


@pytest.mark.parametrize(
    "who",
    [
        {"is_therapist": False, "is_administrator": True},
        {"is_therapist": True, "is_active": False},
        {"is_therapist": True, "service": None},
    ],
    ids=["not a therapist", "inactive", "another service"],
)
def test_it_refuses_to_allocate_to_anyone_but_an_active_therapist_of_the_service(
    who, outsider, manager, waiting_client
):
    if "service" in who:
        who = who | {"service": outsider.service}
    else:
        who = who | {"service": waiting_client.service}
    candidate = UserFactory(**who)
    referral = waiting_client.referrals.get()
    with pytest.raises(services.NotAllocatable, match="is not an active therapist in this service"):
        services.allocate(referral=referral, therapist=candidate, by=manager)
    referral.refresh_from_db()
    assert referral.allocated_therapist is None
    assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("waiting_for_assessment", "assessed"),
        ("waiting_for_assessment", "declined_or_signposted"),
        ("waiting_for_assessment", "withdrawn"),
        ("assessed", "accepted_for_ipt"),
        ("assessed", "declined_or_signposted"),
        ("assessed", "withdrawn"),
        ("accepted_for_ipt", "withdrawn"),
    ],
)
def test_it_changes_status_along_the_allowed_paths(start, to, service, site, therapist):
    referral = ReferralFactory(
        client=ClientFactory(service=service),
        site=site,
        status=start,
        allocated_therapist=therapist,
    )
    change = services.change_status(referral=referral, to_status=to, reason="Agreed", by=therapist)
    referral.refresh_from_db()
    assert referral.status == to
    assert (change.from_status, change.to_status, change.changed_by) == (start, to, therapist)
    event = AuditEvent.objects.get(action="update", client_id=referral.client_id)
    assert event.changes == {"status": [start, to]}


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("waiting_for_assessment", "accepted_for_ipt"),
        ("accepted_for_ipt", "assessed"),
        ("accepted_for_ipt", "declined_or_signposted"),
        ("withdrawn", "waiting_for_assessment"),
        ("declined_or_signposted", "assessed"),
        ("assessed", "assessed"),
        ("assessed", "made_up"),
    ],
)
def test_it_refuses_other_status_changes_and_changes_nothing(start, to, service, site, manager):
    referral = ReferralFactory(client=ClientFactory(service=service), site=site, status=start)
    with pytest.raises(services.TransitionNotAllowed, match="cannot become"):
        services.change_status(referral=referral, to_status=to, reason="Because", by=manager)
    referral.refresh_from_db()
    assert referral.status == start
    assert referral.status_changes.count() == 1
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_status_change_without_a_reason(manager, waiting_client):
    referral = waiting_client.referrals.get()
    with pytest.raises(services.InvalidDetails, match="Enter the reason"):
        services.change_status(referral=referral, to_status="assessed", reason="  ", by=manager)
    referral.refresh_from_db()
    assert referral.status == "waiting_for_assessment"


def test_it_refuses_to_change_a_status_row(waiting_client):
    change = ReferralStatusChange.objects.get(referral__client=waiting_client)
    change.reason = "Rewritten"
    with pytest.raises(AppendOnlyError):
        change.save()
    change.refresh_from_db()
    assert change.reason == "Referral received"


def test_it_grants_break_glass_for_an_hour_and_audits_the_reason(other_therapist, tessas_client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        grant = services.break_glass(
            user=other_therapist, client=tessas_client, reason="Covering a crisis call today"
        )
    assert grant.expires_at == now + dt.timedelta(hours=1)
    event = AuditEvent.objects.get(action="break_glass", client_id=tessas_client.pk)
    assert "Covering a crisis call today" in event.summary
    assert event.actor == other_therapist


def test_it_refuses_break_glass_into_another_service(outsider, tessas_client):
    with pytest.raises(services.OutsideService):
        services.break_glass(user=outsider, client=tessas_client, reason="Just having a look")
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_records_every_view_of_a_record(therapist, tessas_client):
    services.record_view(client=tessas_client, by=therapist)
    services.record_view(client=tessas_client, by=therapist)
    assert AuditEvent.objects.filter(action="view", client_id=tessas_client.pk).count() == 2


def test_it_refuses_at_the_database_an_nhs_number_that_is_not_ten_digits(service, manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientFactory(service=service, created_by=manager, nhs_number="94347659AB")


def test_it_refuses_at_the_database_an_allocation_without_a_time(therapist, waiting_client):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(client=waiting_client).update(allocated_therapist=therapist)
