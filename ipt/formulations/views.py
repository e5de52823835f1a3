"""The focus of a course: problem areas, dispute stages, strategies, the formulation, the
middle-phase gate and goals; and the service's problem area labels.

Courses are fetched through `access` (404 out of scope or for administrators, 403 for a
read-only user who tries to change something). Each write is one call to `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from ipt.appointments.queries import session_numbers
from ipt.assessments.queries import current_entries
from ipt.clients.presenters import full_name
from ipt.core.http import submitted

from . import access, gate, presenters, queries, services
from .areas import ProblemArea
from .forms import (
    AgreeForm,
    CloseGoalForm,
    DisputeStageForm,
    FormulationForm,
    GoalForm,
    LabelsForm,
    OverrideForm,
    ProblemAreaForm,
    RatingsForm,
    StrategiesForm,
    shown_value,
)
from .models import Rank


def _refused(form, refused: services.FormulationRefused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


def _base(course) -> dict:
    return {"course": course, "name": full_name(course.client)}


def _overview_url(course, anchor: str = "") -> str:
    return reverse("formulations:overview", kwargs={"pk": course.pk}) + anchor


def _session_labels(request, course) -> dict[int, str]:
    return {pk: n.label for pk, n in session_numbers(request.user, [course.pk]).items()}


@require_GET
def overview(request, pk: int):
    """Problem areas with their details, dispute history and strategies; the formulation;
    goals with their charts; and what stops the middle phase."""
    course = access.clinical_course(request.user, pk)
    labels = queries.problem_area_labels(course.service)
    can_edit = access.can_edit(request.user, course)
    focus = {row.rank: row for row in queries.focus_areas_with_history(course)}
    areas = []
    for rank in Rank:
        row = focus.get(rank.value)
        if row is None:
            continue
        areas.append(
            {
                "focus": row,
                "rank": rank.value,
                "heading": f"{rank.label}: {labels[row.area]}",
                "rows": presenters.area_detail_rows(row, labels),
                "is_dispute": row.area == ProblemArea.ROLE_DISPUTE,
                "history": presenters.stage_history(
                    sorted(row.stage_changes.all(), key=lambda c: (c.changed_on, c.pk))
                ),
                "goals": presenters.goal_texts(row.area),
                "strategies": presenters.strategy_items(row.area, row.strategies_addressed.all()),
                "strategies_shown": shown_value(
                    item.code for item in row.strategies_addressed.all() if item.area == row.area
                ),
                "strategies_id": f"strategies-{rank.value}",
            }
        )
    current = course.formulations.select_related("created_by").order_by("-version").first()
    goals = list(course.goals.prefetch_related("ratings").order_by("created_at", "pk"))
    session_labels = _session_labels(request, course) if goals else {}
    context = {
        **_base(course),
        "can_edit": can_edit,
        "areas": areas,
        "has_primary": Rank.PRIMARY.value in focus,
        "has_secondary": Rank.SECONDARY.value in focus,
        "formulation": current,
        "formulation_rows": presenters.formulation_rows(current) if current else [],
        "client_paragraphs": presenters.paragraphs(current.client_text) if current else [],
        "agreement": presenters.agreement_tag(current),
        "gate": presenters.gate_summary(gate.middle_phase_check(course)),
        "goals": [presenters.goal_item(goal, labels, session_labels) for goal in goals],
        "has_active_goals": any(goal.is_active for goal in goals),
    }
    return render(request, "formulations/overview.jinja", context)


AREA_SECTIONS = (
    (ProblemArea.GRIEF, ("deceased", "inventory_person", "died_on")),
    (ProblemArea.ROLE_DISPUTE, ("dispute_with", "dispute_stage")),
    (ProblemArea.ROLE_TRANSITION, ("from_role", "to_role", "transition_on")),
    (ProblemArea.DEFICITS, ("to_build",)),
)


def _rank(rank: str) -> Rank:
    if rank not in Rank.values:
        raise Http404
    return Rank(rank)


@require_http_methods(["GET", "POST"])
def area_edit(request, pk: int, rank: str):
    """Choose or change the primary or secondary problem area and its details."""
    course = access.editable_course(request.user, pk)
    chosen = _rank(rank)
    focus = course.focus_areas.filter(rank=chosen).first()
    if chosen == Rank.SECONDARY and not course.focus_areas.filter(rank=Rank.PRIMARY).exists():
        return redirect("formulations:area", pk=course.pk, rank=Rank.PRIMARY.value)
    labels = queries.problem_area_labels(course.service)
    initial = {}
    if focus is not None:
        initial = {"area": focus.area}
        initial |= {
            name: getattr(focus, name) for name in services.AREA_ONLY_FIELDS.get(focus.area, ())
        }
    names = [entry.name for entry in current_entries(course)]
    if focus is not None and focus.inventory_person:
        names.append(focus.inventory_person)
    form = ProblemAreaForm(
        submitted(request), labels=labels, inventory_names=names, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.set_problem_area(
                    course=course,
                    rank=chosen,
                    area=form.cleaned_data["area"],
                    details=form.details(),
                    dispute_stage=form.cleaned_data.get("dispute_stage") or "",
                    reason=form.cleaned_data.get("reason") or "",
                    by=request.user,
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, f"{chosen.label} saved: {labels[saved.area]}")
                return redirect(_overview_url(course))
        status = 422
    context = {
        **_base(course),
        "form": form,
        "rank_label": chosen.label,
        "focus": focus,
        "changing_primary": focus is not None and chosen == Rank.PRIMARY,
        "sections": [
            (labels[area], [name for name in fields if name in form.fields])
            for area, fields in AREA_SECTIONS
        ],
    }
    return render(request, "formulations/area.jinja", context, status=status)


def _focus_area(course, rank: str):
    focus = course.focus_areas.filter(rank=_rank(rank)).first()
    if focus is None:
        raise Http404
    return focus


@require_http_methods(["GET", "POST"])
def dispute_stage(request, pk: int, rank: str):
    """Re-stage a role dispute; its history is kept."""
    course = access.editable_course(request.user, pk)
    focus = _focus_area(course, rank)
    if focus.area != ProblemArea.ROLE_DISPUTE:
        raise Http404
    form = DisputeStageForm(submitted(request), initial={"changed_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                change = services.change_dispute_stage(
                    focus_area=focus,
                    stage=form.cleaned_data["stage"],
                    changed_on=form.cleaned_data["changed_on"],
                    note=form.cleaned_data.get("note") or "",
                    by=request.user,
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(
                    request, f"The dispute is now at {change.get_stage_display().lower()}"
                )
                return redirect(_overview_url(course))
        status = 422
    context = {
        **_base(course),
        "form": form,
        "focus": focus,
        "history": presenters.stage_history(focus.stage_changes.select_related("by")),
    }
    return render(request, "formulations/dispute_stage.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def strategies(request, pk: int, rank: str):
    """Tick the middle-phase strategies worked on for a problem area. The form carries the
    ticks it showed; if someone else changed them meanwhile, both are shown (409)."""
    course = access.editable_course(request.user, pk)
    focus = _focus_area(course, rank)
    addressed = list(
        focus.strategies_addressed.current().filter(area=focus.area).select_related("by")
    )
    saved = [row.code for row in addressed]
    form = StrategiesForm(
        submitted(request),
        area=focus.area,
        initial={"strategies": saved, "shown": shown_value(saved)},
    )
    status = 200
    conflict = None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.mark_strategies(
                    focus_area=focus,
                    codes=form.cleaned_data["strategies"],
                    shown=form.shown_codes(),
                    by=request.user,
                )
            except services.StrategiesChanged as changed:
                # The form now carries the saved ticks, so saving again deliberately applies
                # the user's choice over what is shown as saved.
                data = request.POST.copy()
                data["shown"] = shown_value(changed.saved)
                form = StrategiesForm(data, area=focus.area)
                form.is_valid()
                form.add_error(None, str(changed))
                addressed = list(
                    focus.strategies_addressed.current()
                    .filter(area=focus.area)
                    .select_related("by")
                )
                conflict = presenters.strategies_conflict(
                    focus.area, addressed, form.cleaned_data.get("strategies") or []
                )
                status = 409
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Strategies worked on saved")
                return redirect(_overview_url(course, f"#strategies-{focus.rank}"))
        status = status if conflict else 422
    labels = queries.problem_area_labels(course.service)
    context = {
        **_base(course),
        "form": form,
        "area_label": labels[focus.area],
        "items": presenters.strategy_items(focus.area, addressed),
        "focus": focus,
        "conflict": conflict,
    }
    return render(request, "formulations/strategies.jinja", context, status=status)


def _current(course):
    return course.formulations.select_related("created_by").order_by("-version").first()


@require_GET
def formulation(request, pk: int):
    """The current formulation, both versions of its text, whether it is agreed, and history."""
    course = access.clinical_course(request.user, pk)
    versions = list(course.formulations.select_related("created_by").order_by("-version"))
    current = versions[0] if versions else None
    can_edit = access.can_edit(request.user, course)
    context = {
        **_base(course),
        "can_edit": can_edit,
        "formulation": current,
        "rows": presenters.formulation_rows(current) if current else [],
        "clinician_paragraphs": presenters.paragraphs(current.clinician_text) if current else [],
        "client_paragraphs": presenters.paragraphs(current.client_text) if current else [],
        "agreement": presenters.agreement_tag(current),
        "versions": presenters.version_rows(versions, current.pk if current else None),
        "agree_form": (
            AgreeForm(initial={"agreed_on": timezone.localdate()})
            if can_edit and current and not current.is_agreed
            else None
        ),
    }
    return render(request, "formulations/formulation.jinja", context)


@require_GET
def formulation_version(request, pk: int, version: int):
    course = access.clinical_course(request.user, pk)
    shown = get_object_or_404(course.formulations.select_related("created_by"), version=version)
    latest = _current(course)
    context = {
        **_base(course),
        "formulation": shown,
        "is_current": latest is not None and latest.pk == shown.pk,
        "rows": presenters.formulation_rows(shown),
        "clinician_paragraphs": presenters.paragraphs(shown.clinician_text),
        "client_paragraphs": presenters.paragraphs(shown.client_text),
    }
    return render(request, "formulations/version.jinja", context)


@require_http_methods(["GET", "POST"])
def formulation_edit(request, pk: int):
    """Write the formulation, or a new version of it; earlier versions are kept."""
    course = access.editable_course(request.user, pk)
    current = _current(course)
    initial = (
        {"clinician_text": current.clinician_text, "client_text": current.client_text}
        if current
        else {}
    )
    form = FormulationForm(submitted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                written = services.write_formulation(
                    course=course,
                    clinician_text=form.cleaned_data["clinician_text"],
                    client_text=form.cleaned_data["client_text"],
                    by=request.user,
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(
                    request,
                    f"Version {written.version} of the formulation saved. "
                    "Agree it with the client before the middle phase.",
                )
                return redirect("formulations:formulation", pk=course.pk)
        status = 422
    context = {**_base(course), "form": form, "current": current}
    return render(request, "formulations/formulation_edit.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def formulation_agree(request, pk: int):
    """Record the date the client agreed the current version."""
    course = access.editable_course(request.user, pk)
    current = _current(course)
    if current is None:
        raise Http404
    form = AgreeForm(submitted(request), initial={"agreed_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agree_formulation(
                    formulation=current, agreed_on=form.cleaned_data["agreed_on"], by=request.user
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(
                    request, f"Version {current.version} of the formulation marked as agreed"
                )
                return redirect("formulations:formulation", pk=course.pk)
        status = 422
    context = {**_base(course), "form": form, "formulation": current}
    return render(request, "formulations/agree.jinja", context, status=status)


def _safe_next(request, course) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return _overview_url(course)


@require_http_methods(["GET", "POST"])
def middle_phase(request, pk: int):
    """What is missing before the middle phase, and the confirmation to start it anyway."""
    course = access.clinical_course(request.user, pk)
    can_edit = access.can_edit(request.user, course)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    next_url = _safe_next(request, course)
    check = gate.middle_phase_check(course)
    form = OverrideForm(submitted(request)) if can_edit and check.needs_confirmation else None
    status = 200
    if request.method == "POST":
        if form is None:
            return redirect(next_url)
        if form.is_valid():
            try:
                services.override_middle_phase_gate(
                    course=course, reason=form.cleaned_data["reason"], by=request.user
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Starting the middle phase has been confirmed")
                return redirect(next_url)
        status = 422
    context = {
        **_base(course),
        "gate": presenters.gate_summary(check),
        "form": form,
        "next_url": next_url,
        "can_edit": can_edit,
    }
    return render(request, "formulations/middle_phase.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def goal_add(request, pk: int):
    course = access.editable_course(request.user, pk)
    labels = queries.problem_area_labels(course.service)
    codes = queries.focus_area_codes(course)
    form = GoalForm(
        submitted(request),
        areas=[(code, labels[code]) for code in codes],
        initial={"problem_area": codes[0] if codes else ""},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_goal(
                    course=course,
                    text=form.cleaned_data["text"],
                    problem_area=form.cleaned_data.get("problem_area") or "",
                    by=request.user,
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Goal added")
                return redirect(_overview_url(course, "#goals"))
        status = 422
    context = {
        **_base(course),
        "form": form,
        "goals": [goal.text for goal in course.goals.active().order_by("created_at", "pk")],
    }
    return render(request, "formulations/goal_add.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def goal_close(request, pk: int, goal_pk: int):
    course = access.editable_course(request.user, pk)
    goal = get_object_or_404(course.goals.active(), pk=goal_pk)
    form = CloseGoalForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closed = services.close_goal(
                    goal=goal, status=form.cleaned_data["status"], by=request.user
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, f"Goal marked as {closed.get_status_display().lower()}")
                return redirect(_overview_url(course, "#goals"))
        status = 422
    context = {**_base(course), "form": form, "goal": goal}
    return render(request, "formulations/goal_close.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def goal_ratings(request, pk: int):
    """The client's 0–10 rating of each current goal, for a session or a date."""
    course = access.editable_course(request.user, pk)
    goals = list(course.goals.active().order_by("created_at", "pk"))
    if not goals:
        context = {**_base(course), "form": None}
        return render(request, "formulations/goal_ratings.jinja", context)
    appointments = list(course.appointments.order_by("starts_at", "pk"))
    session_labels = _session_labels(request, course)
    numbered = [a for a in appointments if session_labels.get(a.pk)]
    choices = presenters.appointment_choices(numbered, session_labels)
    form = RatingsForm(
        submitted(request),
        goals=goals,
        appointment_choices=choices,
        initial={"rated_on": timezone.localdate(), "appointment": request.GET.get("appointment")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data.get("appointment")
            appointment = next((a for a in numbered if str(a.pk) == chosen), None)
            try:
                services.record_goal_ratings(
                    course=course,
                    scores=form.scores,
                    rated_on=form.cleaned_data["rated_on"],
                    appointment=appointment,
                    by=request.user,
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Goal ratings saved")
                return redirect(_overview_url(course, "#goals"))
        status = 422
    context = {**_base(course), "form": form}
    return render(request, "formulations/goal_ratings.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def labels(request):
    """Service managers and administrators choose how the problem areas are named."""
    user = request.user
    if not access.can_set_labels(user):
        raise Http404
    current = queries.problem_area_labels(user.service)
    form = LabelsForm(submitted(request), labels=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_problem_area_labels(
                    service=user.service, labels=form.labels(), by=user
                )
            except services.FormulationRefused as refused:
                _refused(form, refused)
            else:
                messages.success(request, "Problem area labels saved")
                return redirect("formulations:labels")
        status = 422
    return render(request, "formulations/labels.jinja", {"form": form}, status=status)
