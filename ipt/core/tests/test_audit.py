import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from ipt.accounts.tests.factories import UserFactory
from ipt.core import audit
from ipt.core.models import AppendOnlyError, AuditEvent


@pytest.fixture
def actor(db):
    return UserFactory(username="auditor")


def _three_events(actor):
    return [
        audit.record(
            by=actor,
            action=audit.Action.UPDATE,
            obj=actor,
            summary=f"change {n}",
            changes={"email": [f"a{n}@x.nhs.uk", f"b{n}@x.nhs.uk"]},
        )
        for n in range(3)
    ]


def test_it_links_each_event_to_the_one_before(actor):
    first, second, third = _three_events(actor)
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]


def test_it_records_who_what_and_the_change(actor):
    event = audit.record(
        by=actor,
        action=audit.Action.UPDATE,
        obj=actor,
        client_id=42,
        changes=audit.changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3}),
    )
    event.refresh_from_db()
    assert event.actor == actor
    assert event.object_type == "accounts.user"
    assert event.client_id == 42
    assert event.changes == {"b": [2, 3]}


def test_it_reports_an_intact_chain(actor):
    _three_events(actor)
    report = audit.verify_chain()
    assert report.intact
    assert report.checked == 3


def test_it_refuses_to_change_or_delete_an_event_through_the_orm(actor):
    event = audit.record(by=actor, action=audit.Action.VIEW, obj=actor)
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_to_an_event(actor):
    audit.record(by=actor, action=audit.Action.VIEW, obj=actor)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET summary = 'rewritten'")


def _drop_update_guard():
    """What someone with direct database access could do: remove the trigger first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_auditevent_no_update ON core_auditevent")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")


def test_verify_audit_finds_the_first_tampered_event(actor):
    _three_events(actor)
    _drop_update_guard()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET summary = 'nothing happened' WHERE sequence = 2")
    report = audit.verify_chain()
    assert not report.intact
    assert report.broken_at == 2
    assert "changed" in report.reason
    with pytest.raises(CommandError, match="broken at event #2"):
        call_command("verify_audit")


def test_verify_audit_notices_a_removed_event(actor):
    _three_events(actor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = 2")
    report = audit.verify_chain()
    assert not report.intact
    assert report.broken_at == 2


def test_verify_audit_notices_the_newest_events_removed(actor):
    _three_events(actor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = 3")
    assert not audit.verify_chain().intact


def test_verify_audit_command_says_intact(actor, capsys):
    _three_events(actor)
    call_command("verify_audit")
    assert "intact (3 events checked)" in capsys.readouterr().out
