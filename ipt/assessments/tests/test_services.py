"""Writes to the initial-phase record: what they change, what they refuse, what they audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipt.assessments import services
from ipt.assessments.models import Assessment, InventoryEntry, MoodEpisode, TimelineEvent
from ipt.assessments.queries import circle_for_course, settings_for
from ipt.core.errors import Refused
from ipt.core.models import AuditEvent

from .factories import InventoryEntryFactory, MoodEpisodeFactory, TimelineEventFactory

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)


def _events(object_type: str):
    return AuditEvent.objects.filter(object_type=object_type).order_by("sequence")


def test_it_records_the_assessment_then_audits_each_change(course, therapist):
    services.update_assessment(
        course=course, by=therapist, diagnosis="Moderate depressive episode", icd10_code=" f32.1 "
    )
    assessment = services.update_assessment(
        course=course, by=therapist, sick_role_discussed=True, sick_role_discussed_on=TODAY
    )

    assert assessment.icd10_code == "F32.1"
    created, changed = _events("assessments.assessment")
    assert (created.action, created.summary) == ("create", "Recorded the assessment")
    assert created.changes["icd10_code"] == [None, "F32.1"]
    assert created.client_id == course.client_id and created.actor == therapist
    assert changed.action == "update"
    assert changed.changes == {
        "sick_role_discussed": [None, True],
        "sick_role_discussed_on": [None, "2026-11-24"],
    }


def test_saving_the_same_assessment_again_changes_and_audits_nothing(course, therapist):
    services.update_assessment(course=course, by=therapist, diagnosis="Depression")
    services.update_assessment(course=course, by=therapist, diagnosis="Depression")
    assert _events("assessments.assessment").count() == 1


@pytest.mark.parametrize("code", ["F32", "F32.1", "F33.10", "f41.2", ""])
def test_it_accepts_icd10_shaped_codes(code):
    assert services.normalise_icd10(code) == code.upper()


@pytest.mark.parametrize("code", ["32.1", "F3", "depression", "F32.12345", "FF32"])
def test_it_refuses_codes_not_shaped_like_icd10(course, therapist, code):
    with pytest.raises(services.AssessmentRefused, match="right format"):
        services.update_assessment(course=course, by=therapist, icd10_code=code)
    assert not Assessment.objects.exists() and not _events("assessments.assessment").exists()


def test_the_sick_role_date_goes_when_it_was_not_discussed(course, therapist):
    assessment = services.update_assessment(
        course=course, by=therapist, sick_role_discussed=False, sick_role_discussed_on=TODAY
    )
    assert assessment.sick_role_discussed_on is None


def test_it_adds_a_person_on_a_ring_and_audits_it(course, therapist):
    entry = services.add_person(
        course=course, by=therapist, name="Dev", relationship="partner", ring=1, is_confidant=True
    )

    event = _events("assessments.inventoryentry").get()
    assert (event.action, event.summary) == ("create", "Added Dev to the interpersonal inventory")
    assert event.changes["ring"] == [None, 1] and event.client_id == course.client_id
    assert entry.is_confidant and circle_for_course(course).nodes[0].name == "Dev"


def test_it_refuses_a_ring_outside_the_services_circle(course, therapist, service, manager):
    with pytest.raises(services.AssessmentRefused, match="between 1 and 3"):
        services.add_person(course=course, by=therapist, name="Dev", relationship="partner", ring=4)
    services.update_settings(service=service, closeness_rings=5, by=manager)
    services.add_person(course=course, by=therapist, name="Dev", relationship="partner", ring=4)
    assert InventoryEntry.objects.get().ring == 4


def test_a_refused_change_leaves_the_person_as_they_were(course, therapist):
    entry = InventoryEntryFactory(course=course, name="Dev", ring=2)
    with pytest.raises(services.AssessmentRefused):
        services.update_person(entry=entry, by=therapist, ring=9)
    entry.refresh_from_db()
    assert entry.ring == 2 and not _events("assessments.inventoryentry").exists()


def test_moving_a_person_is_audited_with_the_old_and_new_ring(course, therapist):
    entry = InventoryEntryFactory(course=course, name="Dev", ring=3)
    services.update_person(entry=entry, by=therapist, ring=1, good_aspects=" Kind ")

    entry.refresh_from_db()
    assert entry.ring == 1 and entry.good_aspects == "Kind"
    assert _events("assessments.inventoryentry").get().changes == {
        "good_aspects": ["", "Kind"],
        "ring": [3, 1],
    }


def test_removing_a_person_keeps_the_entry_but_takes_them_off_the_circle(course, therapist):
    entry = InventoryEntryFactory(course=course, name="Dev")
    services.remove_person(entry=entry, by=therapist)

    assert InventoryEntry.objects.filter(pk=entry.pk, removed_at__isnull=False).exists()
    assert circle_for_course(course) is None
    assert _events("assessments.inventoryentry").get().action == "delete"


def test_a_snapshot_freezes_the_current_people(course, therapist):
    dev = InventoryEntryFactory(course=course, name="Dev", ring=3, relationship="partner")
    InventoryEntryFactory(
        course=course, name="Gone", removed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )

    snapshot = services.take_snapshot(course=course, occasion="assessment", by=therapist)
    services.update_person(entry=dev, by=therapist, ring=1)

    snapshot.refresh_from_db()
    assert [(e["name"], e["ring"]) for e in snapshot.entries] == [("Dev", 3)]
    assert snapshot.taken_on == TODAY and snapshot.rings == 3
    event = _events("assessments.inventorysnapshot").get()
    assert event.summary == "Took a snapshot of the interpersonal inventory (Assessment, 1 person)"
    with pytest.raises(ValueError, match="never changed"):
        snapshot.save()


def test_it_refuses_an_unknown_snapshot_occasion(course, therapist):
    with pytest.raises(services.AssessmentRefused):
        services.take_snapshot(course=course, occasion="whenever", by=therapist)
    assert not _events("assessments.inventorysnapshot").exists()


def test_it_puts_an_event_with_people_on_the_timeline_and_audits_changes(course, therapist):
    dev = InventoryEntryFactory(course=course, name="Dev")
    event = services.add_event(
        course=course,
        by=therapist,
        occurred_on=dt.date(2026, 3, 1),
        precision="month",
        kind="conflict",
        description=" Rows about money ",
        people=[dev],
        linked_to_onset=True,
    )
    services.update_event(event=event, by=therapist, people=[], people_text="Her mother")

    assert event.description == "Rows about money" and not event.people.exists()
    created, changed = _events("assessments.timelineevent")
    assert created.changes["people"] == [None, ["Dev"]]
    assert changed.changes == {"people": [["Dev"], []], "people_text": ["", "Her mother"]}


def test_it_refuses_an_event_in_the_future_or_with_someone_elses_person(
    course, therapist, other_therapist, site
):
    from ipt.courses.tests.factories import open_course

    other = InventoryEntryFactory(course=open_course(therapist=other_therapist, site=site))
    common = {"course": course, "by": therapist, "kind": "move", "description": "Moved"}
    with pytest.raises(services.AssessmentRefused, match="today or in the past"):
        services.add_event(occurred_on=TODAY + dt.timedelta(days=1), **common)
    with pytest.raises(services.AssessmentRefused, match="this client's inventory"):
        services.add_event(occurred_on=TODAY, people=[other], **common)
    assert not TimelineEvent.objects.exists()


def test_removing_an_event_is_audited_with_what_it_said(course, therapist):
    event = services.add_event(
        course=course, by=therapist, occurred_on=TODAY, kind="job", description="Lost job"
    )
    services.remove_event(event=event, by=therapist)

    assert not TimelineEvent.objects.exists()
    removed = _events("assessments.timelineevent").last()
    assert removed.action == "delete" and removed.changes["description"] == ["Lost job", None]


def test_episodes_are_added_changed_and_removed_with_audit(course, therapist):
    episode = services.add_episode(course=course, by=therapist, started_on=dt.date(2026, 5, 1))
    with pytest.raises(services.AssessmentRefused, match="same as or after"):
        services.update_episode(episode=episode, by=therapist, ended_on=dt.date(2026, 4, 1))
    services.update_episode(episode=episode, by=therapist, ended_on=dt.date(2026, 9, 1))
    services.remove_episode(episode=episode, by=therapist)

    assert not MoodEpisode.objects.exists()
    assert [e.action for e in _events("assessments.moodepisode")] == ["create", "update", "delete"]


def test_settings_are_made_on_first_change_and_audited(service, manager):
    assert settings_for(service).closeness_rings == 3
    services.update_settings(service=service, closeness_rings=4, by=manager)

    assert settings_for(service).closeness_rings == 4
    event = _events("assessments.recordsettings").get()
    assert event.changes == {"closeness_rings": [None, 4]}
    with pytest.raises(services.AssessmentRefused, match="between 2 and 5"):
        services.update_settings(service=service, closeness_rings=6, by=manager)


# A person left on a ring the service no longer has (finding 8)


def test_a_person_left_on_a_ring_the_service_removed_can_still_be_changed(
    course, therapist, service, manager
):
    services.update_settings(service=service, closeness_rings=5, by=manager)
    entry = services.add_person(
        course=course, by=therapist, name="Uncle Ray", relationship="other_family", ring=5
    )
    services.update_settings(service=service, closeness_rings=3, by=manager)

    services.update_person(entry=entry, by=therapist, expectations_met="no")
    services.update_person(entry=entry, by=therapist, ring=4)

    entry.refresh_from_db()
    assert (entry.ring, entry.expectations_met) == (4, "no")
    changed = _events("assessments.inventoryentry").filter(action="update")
    assert [e.changes for e in changed] == [
        {"expectations_met": ["unknown", "no"]},
        {"ring": [5, 4]},
    ]


def test_a_person_on_a_ring_the_service_has_cannot_move_outside_it(course, therapist):
    entry = InventoryEntryFactory(course=course, name="Dev", ring=2)
    with pytest.raises(services.AssessmentRefused, match="between 1 and 3"):
        services.update_person(entry=entry, by=therapist, ring=4)
    entry.refresh_from_db()
    assert entry.ring == 2


# People removed from the inventory stay on their life events (finding 6)


def test_a_person_removed_from_the_inventory_stays_on_an_event_that_is_changed(course, therapist):
    dev = InventoryEntryFactory(course=course, name="Dev")
    priya = InventoryEntryFactory(course=course, name="Priya")
    event = services.add_event(
        course=course,
        by=therapist,
        occurred_on=TODAY,
        kind="conflict",
        description="Rows",
        people=[dev, priya],
    )
    services.remove_person(entry=dev, by=therapist)
    dev.refresh_from_db()

    services.update_event(event=event, by=therapist, people=[dev, priya], description="Rows again")

    assert set(event.people.all()) == {dev, priya}
    assert _events("assessments.timelineevent").last().changes == {
        "description": ["Rows", "Rows again"]
    }


def test_a_person_removed_from_the_inventory_cannot_be_added_to_an_event(course, therapist):
    dev = InventoryEntryFactory(course=course, name="Dev")
    event = services.add_event(
        course=course, by=therapist, occurred_on=TODAY, kind="move", description="Moved"
    )
    services.remove_person(entry=dev, by=therapist)
    dev.refresh_from_db()

    with pytest.raises(services.AssessmentRefused, match="this client's inventory"):
        services.update_event(event=event, by=therapist, people=[dev])
    with pytest.raises(services.AssessmentRefused, match="this client's inventory"):
        services.add_event(
            course=course,
            by=therapist,
            occurred_on=TODAY,
            kind="move",
            description="Moved again",
            people=[dev],
        )
    assert not event.people.exists() and TimelineEvent.objects.count() == 1


# Services check the writer themselves (finding 12)


def _every_write(course, user):
    """Each write service, called by `user` on `course`'s record, with data it would accept."""
    entry = InventoryEntryFactory(course=course, name="Dev")
    event = TimelineEventFactory(course=course)
    episode = MoodEpisodeFactory(course=course)
    return {
        "update_assessment": lambda: services.update_assessment(
            course=course, by=user, diagnosis="Depression"
        ),
        "add_person": lambda: services.add_person(
            course=course, by=user, name="Mum", relationship="parent", ring=1
        ),
        "update_person": lambda: services.update_person(entry=entry, by=user, ring=2),
        "remove_person": lambda: services.remove_person(entry=entry, by=user),
        "take_snapshot": lambda: services.take_snapshot(
            course=course, occasion="assessment", by=user
        ),
        "add_event": lambda: services.add_event(
            course=course, by=user, occurred_on=TODAY, kind="move", description="Moved"
        ),
        "update_event": lambda: services.update_event(event=event, by=user, description="New"),
        "remove_event": lambda: services.remove_event(event=event, by=user),
        "add_episode": lambda: services.add_episode(course=course, by=user, started_on=TODAY),
        "update_episode": lambda: services.update_episode(
            episode=episode, by=user, description="New"
        ),
        "remove_episode": lambda: services.remove_episode(episode=episode, by=user),
    }


WRITES = [
    "update_assessment",
    "add_person",
    "update_person",
    "remove_person",
    "take_snapshot",
    "add_event",
    "update_event",
    "remove_event",
    "add_episode",
    "update_episode",
    "remove_episode",
]


def _record_now(course) -> tuple:
    return (
        Assessment.objects.filter(course=course).exists(),
        sorted(course.inventory_entries.current().values_list("name", "ring")),
        course.inventory_snapshots.count(),
        sorted(course.timeline_events.values_list("description", flat=True)),
        sorted(course.mood_episodes.values_list("description", flat=True)),
    )


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["other_therapist", "administrator", "outsider"])
def test_a_write_by_someone_who_may_not_change_the_record_is_refused(request, course, write, who):
    call = _every_write(course, request.getfixturevalue(who))[write]
    before = _record_now(course)

    with pytest.raises(PermissionDenied):
        call()

    assert _record_now(course) == before
    assert not AuditEvent.objects.filter(object_type__startswith="assessments.").exists()


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["therapist", "supervisor", "manager"])
def test_those_who_manage_the_course_may_write_its_record(request, course, write, who):
    user = request.getfixturevalue(who)
    _every_write(course, user)[write]()
    event = AuditEvent.objects.filter(object_type__startswith="assessments.").get()
    assert event.actor == user and event.client_id == course.client_id


@pytest.mark.parametrize("who", ["therapist", "supervisor", "outsider"])
def test_only_the_services_managers_and_administrators_change_its_settings(request, service, who):
    with pytest.raises(PermissionDenied):
        services.update_settings(
            service=service, closeness_rings=5, by=request.getfixturevalue(who)
        )
    assert settings_for(service).closeness_rings == 3
    assert not _events("assessments.recordsettings").exists()


def test_an_administrator_changes_the_settings_of_their_own_service(service, administrator):
    services.update_settings(service=service, closeness_rings=2, by=administrator)
    assert settings_for(service).closeness_rings == 2
    assert _events("assessments.recordsettings").get().actor == administrator


# One assessment per course, however many first saves race (finding 13)


def _first_lock_before(sql: list[str], table: str, insert_into: str) -> bool:
    """Whether `table`'s row is selected (FOR UPDATE where the database has it) before the
    first insert into `insert_into`."""
    locks = connection.features.has_select_for_update
    selected = [
        i
        for i, query in enumerate(sql)
        if query.startswith("SELECT")
        and f'FROM "{table}"' in query
        and (not locks or "FOR UPDATE" in query)
    ]
    inserted = [
        i for i, query in enumerate(sql) if query.startswith(f'INSERT INTO "{insert_into}"')
    ]
    return bool(selected and inserted) and selected[0] < inserted[0]


def test_the_first_save_of_an_assessment_locks_the_course_first(course, therapist):
    with CaptureQueriesContext(connection) as queries:
        services.update_assessment(course=course, by=therapist, diagnosis="Depression")
    sql = [query["sql"] for query in queries.captured_queries]
    assert _first_lock_before(sql, "courses_course", "assessments_assessment")
    assert Assessment.objects.get().diagnosis == "Depression"


def test_the_first_change_of_settings_locks_the_service_first(service, manager):
    with CaptureQueriesContext(connection) as queries:
        services.update_settings(service=service, closeness_rings=4, by=manager)
    sql = [query["sql"] for query in queries.captured_queries]
    assert _first_lock_before(sql, "organisations_service", "assessments_recordsettings")
    assert settings_for(service).closeness_rings == 4


def test_the_refusal_is_the_shared_one(course, therapist):
    with pytest.raises(Refused) as refused:
        services.update_assessment(course=course, by=therapist, icd10_code="nonsense")
    assert refused.value.field == "icd10_code"
