"""Every write about session notes, homework, the mid-point review and the ending.

Each function is atomic and audited in the same transaction. A write the rules refuse raises
`NotesRefused` (or one of its kinds) with a message that can be shown as it is, and saves nothing.
A note is saved only if nobody saved it since the form was opened (`expected_version`): the
update is conditional, so two saves racing cannot both win.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from ipt.accounts.models import User
from ipt.appointments.models import Appointment
from ipt.clients.models import Client
from ipt.core import audit
from ipt.core.errors import Refused
from ipt.courses.access import can_write_clinical
from ipt.courses.models import Course

from . import links, queries, templates
from .models import (
    Addendum,
    EndingSummary,
    HomeworkOutcome,
    HomeworkTask,
    MidpointReview,
    RelapsePreventionPlan,
    SessionNote,
)

__all__ = [
    "CLIENT_REFLECTION_MAX",
    "ENDING_SUMMARY_FIELDS",
    "MIDPOINT_FIELDS",
    "PLAN_FIELDS",
    "EditConflict",
    "NoteLocked",
    "NotesRefused",
    "add_addendum",
    "record_client_homework",
    "record_view",
    "review_homework",
    "save_ending_summary",
    "save_midpoint_review",
    "save_relapse_prevention_plan",
    "set_homework",
    "sign_note",
    "start_note",
    "update_note",
]

MIDPOINT_FIELDS = [
    "goals_progress",
    "problem_area_progress",
    "inventory_changes",
    "plan_for_remaining_sessions",
]
PLAN_FIELDS = ["early_warning_signs", "what_helps", "who_to_contact", "crisis_contacts"]
ENDING_SUMMARY_FIELDS = [
    "presenting_difficulties",
    "problem_area_and_focus",
    "gains",
    "measures_at_start",
    "measures_at_end",
    "recommendations",
    "maintenance_plan",
]


LOCKED = "This note has been signed, so it cannot be changed. Add an addendum to correct it"


class NotesRefused(Refused):
    """A write the rules refuse. `field` names the input it is about, when there is one."""


class NoteLocked(NotesRefused):
    """The note is signed, so it cannot change: add an addendum instead."""


class EditConflict(NotesRefused):
    """Someone saved the note since the form was opened; `saved` is the note as it is now."""

    def __init__(self, saved: SessionNote):
        super().__init__(
            f"{saved.updated_by.display_name} saved this note since you opened it. "
            "Their version and yours are both shown below"
        )
        self.saved = saved


def _check_writer(by: User, course: Course) -> None:
    if not can_write_clinical(by, course):
        raise NotesRefused("You cannot change the notes of this course")


def _lock_course(course: Course) -> Course:
    """Lock the course row, so concurrent first saves of a one-per-course record serialise."""
    return Course.objects.select_for_update().get(pk=course.pk)


def _check_held(session: queries.Session) -> None:
    reason = session.not_held_reason()
    if reason:
        raise NotesRefused(reason)


def _client_id(course: Course) -> int:
    return course.client_id


def _changed_keys(before: dict, after: dict) -> dict[str, list[Any]]:
    return audit.changes_between(before, after)


def _check_content(template: str, content: dict, *, area: str = "") -> dict:
    """The content cleaned against the note's template. A middle-phase note keeps the problem
    area its strategies belong to, so they read the same after the course's area changes."""
    cleaned = templates.clean_content(template, content)
    if template == templates.Template.MIDDLE:
        missing = templates.missing_for_techniques(cleaned)
        if missing:
            first = missing[0]
            raise NotesRefused(f"Enter {first.label[0].lower()}{first.label[1:]}", field=first.name)
        if area:
            cleaned[templates.STRATEGIES_AREA] = area
    return cleaned


@transaction.atomic
def start_note(*, appointment: Appointment, content: dict, by: User) -> SessionNote:
    """Start the note of a treatment or booster session, with the template of its phase. Refused
    before the session has happened and its attendance is recorded."""
    course = appointment.course
    _check_writer(by, course)
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if SessionNote.objects.filter(appointment=current).exists():
        raise NotesRefused("This session already has a note. Open it to change it")
    session = queries.session_for(current)
    if session is None:
        raise NotesRefused("Only treatment and booster sessions that took place have notes")
    _check_held(session)
    now = timezone.now()
    note = SessionNote(
        course=course,
        appointment=current,
        template=session.template.value,
        content=_check_content(session.template, content, area=links.current_area(course)),
        author=by,
        updated_by=by,
        created_at=now,
        updated_at=now,
    )
    note.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=note,
        client_id=_client_id(course),
        summary=f"Started the note of {session.number.label.lower()} "
        f"({session.template.label.lower()})",
        changes=_changed_keys({}, note.content),
    )
    return note


@transaction.atomic
def update_note(
    *, note: SessionNote, content: dict, expected_version: int, by: User
) -> SessionNote:
    """Save a draft over the version the form was opened at. Refused with `EditConflict` if it
    was saved since, and with `NoteLocked` once signed; nothing changes either way."""
    course = note.course
    _check_writer(by, course)
    current = SessionNote.objects.select_related("updated_by").get(pk=note.pk)
    if current.is_signed:
        raise NoteLocked(LOCKED)
    cleaned = _check_content(
        current.template, content, area=links.note_area(course, current.content)
    )
    now = timezone.now()
    updated = SessionNote.objects.filter(
        pk=note.pk, version=expected_version, signed_at__isnull=True
    ).update(content=cleaned, version=F("version") + 1, updated_at=now, updated_by=by)
    if not updated:
        current = SessionNote.objects.select_related("updated_by").get(pk=note.pk)
        if current.is_signed:
            raise NoteLocked(LOCKED)
        raise EditConflict(current)
    before = current.content
    note.refresh_from_db()
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=note,
        client_id=_client_id(course),
        summary=f"Changed the draft note (version {note.version})",
        changes=_changed_keys(before, note.content),
    )
    return note


@transaction.atomic
def sign_note(*, note: SessionNote, by: User) -> SessionNote:
    """The author signs the note; from then on it is locked. Refused before the session has
    happened, and while the note has no session narrative."""
    _check_writer(by, note.course)
    if note.author_id != by.pk:
        raise NotesRefused("Only the author of a note can sign it")
    current = SessionNote.objects.select_for_update().select_related("appointment").get(pk=note.pk)
    if current.is_signed:
        raise NoteLocked("This note has already been signed")
    session = queries.session_for(current.appointment)
    if session is not None:
        _check_held(session)
    if not str(current.content.get("narrative") or "").strip():
        raise NotesRefused("Enter the session narrative before signing the note", field="narrative")
    now = timezone.now()
    updated = SessionNote.objects.filter(pk=note.pk, signed_at__isnull=True).update(
        signed_at=now, signed_by=by
    )
    if not updated:
        raise NoteLocked("This note has already been signed")
    note.refresh_from_db()
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=note,
        client_id=_client_id(note.course),
        summary="Signed the session note; it is now locked",
        changes={"signed_at": [None, now], "signed_by": [None, by.get_username()]},
    )
    return note


@transaction.atomic
def add_addendum(*, note: SessionNote, text: str, by: User) -> Addendum:
    """Add a correction or addition below a signed note; the note itself stays as signed."""
    _check_writer(by, note.course)
    text = text.strip()
    if not text:
        raise NotesRefused("Enter the addendum", field="text")
    current = SessionNote.objects.select_for_update().get(pk=note.pk)
    if not current.is_signed:
        raise NotesRefused("The note is still a draft. Change the draft instead")
    addendum = Addendum(note=current, text=text, author=by, at=timezone.now())
    addendum.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=addendum,
        client_id=_client_id(note.course),
        summary="Added an addendum to a signed session note",
        changes={"note": [None, note.pk], "text": [None, text]},
    )
    return addendum


def record_view(*, note: SessionNote, by: User) -> None:
    """Reading a session note is audited, like a view of the client's record."""
    audit.record(
        by=by,
        action=audit.Action.VIEW,
        obj=note,
        client_id=_client_id(note.course),
        summary="Viewed a session note",
    )


@transaction.atomic
def set_homework(*, appointment: Appointment, description: str, by: User) -> HomeworkTask:
    """Set a task in a session for the client to do before the next one."""
    course = appointment.course
    _check_writer(by, course)
    description = description.strip()
    if not description:
        raise NotesRefused("Enter the homework task", field="description")
    task = HomeworkTask(
        course=course,
        set_at=appointment,
        description=description,
        set_by=by,
        created_at=timezone.now(),
    )
    task.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=task,
        client_id=_client_id(course),
        summary="Set homework for the next session",
        changes={"description": [None, description]},
    )
    return task


REVIEW_FIELDS = ["outcome", "reflection", "reviewed_at_id", "reviewed_by_id"]


@transaction.atomic
def review_homework(
    *,
    task: HomeworkTask,
    at: Appointment,
    outcome: HomeworkOutcome | str,
    reflection: str = "",
    by: User,
) -> HomeworkTask:
    """Record at a later session whether the task was done, partly done or not done, and the
    client's reflection on it. Reviewing again changes the review."""
    _check_writer(by, task.course)
    if at.course_id != task.course_id:
        raise NotesRefused("Homework is reviewed at a later session of the same course")
    if str(outcome) not in HomeworkOutcome.values:
        raise NotesRefused("Select whether the homework was done", field="outcome")
    current = HomeworkTask.objects.select_for_update().select_related("set_at").get(pk=task.pk)
    if at.course_id != current.course_id or at.starts_at <= current.set_at.starts_at:
        raise NotesRefused("Homework is reviewed at a later session of the same course")
    before = audit.snapshot(current, REVIEW_FIELDS)
    current.outcome, current.reflection = str(outcome), reflection.strip()
    current.reviewed_at, current.reviewed_by, current.reviewed_on = at, by, timezone.now()
    changes = audit.changes_between(before, audit.snapshot(current, REVIEW_FIELDS))
    current.save(
        update_fields=["outcome", "reflection", "reviewed_at", "reviewed_by", "reviewed_on"]
    )
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=_client_id(current.course),
        summary=f"Reviewed homework: {HomeworkOutcome(current.outcome).label.lower()}",
        changes=changes,
    )
    for name in ("outcome", "reflection", "reviewed_at", "reviewed_by", "reviewed_on"):
        setattr(task, name, getattr(current, name))
    return current


CLIENT_ANSWER_FIELDS = ["client_outcome", "client_reflection"]
CLIENT_REFLECTION_MAX = 2000
ALREADY_REVIEWED = (
    "Your therapist has already talked about this task with you, so your answer cannot be "
    "changed now"
)


@transaction.atomic
def record_client_homework(
    *, task: HomeworkTask, outcome: HomeworkOutcome | str, reflection: str, client: Client
) -> HomeworkTask:
    """The client's own answer through the portal: done, partly done or not done, and what they
    want to say about it. They may change it until the therapist reviews the task; the
    therapist's review fields are left alone. Audited as the client, with before and after."""
    if str(outcome) not in HomeworkOutcome.values:
        raise NotesRefused("Select whether you did this task", field="outcome")
    reflection = (reflection or "").strip()
    if len(reflection) > CLIENT_REFLECTION_MAX:
        raise NotesRefused(
            f"What you write must be {CLIENT_REFLECTION_MAX:,} characters or fewer",
            field="reflection",
        )
    current = HomeworkTask.objects.select_for_update().select_related("course").get(pk=task.pk)
    if current.course.client_id != client.pk:
        raise NotesRefused("This homework belongs to someone else")
    if current.is_reviewed:
        raise NotesRefused(ALREADY_REVIEWED)
    first = not current.is_answered_by_client
    before = audit.snapshot(current, CLIENT_ANSWER_FIELDS)
    current.client_outcome, current.client_reflection = str(outcome), reflection
    changes = audit.changes_between(before, audit.snapshot(current, CLIENT_ANSWER_FIELDS))
    if not first and not changes:
        return current
    current.client_answered_at = timezone.now()
    current.save(update_fields=[*CLIENT_ANSWER_FIELDS, "client_answered_at"])
    label = HomeworkOutcome(current.client_outcome).label.lower()
    audit.record(
        by=None,
        actor_label=audit.client_actor(client),
        action=audit.Action.UPDATE,
        obj=current,
        client_id=client.pk,
        summary=f"The client {'answered' if first else 'changed their answer to'} "
        f"their homework: {label}",
        changes=changes,
    )
    for name in (*CLIENT_ANSWER_FIELDS, "client_answered_at"):
        setattr(task, name, getattr(current, name))
    return current


def _attname(model: type[models.Model], name: str) -> str:
    """The column of a field: `appointment_id` for the `appointment` foreign key."""
    field = model._meta.get_field(name)
    return field.attname if isinstance(field, models.Field) else name


CourseRecord = TypeVar("CourseRecord", MidpointReview, RelapsePreventionPlan, EndingSummary)


def _save_course_record(
    model: type[CourseRecord],
    *,
    course: Course,
    by: User,
    fields: list[str],
    values: dict,
    what: str,
    extra: dict | None = None,
) -> CourseRecord:
    """Create or change a one-per-course record; audited with the fields that changed (`extra`
    ones included, e.g. the mid-point review's appointment)."""
    _check_writer(by, course)
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    cleaned = {name: str(values.get(name) or "").strip() for name in fields}
    if not any(cleaned.values()):
        raise NotesRefused(f"Enter at least one part of the {what}")
    _lock_course(course)
    found = model._default_manager.filter(course=course).first()
    created = found is None
    record = found or model(course=course, updated_by=by)
    extras: dict[str, Any] = extra or {}
    audited = [*fields, *(_attname(model, name) for name in extras)]
    before = {} if created else audit.snapshot(record, audited)
    for name, value in {**cleaned, **extras}.items():
        setattr(record, name, value)
    changes = audit.changes_between(before, audit.snapshot(record, audited))
    if not created and not changes:
        return record
    record.updated_at, record.updated_by = timezone.now(), by
    if created:
        record.save(force_insert=True)
    else:
        record.save(update_fields=[*fields, *extras, "updated_at", "updated_by"])
    audit.record(
        by=by,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        obj=record,
        client_id=_client_id(course),
        summary=f"{'Wrote' if created else 'Changed'} the {what}",
        changes=changes,
    )
    return record


@transaction.atomic
def save_midpoint_review(*, course: Course, by: User, **values: str) -> MidpointReview:
    """Write or change the mid-point review, tied to the contract's mid-point session."""
    return _save_course_record(
        MidpointReview,
        course=course,
        by=by,
        fields=MIDPOINT_FIELDS,
        values=values,
        what="mid-point review",
        extra={"appointment": queries.midpoint_appointment(course)},
    )


@transaction.atomic
def save_relapse_prevention_plan(
    *, course: Course, by: User, **values: str
) -> RelapsePreventionPlan:
    """Write or change the relapse-prevention plan made with the client."""
    return _save_course_record(
        RelapsePreventionPlan,
        course=course,
        by=by,
        fields=PLAN_FIELDS,
        values=values,
        what="relapse-prevention plan",
    )


@transaction.atomic
def save_ending_summary(*, course: Course, by: User, **values: str) -> EndingSummary:
    """Write or change the ending summary a discharge letter is drawn from."""
    return _save_course_record(
        EndingSummary,
        course=course,
        by=by,
        fields=ENDING_SUMMARY_FIELDS,
        values=values,
        what="ending summary",
    )
