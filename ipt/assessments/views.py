"""The initial-phase record of a course: assessment, interpersonal inventory (with its closeness
circle and snapshots) and timeline; and the service's record settings.

Courses are fetched through `access` (404 outside scope, 403 for a write by someone who may only
read); everything else through the course. Each write is one call to `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipt.clients.presenters import full_name
from ipt.core.dates import long_date
from ipt.core.http import submitted
from ipt.formulations import queries as formulations

from . import access, presenters, queries, services
from .checklist import initial_phase_tasks
from .circle import build_circle, initials
from .compare import compare as compare_entries
from .forms import (
    AssessmentForm,
    CompareForm,
    EpisodeForm,
    EventForm,
    PersonForm,
    SettingsForm,
    SnapshotForm,
)
from .timeline import build_axis, episode_when, when


def _base(request, course) -> dict:
    return {
        "course": course,
        "name": full_name(course.client),
        "can_write": access.can_write(request.user, course),
    }


def _refused(form, refused: services.AssessmentRefused) -> None:
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, str(refused))


@require_GET
def overview(request, pk: int):
    course = access.course_to_read(request.user, pk)
    context = _base(request, course)
    assessment = queries.assessment_for(course)
    tasks = initial_phase_tasks(course)
    edit = reverse("assessments:edit", kwargs={"pk": pk}) if context["can_write"] else None
    context.update(
        {
            "rows": presenters.assessment_rows(assessment, edit),
            "last_changed": presenters.last_changed(assessment),
            "tasks": presenters.task_items(tasks, links={"assessments:overview": edit}),
            "tasks_summary": presenters.tasks_summary(tasks),
        }
    )
    return render(request, "assessments/overview.jinja", context)


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    course = access.course_to_write(request.user, pk)
    assessment = queries.assessment_for(course)
    form = AssessmentForm(submitted(request), initial=AssessmentForm.initial_from(assessment))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_assessment(course=course, by=request.user, **form.values())
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Assessment saved")
                return redirect("assessments:overview", pk=course.pk)
        status = 422
    context = {**_base(request, course), "form": form}
    return render(request, "assessments/edit.jinja", context, status=status)


def _entries(course):
    return queries.current_entries(course)


@require_GET
def inventory(request, pk: int):
    course = access.course_to_read(request.user, pk)
    context = _base(request, course)
    entries = _entries(course)
    snapshots = list(course.inventory_snapshots.select_related("taken_by").order_by("-taken_at"))
    circle = (
        build_circle(
            people=queries.people_of(entries),
            rings=queries.settings_for(course.service_id).closeness_rings,
            centre_label=initials(course.client.full_name),
        )
        if entries
        else None
    )
    context.update(
        {
            "circle": circle,
            "cards": presenters.person_cards(
                entries,
                course.pk,
                context["can_write"],
                formulations.problem_area_labels(course.service),
            ),
            "snapshots": presenters.snapshot_rows(snapshots),
            "snapshot_form": SnapshotForm() if context["can_write"] else None,
        }
    )
    return render(request, "assessments/inventory.jinja", context)


def _entry(course, entry_pk: int):
    return get_object_or_404(course.inventory_entries.current(), pk=entry_pk)


def _person_form_page(request, course, form, *, entry=None, status=200):
    context = {**_base(request, course), "form": form, "entry": entry}
    return render(request, "assessments/person_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def person_add(request, pk: int):
    course = access.course_to_write(request.user, pk)
    rings = queries.settings_for(course.service_id).closeness_rings
    form = PersonForm(
        submitted(request),
        rings=rings,
        area_labels=formulations.problem_area_labels(course.service),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.add_person(course=course, by=request.user, **form.values())
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, f"{entry.name} added to the inventory")
                return redirect("assessments:inventory", pk=course.pk)
        return _person_form_page(request, course, form, status=422)
    return _person_form_page(request, course, form)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int, entry_pk: int):
    course = access.course_to_write(request.user, pk)
    entry = _entry(course, entry_pk)
    rings = max(queries.settings_for(course.service_id).closeness_rings, entry.ring)
    form = PersonForm(
        submitted(request),
        rings=rings,
        area_labels=formulations.problem_area_labels(course.service),
        initial=PersonForm.initial_from(entry),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_person(entry=entry, by=request.user, **form.values())
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, f"Changes to {entry.name} saved")
                return redirect("assessments:inventory", pk=course.pk)
        return _person_form_page(request, course, form, entry=entry, status=422)
    return _person_form_page(request, course, form, entry=entry)


@require_http_methods(["GET", "POST"])
def person_remove(request, pk: int, entry_pk: int):
    course = access.course_to_write(request.user, pk)
    entry = _entry(course, entry_pk)
    if request.method == "POST":
        services.remove_person(entry=entry, by=request.user)
        messages.success(request, f"{entry.name} removed from the inventory")
        return redirect("assessments:inventory", pk=course.pk)
    context = {
        **_base(request, course),
        "what": f"{entry.name} from the interpersonal inventory",
        "explanation": "Snapshots already taken keep them. You can add them again later.",
        "back": reverse("assessments:inventory", kwargs={"pk": course.pk}),
    }
    return render(request, "assessments/remove.jinja", context)


@require_POST
def snapshot_take(request, pk: int):
    course = access.course_to_write(request.user, pk)
    form = SnapshotForm(request.POST)
    if form.is_valid():
        try:
            snapshot = services.take_snapshot(
                course=course, occasion=form.cleaned_data["occasion"], by=request.user
            )
        except services.AssessmentRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"Snapshot taken: {presenters.snapshot_label(snapshot)}")
            return redirect("assessments:inventory", pk=course.pk)
    context = {**_base(request, course), "form": form}
    return render(request, "assessments/snapshot_form.jinja", context, status=422)


NOW = "now"


@require_GET
def compare(request, pk: int):
    """Two snapshots side by side (or a snapshot and the inventory now), each with its circle,
    and what changed between them. Defaults: the first snapshot against now."""
    course = access.course_to_read(request.user, pk)
    snapshots = list(course.inventory_snapshots.select_related("taken_by").order_by("taken_at"))
    if not snapshots:
        raise Http404
    by_id = {str(snapshot.pk): snapshot for snapshot in snapshots}
    before_key = request.GET.get("before") or str(snapshots[0].pk)
    after_key = request.GET.get("after") or NOW
    if before_key not in by_id or (after_key != NOW and after_key not in by_id):
        raise Http404
    rings = queries.settings_for(course.service_id).closeness_rings
    centre = initials(course.client.full_name)

    def side(key: str, slot: str) -> dict:
        if key == NOW:
            entries = queries.frozen(_entries(course))
            label, side_rings = f"Now, {long_date(timezone.localdate())}", rings
        else:
            snapshot = by_id[key]
            entries, label, side_rings = (
                snapshot.entries,
                presenters.snapshot_label(snapshot),
                snapshot.rings,
            )
        circle = build_circle(
            people=queries.people_of(entries),
            rings=side_rings,
            centre_label=centre,
            id=f"circle-{slot}",
        )
        return {
            "label": label,
            "circle": circle,
            "rows": presenters.frozen_rows(entries),
            "entries": entries,
        }

    before, after = side(before_key, "before"), side(after_key, "after")
    changes = compare_entries(before["entries"], after["entries"])
    choices = [(str(s.pk), presenters.snapshot_label(s)) for s in snapshots]
    context = {
        **_base(request, course),
        "before": before,
        "after": after,
        "changes": [change.text for change in changes],
        "choose": CompareForm(
            {"before": before_key, "after": after_key},
            before=choices,
            after=[*choices, (NOW, "The inventory now")],
        ),
    }
    return render(request, "assessments/compare.jinja", context)


@require_GET
def timeline(request, pk: int):
    course = access.course_to_read(request.user, pk)
    context = _base(request, course)
    events = list(course.timeline_events.prefetch_related("people").order_by("occurred_on", "pk"))
    episodes = list(course.mood_episodes.order_by("started_on", "pk"))
    context.update(
        {
            "axis": build_axis(events=events, episodes=episodes, today=timezone.localdate()),
            "rows": presenters.timeline_rows(events, episodes, course.pk, context["can_write"]),
        }
    )
    return render(request, "assessments/timeline.jinja", context)


def _event_form_page(request, course, form, *, event=None, status=200):
    context = {
        **_base(request, course),
        "form": form,
        "event": event,
        "has_people": bool(form.fields["people"].choices),
    }
    return render(request, "assessments/event_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def event_add(request, pk: int):
    course = access.course_to_write(request.user, pk)
    form = EventForm(submitted(request), people=queries.people_to_choose(course))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_event(course=course, by=request.user, **form.values())
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Life event added to the timeline")
                return redirect("assessments:timeline", pk=course.pk)
        return _event_form_page(request, course, form, status=422)
    return _event_form_page(request, course, form)


@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int, item_pk: int):
    course = access.course_to_write(request.user, pk)
    event = get_object_or_404(course.timeline_events.prefetch_related("people"), pk=item_pk)
    form = EventForm(
        submitted(request),
        people=queries.people_to_choose(course, event),
        initial=EventForm.initial_from(event),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_event(event=event, by=request.user, **form.values())
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Changes to the life event saved")
                return redirect("assessments:timeline", pk=course.pk)
        return _event_form_page(request, course, form, event=event, status=422)
    return _event_form_page(request, course, form, event=event)


@require_http_methods(["GET", "POST"])
def event_remove(request, pk: int, item_pk: int):
    course = access.course_to_write(request.user, pk)
    event = get_object_or_404(course.timeline_events, pk=item_pk)
    if request.method == "POST":
        services.remove_event(event=event, by=request.user)
        messages.success(request, "Life event removed from the timeline")
        return redirect("assessments:timeline", pk=course.pk)
    context = {
        **_base(request, course),
        "what": f"the life event of {when(event.occurred_on, event.precision)} "
        f"({event.get_kind_display().lower()}) from the timeline",
        "explanation": "The audit log keeps a record of what it said.",
        "back": reverse("assessments:timeline", kwargs={"pk": course.pk}),
    }
    return render(request, "assessments/remove.jinja", context)


def _episode_form_page(request, course, form, *, episode=None, status=200):
    context = {**_base(request, course), "form": form, "episode": episode}
    return render(request, "assessments/episode_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def episode_add(request, pk: int):
    course = access.course_to_write(request.user, pk)
    form = EpisodeForm(submitted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_episode(course=course, by=request.user, **form.cleaned_data)
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Episode added to the timeline")
                return redirect("assessments:timeline", pk=course.pk)
        return _episode_form_page(request, course, form, status=422)
    return _episode_form_page(request, course, form)


@require_http_methods(["GET", "POST"])
def episode_edit(request, pk: int, item_pk: int):
    course = access.course_to_write(request.user, pk)
    episode = get_object_or_404(course.mood_episodes, pk=item_pk)
    initial = {name: getattr(episode, name) for name in services.EPISODE_FIELDS}
    form = EpisodeForm(submitted(request), initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_episode(episode=episode, by=request.user, **form.cleaned_data)
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Changes to the episode saved")
                return redirect("assessments:timeline", pk=course.pk)
        return _episode_form_page(request, course, form, episode=episode, status=422)
    return _episode_form_page(request, course, form, episode=episode)


@require_http_methods(["GET", "POST"])
def episode_remove(request, pk: int, item_pk: int):
    course = access.course_to_write(request.user, pk)
    episode = get_object_or_404(course.mood_episodes, pk=item_pk)
    if request.method == "POST":
        services.remove_episode(episode=episode, by=request.user)
        messages.success(request, "Episode removed from the timeline")
        return redirect("assessments:timeline", pk=course.pk)
    context = {
        **_base(request, course),
        "what": "the episode of depression "
        f"({episode_when(episode.started_on, episode.ended_on).lower()}) "
        "from the timeline",
        "explanation": "The audit log keeps a record of what it said.",
        "back": reverse("assessments:timeline", kwargs={"pk": course.pk}),
    }
    return render(request, "assessments/remove.jinja", context)


@require_http_methods(["GET", "POST"])
def settings(request):
    """Service managers and administrators set how many rings closeness circles have."""
    user = request.user
    if not access.can_change_settings(user):
        raise Http404
    current = queries.settings_for(user.service_id)
    form = SettingsForm(
        submitted(request), initial={"closeness_rings": str(current.closeness_rings)}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_settings(service=user.service, by=user, **form.cleaned_data)
            except services.AssessmentRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Clinical record settings saved")
                return redirect("assessments:settings")
        status = 422
    return render(request, "assessments/settings.jinja", {"form": form}, status=status)
