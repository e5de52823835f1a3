"""Setting homework in a session and reviewing it at a later one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ipt.core.http import submitted

from .. import access, presenters, queries, services
from ..forms import (
    HomeworkForm,
    HomeworkReviewForm,
)
from .scope import page_context, scoped_session


@require_http_methods(["GET", "POST"])
def homework_new(request, pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    form = HomeworkForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_homework(
                    appointment=appointment,
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except services.NotesRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "Homework set")
                return redirect("notes:note", pk=appointment.pk)
        status = 422
    return render(
        request, "notes/homework.jinja", page_context(course, session, form=form), status=status
    )


@require_http_methods(["GET", "POST"])
def homework_review(request, pk: int, task_pk: int):
    appointment, course, session = scoped_session(request, pk, write=True)
    task = get_object_or_404(
        queries.homework_to_review(appointment).filter(
            pk__in=access.visible_homework(request.user).values("pk")
        ),
        pk=task_pk,
    )
    initial = {
        "outcome": task.outcome or task.client_outcome,
        "reflection": task.reflection or task.client_reflection,
    }
    form = HomeworkReviewForm(submitted(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_homework(
                    task=task,
                    at=appointment,
                    outcome=form.cleaned_data["outcome"],
                    reflection=form.cleaned_data["reflection"],
                    by=request.user,
                )
            except services.NotesRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "Homework reviewed")
                return redirect("notes:note", pk=appointment.pk)
        status = 422
    context = page_context(
        course, session, form=form, task=task, client_said=presenters.client_said(task)
    )
    return render(request, "notes/homework_review.jinja", context, status=status)
