"""Supervision: a supervisor's supervisees with their open cases and outcomes, and the
supervision notes of one case. Courses are reached through `access`; anything out of scope is
a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ipt.clients.presenters import full_name
from ipt.core.http import submitted

from . import access, presenters, queries, services
from .forms import NoteForm


@require_GET
def caseloads(request):
    """Each supervisee's open cases, those needing discussion first, and their outcomes."""
    if not access.is_supervising(request.user):
        raise Http404
    found = queries.caseloads(request.user)
    sections = [
        {
            "therapist": caseload.therapist.display_name,
            "has_left": not caseload.therapist.is_active,
            "needing_attention": caseload.needing_attention,
            "rows": [
                presenters.case_row(case, reverse("supervision:course", args=[case.course.pk]))
                for case in caseload.cases
            ],
            "finished": presenters.finished_text(caseload.rates),
            "rates": presenters.rate_rows(caseload.rates) if caseload.rates.finished else [],
        }
        for caseload in found
    ]
    context = {
        "sections": sections,
        "needing_attention": sum(caseload.needing_attention for caseload in found),
    }
    return render(request, "supervision/caseloads.jinja", context)


@require_http_methods(["GET", "POST"])
def course(request, pk: int):
    """The supervision notes of one case, newest first, with a form to add one."""
    user = request.user
    course = (access.course_to_write if request.method == "POST" else access.course_to_read)(
        user, pk
    )
    form = NoteForm(submitted(request), initial={"discussed_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_note(course=course, by=user, **form.cleaned_data)
            except services.SupervisionRefused as refused:
                form.add_error(
                    refused.field if refused.field in form.fields else None, str(refused)
                )
            else:
                messages.success(request, "Supervision note added")
                return redirect("supervision:course", pk=course.pk)
        status = 422
    else:
        services.record_view(course=course, by=user)
    case = queries.case(user, course)
    context = {
        "course": course,
        "name": full_name(course.client),
        "summary_rows": presenters.case_summary_rows(case),
        "flags": presenters.flags(case),
        "not_on_track": case.not_on_track,
        "open_alerts": case.open_alerts,
        "notes": presenters.note_cards(queries.notes_of(course)),
        "form": form if access.can_write_notes(user, course) else None,
        "back": (
            {"href": reverse("supervision:caseloads"), "text": "Back to supervision"}
            if access.supervises(user, course.therapist_id)
            else {"href": reverse("courses:detail", args=[course.pk]), "text": "Back to the course"}
        ),
    }
    return render(request, "supervision/course.jinja", context, status=status)
