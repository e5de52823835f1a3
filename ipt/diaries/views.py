"""The diary: the client writes it in the portal (reached only through `request.client`), and
clinicians read it on the course (through `clinical_courses`; administrators get a 404)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ipt.clients.presenters import full_name, pagination_params
from ipt.core.http import submitted
from ipt.courses.access import clinical_course_to_read
from ipt.portal import kept
from ipt.portal.auth import client_required

from . import charts, presenters, queries, services
from .forms import EntryForm


def _save(request, form: EntryForm, entry=None):
    """Call the service with the form's values; None (and the error on the form) if refused."""
    values = {name: form.cleaned_data[name] for name in services.ENTRY_FIELDS}
    try:
        if entry is None:
            submission_id = form.cleaned_data.get("submission_id")
            return services.add_entry(by=request.client, submission_id=submission_id, **values)
        return services.change_entry(entry=entry, by=request.client, **values)
    except services.DiaryRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return None


def _with_kept(request, initial: dict) -> dict:
    """The form's initial values, or what the client had typed when the idle time-out signed
    them out, if they have come back to this page to save it."""
    if request.portal_kept is None:
        return initial
    messages.info(request, kept.MESSAGE)
    return initial | kept.initial_from(EntryForm(), request.portal_kept)


@client_required
@require_GET
def portal_list(request):
    """The client's own entries, newest first, with a way to add one."""
    entries = queries.own_entries(request.client)
    context = {
        "cards": presenters.entry_cards(entries, today=timezone.localdate(), for_client=True),
    }
    return render(request, "diaries/portal_list.jinja", context)


@client_required
@require_http_methods(["GET", "POST"])
def portal_new(request):
    initial = {"happened_on": timezone.localdate(), "submission_id": uuid.uuid4()}
    form = EntryForm(submitted(request), initial=_with_kept(request, initial))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, "Diary entry saved")
        return redirect("diaries:portal_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "diaries/portal_form.jinja", {"form": form, "entry": None}, status=status
    )


@client_required
@require_http_methods(["GET", "POST"])
def portal_edit(request, pk: int):
    entry = get_object_or_404(queries.own_entries(request.client), pk=pk)
    if not entry.can_change_on(timezone.localdate()):
        card = presenters.entry_card(entry, today=timezone.localdate(), for_client=True)
        return render(request, "diaries/portal_locked.jinja", {"card": card}, status=403)
    initial = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
    form = EntryForm(submitted(request), initial=_with_kept(request, initial))
    if request.method == "POST" and form.is_valid() and _save(request, form, entry):
        messages.success(request, "Diary entry changed")
        return redirect("diaries:portal_list")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "diaries/portal_form.jinja", {"form": form, "entry": entry}, status=status
    )


ENTRIES_PER_PAGE = 20


@require_GET
def course_diary(request, pk: int):
    """The client's diary for their therapist: mood over the whole course as a chart and a
    table, then the entries, newest first, a page at a time. Reading it is audited."""
    course = clinical_course_to_read(request.user, pk)
    services.record_view(course=course, by=request.user)
    entries = queries.entries_of(course)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "course": course,
        "name": full_name(course.client),
        "chart": charts.mood_chart([(e.happened_on, e.mood) for e in entries]),
        "cards": presenters.entry_cards(
            page.object_list, today=timezone.localdate(), for_client=False
        ),
        "page": page,
        "page_links": pagination_params(request.GET, page),
    }
    return render(request, "diaries/course.jinja", context)
