"""The notes list and a session's note: writing, changing (with the concurrent-edit check),
signing and addenda."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ipt.core.dates import long_datetime
from ipt.core.http import submitted
from ipt.courses import services as courses

from .. import access, links, presenters, queries, services, templates
from ..forms import (
    AddendumForm,
    NoteForm,
    SignForm,
)
from ..templates import Template
from .scope import page_context, scoped_course, scoped_note, scoped_session


@require_GET
def course_notes(request, pk: int):
    """Every session of the course with its note's status, homework and the mid-point review."""
    course = scoped_course(request, pk)
    sessions = queries.sessions_of(course)
    notes = {
        note.appointment_id: note
        for note in course.session_notes.only("pk", "course_id", "appointment_id", "signed_at")
    }
    homework_set = dict(
        course.homework.values("set_at_id").annotate(n=Count("pk")).values_list("set_at_id", "n")
    )
    homework_reviewed = dict(
        course.homework.filter(reviewed_at__isnull=False)
        .values("reviewed_at_id")
        .annotate(n=Count("pk"))
        .values_list("reviewed_at_id", "n")
    )
    midpoint_done = hasattr(course, "midpoint_review")
    rows = presenters.session_rows(
        sessions,
        notes=notes,
        homework_set=homework_set,
        homework_reviewed=homework_reviewed,
        midpoint_done=midpoint_done,
    )
    context = page_context(
        course,
        progress=courses.progress(course).label,
        rows=rows,
        can_write=access.can_write(request.user, course),
    )
    return render(request, "notes/list.jinja", context)


def _homework_context(request, appointment, course, sessions, *, can_write: bool) -> dict:
    labels = {s.appointment.pk: s.number.label for s in sessions}

    def review_href(task):
        return reverse("notes:homework_review", args=[appointment.pk, task.pk])

    set_here = course.homework.filter(set_at=appointment).select_related("set_at")
    return {
        "homework_set": presenters.homework_items(set_here, session_label=labels.get),
        "homework_due": presenters.homework_items(
            queries.homework_to_review(appointment),
            review_href=review_href if can_write else None,
            session_label=labels.get,
        ),
    }


@require_GET
def note(request, pk: int):
    """The note of a session (or its absence), its addenda and the session's homework."""
    appointment, course, session = scoped_session(request, pk)
    found = scoped_note(request, appointment)
    can_write = access.can_write(request.user, course)
    sessions = queries.sessions_of(course)
    context = page_context(
        course,
        session,
        note=found,
        status=presenters.status_tag(found),
        can_write=can_write,
        can_sign=found is not None
        and not found.is_signed
        and found.author_id == request.user.pk
        and can_write,
        midpoint_href=reverse("notes:midpoint", args=[course.pk]) if session.is_midpoint else "",
        midpoint_done=hasattr(course, "midpoint_review"),
        **_homework_context(request, appointment, course, sessions, can_write=can_write),
    )
    if session.template == Template.INITIAL:
        context["checklist"] = links.initial_phase_tasks(course)
    if found is not None:
        services.record_view(note=found, by=request.user)
        context.update(
            sections=presenters.content_sections(
                found.template, found.content, strategy_text=links.strategy_texts(course)
            ),
            meta=presenters.note_meta(found),
            addenda=presenters.addendum_items(found.addenda.select_related("author")),
        )
    return render(request, "notes/note.jinja", context)


def _note_form(course, session, data=None, **kwargs) -> NoteForm:
    strategies = links.strategies(course) if session.template == Template.MIDDLE else ()
    return NoteForm(data, template=session.template, strategies=strategies, **kwargs)


def _form_page(request, course, session, form, *, status: int, **extra):
    context = page_context(
        course,
        session,
        form=form,
        groups=_groups(form),
        no_strategies=session.template == Template.MIDDLE and not form.strategies,
        area=links.problem_area_label(course) if session.template == Template.MIDDLE else "",
        **extra,
    )
    if session.template == Template.INITIAL:
        context["checklist"] = links.initial_phase_tasks(course)
    return render(request, "notes/note_form.jinja", context, status=status)


def _groups(form: NoteForm) -> list[dict]:
    """The form's fields in order, those of a record (e.g. role play) gathered under a legend."""

    parts: list[dict] = []
    for item in templates.fields_for(form.template):
        if item.name not in form.fields:
            continue
        if item.needs:
            group = templates.GROUPS[item.group]
            if not parts or parts[-1].get("group") != group.name:
                parts.append(
                    {"group": group.name, "legend": group.legend, "hint": group.hint, "fields": []}
                )
            parts[-1]["fields"].append(form[item.name])
        else:
            parts.append({"field": form[item.name]})
    return parts


@require_http_methods(["GET", "POST"])
def note_new(request, pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    if scoped_note(request, appointment) is not None:
        return redirect("notes:edit", pk=appointment.pk)
    if session.template == Template.MIDDLE:
        gate = links.middle_phase_redirect(course, reverse("notes:new", args=[appointment.pk]))
        if gate is not None:
            return redirect(gate)
    form = _note_form(course, session, submitted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.start_note(
                    appointment=appointment, content=form.content(), by=request.user
                )
            except services.NotesRefused as refused:
                form.add_error(
                    refused.field if refused.field in form.fields else None, str(refused)
                )
            else:
                messages.success(
                    request, f"Note of {session.number.label.lower()} saved as a draft"
                )
                return redirect("notes:note", pk=appointment.pk)
        return _form_page(request, course, session, form, status=422, title="Write the note")
    return _form_page(request, course, session, form, status=200, title="Write the note")


@require_http_methods(["GET", "POST"])
def note_edit(request, pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    found = scoped_note(request, appointment)
    if found is None:
        return redirect("notes:new", pk=appointment.pk)
    if found.is_signed:
        if request.method == "GET":
            return redirect("notes:note", pk=appointment.pk)
        context = page_context(course, session, message=services.LOCKED)
        return render(request, "notes/locked.jinja", context, status=422)
    if request.method == "GET":
        form = _note_form(course, session, initial={**found.content, "version": found.version})
        return _form_page(request, course, session, form, status=200, title="Change the note")
    form = _note_form(course, session, request.POST)
    if form.is_valid():
        try:
            services.update_note(
                note=found,
                content=form.content(),
                expected_version=form.cleaned_data["version"] or 0,
                by=request.user,
            )
        except services.EditConflict as conflict:
            return _conflict(request, course, session, conflict)
        except services.NoteLocked:
            context = page_context(course, session, message=services.LOCKED)
            return render(request, "notes/locked.jinja", context, status=422)
        except services.NotesRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, "Draft note saved")
            return redirect("notes:note", pk=appointment.pk)
    return _form_page(request, course, session, form, status=422, title="Change the note")


def _conflict(request, course, session, conflict: services.EditConflict):
    """Both versions: the one saved meanwhile, and the user's, still in the form. The form now
    carries the saved version, so saving it again deliberately replaces what is shown."""
    saved = conflict.saved
    data = request.POST.copy()
    data["version"] = str(saved.version)
    form = _note_form(course, session, data)
    form.is_valid()
    form.add_error(None, str(conflict))
    return _form_page(
        request,
        course,
        session,
        form,
        status=409,
        title="Change the note",
        conflict={
            "sections": presenters.content_sections(
                saved.template, saved.content, strategy_text=links.strategy_texts(course)
            ),
            "saved": f"Saved by {saved.updated_by.display_name}, "
            f"{long_datetime(saved.updated_at)} (version {saved.version})",
        },
    )


@require_http_methods(["GET", "POST"])
def note_sign(request, pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    found = scoped_note(request, appointment)
    if found is None:
        raise Http404
    if found.author_id != request.user.pk:
        raise PermissionDenied
    form = SignForm(submitted(request))
    status = 200
    if request.method == "POST":
        try:
            services.sign_note(note=found, by=request.user)
        except services.NotesRefused as refused:
            form.add_error(None, str(refused))
            status = 422
        else:
            messages.success(request, "Note signed. It can no longer be changed")
            return redirect("notes:note", pk=appointment.pk)
    return render(
        request, "notes/sign.jinja", page_context(course, session, form=form), status=status
    )


@require_http_methods(["GET", "POST"])
def note_addendum(request, pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    found = scoped_note(request, appointment)
    if found is None or not found.is_signed:
        raise Http404
    form = AddendumForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_addendum(note=found, text=form.cleaned_data["text"], by=request.user)
            except services.NotesRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "Addendum added")
                return redirect("notes:note", pk=appointment.pk)
        status = 422
    context = page_context(
        course,
        session,
        form=form,
        sections=presenters.content_sections(
            found.template, found.content, strategy_text=links.strategy_texts(course)
        ),
    )
    return render(request, "notes/addendum.jinja", context, status=status)
