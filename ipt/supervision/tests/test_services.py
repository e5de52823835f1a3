"""Adding supervision notes: who may, what is refused, the audit event, and append-only."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.supervision import services
from ipt.supervision.models import SupervisionNote


def _add(course, by, **overrides):
    values = {"discussed_on": timezone.localdate(), "text": "  Talked about the ending.  "}
    return services.add_note(course=course, by=by, **(values | overrides))


def test_it_adds_a_note_with_its_author_and_audits_it_in_the_same_transaction(supervisor, course):
    note = _add(course, supervisor)

    assert note.text == "Talked about the ending."
    assert (note.author, note.course) == (supervisor, course)
    event = AuditEvent.objects.get(object_type="supervision.supervisionnote")
    assert (event.action, event.actor, event.object_id) == ("create", supervisor, str(note.pk))
    assert event.client_id == course.client_id
    assert event.changes == {"discussed_on": [None, timezone.localdate().isoformat()]}
    assert "Talked about" not in event.summary  # the note's text stays out of the audit log


@pytest.mark.parametrize("who", ["therapist", "other_therapist", "administrator", "outsider"])
def test_it_refuses_anyone_but_the_supervisor_or_a_manager(request, course, who):
    with pytest.raises(services.SupervisionRefused):
        _add(course, request.getfixturevalue(who))

    assert not SupervisionNote.objects.exists()
    assert not AuditEvent.objects.filter(object_type="supervision.supervisionnote").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": " \n "}, "text", "Enter what was discussed"),
        (
            {"discussed_on": timezone.localdate() + dt.timedelta(days=1)},
            "discussed_on",
            "The date discussed must be today or in the past",
        ),
        (
            {"discussed_on": dt.date(2000, 1, 1)},
            "discussed_on",
            "The date discussed must be on or after the day the course opened",
        ),
    ],
)
def test_it_refuses_a_bad_note_and_saves_nothing(supervisor, course, overrides, field, message):
    with pytest.raises(services.SupervisionRefused, match=message) as refused:
        _add(course, supervisor, **overrides)

    assert refused.value.field == field
    assert not SupervisionNote.objects.exists()


def test_a_note_is_never_changed_or_deleted(supervisor, course):
    note = _add(course, supervisor)

    note.text = "Rewritten"
    with pytest.raises(ValueError, match="append-only"):
        note.save(update_fields=["text"])
    with pytest.raises(ValueError, match="append-only"):
        note.delete()


def test_the_database_refuses_changes_and_the_queryset_deletions(supervisor, course):
    _add(course, supervisor)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SupervisionNote.objects.update(text="Rewritten")
    with pytest.raises(ValueError, match="append-only"):
        SupervisionNote.objects.all().delete()

    assert SupervisionNote.objects.get().text == "Talked about the ending."


def test_reading_the_notes_is_audited_and_refused_to_others(supervisor, other_therapist, course):
    services.record_view(course=course, by=supervisor)

    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.object_type) == ("view", "courses.course")
    with pytest.raises(services.SupervisionRefused):
        services.record_view(course=course, by=other_therapist)
