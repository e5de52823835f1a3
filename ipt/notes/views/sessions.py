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

from ipt.core.dates import long_date, long_datetime
from ipt.core.http import submitted
from ipt.courses import services as courses
from ipt.diaries import presenters as diary_presenters
from ipt.diaries import queries as diary_queries

from .. import access, links, presenters, queries, services, templates
from ..forms import (
    AddendumForm,
    NoteForm,
    SignForm,
)
from ..templates import YES_NO, Template
from .scope import page_context, scoped_course, scoped_note, scoped_session


@require_GET
def course_notes(request, pk: int):
    """Every session of the course with its note's status, homework and the mid-point review."""
    course = scoped_course(request, pk)
    notes = {
        note.appointment_id: note
        for note in course.session_notes.only(
            "pk", "course_id", "appointment_id", "template", "signed_at"
        )
    }
    sessions = queries.sessions_of(course, notes={pk: note.template for pk, note in notes.items()})
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
    labels = {s.appointment.pk: s.label for s in sessions}

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
    not_held = session.not_held_reason()
    context = page_context(
        course,
        session,
        note=found,
        status=presenters.status_tag(found),
        can_write=can_write,
        not_held=not_held,
        can_sign=found is not None
        and not found.is_signed
        and found.author_id == request.user.pk
        and can_write
        and not not_held,
        midpoint_href=reverse("notes:midpoint", args=[course.pk]) if session.is_midpoint else "",
        midpoint_done=hasattr(course, "midpoint_review"),
        **_homework_context(request, appointment, course, sessions, can_write=can_write),
    )
    if session.template == Template.INITIAL:
        context["checklist"] = links.initial_phase_tasks(course)
    context["diary"] = _diary_since_last_session(appointment, course, sessions)
    if found is not None:
        services.record_view(note=found, by=request.user)
        context.update(
            sections=_sections(course, found.template, found.content),
            meta=presenters.note_meta(found),
            addenda=presenters.addendum_items(found.addenda.select_related("author")),
        )
    return render(request, "notes/note.jinja", context)


def _diary_since_last_session(appointment, course, sessions) -> list[dict]:
    """What the client has written in their diary since the session before this one."""
    earlier = [
        s.appointment.starts_at for s in sessions if s.appointment.starts_at < appointment.starts_at
    ]
    entries = (
        diary_queries.entries_since(course, max(earlier))
        if earlier
        else list(reversed(diary_queries.entries_of(course)))
    )
    return [
        {
            "when": long_date(entry.happened_on),
            "mood": diary_presenters.mood_text(entry.mood),
            "what": entry.what_happened,
            "who": entry.who_with,
            "feelings": entry.feelings,
        }
        for entry in entries
    ]


def _sections(course, template, content) -> list[dict]:
    """A note's content for reading, its strategies worded as the problem area it stored."""
    area = links.note_area(course, content)
    return presenters.content_sections(
        template, content, strategy_text=links.strategy_texts(course, area=area)
    )


def _note_form(course, template, data=None, *, saved: dict | None = None, **kwargs) -> NoteForm:
    """The form of a note's template. The strategies offered are those of the area the saved
    note stored (else the course's primary area now), with every code ticked in it kept."""
    strategies: tuple = ()
    if template == Template.MIDDLE:
        strategies = links.strategies(
            course,
            area=links.note_area(course, saved),
            ticked=(saved or {}).get("strategies") or (),
        )
    return NoteForm(data, template=template, strategies=strategies, **kwargs)


def _form_page(request, course, session, form, *, status: int, saved=None, **extra):
    middle = form.template == Template.MIDDLE
    context = page_context(
        course,
        session,
        form=form,
        groups=_groups(form),
        no_strategies=middle and not form.strategies,
        area=links.problem_area_label(course, area=links.note_area(course, saved))
        if middle
        else "",
        **extra,
    )
    context["template_label"] = form.template.label
    if form.template == Template.INITIAL:
        context["checklist"] = links.initial_phase_tasks(course)
    return render(request, "notes/note_form.jinja", context, status=status)


def _topic_legend(label: str) -> dict:
    return {"fieldset": {"legend": {"text": label, "size": "m"}}}


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
        elif item.kind == YES_NO:
            # An ending topic: its yes or no is the topic's one fieldset, legend and hint, and
            # its notes follow it.
            parts.append({"field": form[item.name], "overrides": _topic_legend(item.label)})
        else:
            parts.append({"field": form[item.name]})
    return parts


@require_http_methods(["GET", "POST"])
def note_new(request, pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    if scoped_note(request, appointment) is not None:
        return redirect("notes:edit", pk=appointment.pk)
    if request.method == "GET" and session.not_held_reason():
        return redirect("notes:note", pk=appointment.pk)  # which says why
    if session.template == Template.MIDDLE:
        gate = links.middle_phase_redirect(course, reverse("notes:new", args=[appointment.pk]))
        if gate is not None:
            return redirect(gate)
    form = _note_form(course, session.template, submitted(request))
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
                messages.success(request, f"Note of {session.label.lower()} saved as a draft")
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
        return _locked(request, course, session, found)
    saved = found.content
    if request.method == "GET":
        form = _note_form(
            course, found.template, saved=saved, initial={**saved, "version": found.version}
        )
        return _form_page(
            request, course, session, form, status=200, saved=saved, title="Change the note"
        )
    form = _note_form(course, found.template, request.POST, saved=saved)
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
            return _locked(request, course, session, found)
        except services.NotesRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, "Draft note saved")
            return redirect("notes:note", pk=appointment.pk)
    return _form_page(
        request, course, session, form, status=422, saved=saved, title="Change the note"
    )


def _posted_content(request, template) -> dict:
    """What the user submitted, as note content, whether or not it would be valid."""
    raw = {
        item.name: request.POST.getlist(item.name)
        if item.kind == templates.CHOICES
        else request.POST.get(item.name, "")
        for item in templates.fields_for(template)
    }
    return templates.clean_content(template, raw)


def _locked(request, course, session, found):
    """The note was signed while the user was changing it: nothing is saved, and what they wrote
    is shown read-only so they can copy it into an addendum."""
    posted = _posted_content(request, found.template)
    context = page_context(
        course,
        session,
        message=services.LOCKED,
        submitted=_sections(course, found.template, {**found.content, **posted})
        if any(posted.values())
        else [],
    )
    return render(request, "notes/locked.jinja", context, status=422)


def _conflict(request, course, session, conflict: services.EditConflict):
    """Both versions: the one saved meanwhile, and the user's, still in the form. The form now
    carries the saved version, so saving it again deliberately replaces what is shown."""
    saved = conflict.saved
    data = request.POST.copy()
    data["version"] = str(saved.version)
    form = _note_form(course, saved.template, data, saved=saved.content)
    form.is_valid()
    form.add_error(None, str(conflict))
    return _form_page(
        request,
        course,
        session,
        form,
        status=409,
        saved=saved.content,
        title="Change the note",
        conflict={
            "sections": _sections(course, saved.template, saved.content),
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
        sections=_sections(course, found.template, found.content),
    )
    return render(request, "notes/addendum.jinja", context, status=status)
