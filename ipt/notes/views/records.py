"""The mid-point review, the relapse-prevention plan and the ending summary of a course."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ipt.core.dates import long_datetime
from ipt.core.http import submitted

from .. import access, presenters, queries, services
from ..forms import (
    ENDING_LABELS,
    MIDPOINT_LABELS,
    PLAN_LABELS,
    EndingSummaryForm,
    MidpointReviewForm,
    RelapsePreventionPlanForm,
)
from .scope import page_context, scoped_course


def _record_page(
    request, course, *, attr, form_class, save, fields, labels, template, done, **extra
):
    record = getattr(course, attr, None)
    can_write = access.can_write(request.user, course)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    form = None
    status = 200
    if can_write:
        initial = {name: getattr(record, name) for name in fields} if record else {}
        form = form_class(submitted(request), initial=initial)
        if request.method == "POST":
            if form.is_valid():
                try:
                    save(course=course, by=request.user, **form.cleaned_data)
                except services.NotesRefused as refused:
                    form.add_error(None, str(refused))
                else:
                    messages.success(request, done)
                    return redirect(request.path)
            status = 422
    context = page_context(
        course,
        form=form,
        record=record,
        rows=presenters.text_rows(record, labels, fields),
        updated=f"Last changed {long_datetime(record.updated_at)} by "
        f"{record.updated_by.display_name}"
        if record
        else "",
        **extra,
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def midpoint(request, pk: int):
    """The mid-point review: a form for those who may write, the saved review for readers."""
    course = scoped_course(request, pk)
    appointment = queries.midpoint_appointment(course)
    return _record_page(
        request,
        course,
        attr="midpoint_review",
        form_class=MidpointReviewForm,
        save=services.save_midpoint_review,
        fields=services.MIDPOINT_FIELDS,
        labels=MIDPOINT_LABELS,
        template="notes/midpoint.jinja",
        done="Mid-point review saved",
        session_href=reverse("notes:note", args=[appointment.pk]) if appointment else "",
    )


@require_http_methods(["GET", "POST"])
def relapse_plan(request, pk: int):
    return _record_page(
        request,
        scoped_course(request, pk),
        attr="relapse_prevention_plan",
        form_class=RelapsePreventionPlanForm,
        save=services.save_relapse_prevention_plan,
        fields=services.PLAN_FIELDS,
        labels=PLAN_LABELS,
        template="notes/relapse_plan.jinja",
        done="Relapse-prevention plan saved",
    )


@require_http_methods(["GET", "POST"])
def ending_summary(request, pk: int):
    return _record_page(
        request,
        scoped_course(request, pk),
        attr="ending_summary",
        form_class=EndingSummaryForm,
        save=services.save_ending_summary,
        fields=services.ENDING_SUMMARY_FIELDS,
        labels=ENDING_LABELS,
        template="notes/ending_summary.jinja",
        done="Ending summary saved",
    )


def _ending_context(request, course) -> dict:
    plan = getattr(course, "relapse_prevention_plan", None)
    summary = getattr(course, "ending_summary", None)
    return page_context(
        course,
        plan_rows=presenters.text_rows(plan, PLAN_LABELS, services.PLAN_FIELDS),
        summary_rows=presenters.text_rows(summary, ENDING_LABELS, services.ENDING_SUMMARY_FIELDS),
        has_plan=plan is not None,
        has_summary=summary is not None,
        can_write=access.can_write(request.user, course),
    )


@require_GET
def ending(request, pk: int):
    """The relapse-prevention plan and the ending summary, with links to change them."""
    course = scoped_course(request, pk)
    return render(request, "notes/ending.jinja", _ending_context(request, course))


@require_GET
def ending_print(request, pk: int):
    """Both records on a plain page to print or to draw a discharge letter from."""
    course = scoped_course(request, pk)
    return render(request, "notes/ending_print.jinja", _ending_context(request, course))
