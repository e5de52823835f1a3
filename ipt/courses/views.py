"""Courses of IPT: opening one from a referral, the course page, renegotiating the contract,
ending the course; and the service's IPT variants (administrators).

Courses are fetched through `access.visible_courses`, referrals through the clients scope, so
anyone outside scope gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ipt.accounts.rules import administrator_required
from ipt.clients import access as clients_access
from ipt.clients import services as clients_services
from ipt.clients.models import ReferralStatus
from ipt.clients.presenters import full_name, long_date
from ipt.core.http import submitted
from ipt.formulations.gate import middle_phase_check
from ipt.measures import progress as measures_progress
from ipt.supervision.access import can_read_notes as can_read_supervision_notes

from . import access, presenters, services
from .forms import (
    ChooseVariantForm,
    EditVariantForm,
    EndCourseForm,
    OpenCourseForm,
    OutcomeForm,
    RenegotiateForm,
    VariantForm,
    end_outcomes,
)
from .models import Course
from .rules import CourseStatus


def _visible_course(request, pk: int) -> Course:
    courses = access.visible_courses(request.user).select_related("service", "referral")
    return get_object_or_404(courses, pk=pk)


def _manageable_course(request, pk: int) -> Course:
    course = _visible_course(request, pk)
    if not access.can_manage_course(request.user, course):
        raise Http404
    return course


def _client_context(course: Course) -> dict:
    progress = services.progress(course)
    return {
        "course": course,
        "name": full_name(course.client),
        "progress": progress.label,
        "remaining": presenters.remaining_text(progress),
    }


@require_http_methods(["GET", "POST"])
def course_open(request, pk: int):
    """Step 1 (GET): choose the variant. Step 2 (GET ?variant=, then POST): the contract."""
    user = request.user
    referral = get_object_or_404(
        clients_access.visible_referrals(user).select_related("client", "allocated_therapist"),
        pk=pk,
    )
    if not access.can_open_course(user, referral):
        raise Http404
    context = {
        "referral": referral,
        "client": referral.client,
        "name": full_name(referral.client),
        "received_on": long_date(referral.received_on),
    }
    existing = access.visible_courses(user).filter(referral=referral).first()
    if existing is not None or referral.status != ReferralStatus.ACCEPTED_FOR_IPT:
        context["existing"] = existing
        status = 422 if request.method == "POST" else 200
        return render(request, "courses/open_refused.jinja", context, status=status)

    variants = access.variants_for(user).active()
    if request.method == "POST":
        form = OpenCourseForm(
            request.POST,
            variants=variants,
            therapists=access.therapists_of(user),
            earliest=referral.received_on,
        )
        if form.is_valid():
            try:
                course = services.open_course(
                    referral=referral,
                    variant=form.cleaned_data["variant"],
                    therapist=form.cleaned_data["therapist"],
                    agreed_on=form.cleaned_data["agreed_on"],
                    by=user,
                    **form.terms(),
                )
            except services.CourseRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"The course of {course.variant.name} has been opened")
                return redirect("courses:detail", pk=course.pk)
        if form.has_error("variant"):
            choice = ChooseVariantForm(request.POST, variants=variants)
            return _choose_variant(request, context, variants, status=422, form=choice)
        variant = form.cleaned_data["variant"]
        return _contract_step(request, context, form, variant, status=422)

    if "variant" not in request.GET and "choose" not in request.GET:
        return _choose_variant(request, context, variants, status=200)
    choice = ChooseVariantForm(request.GET, variants=variants)
    if not choice.is_valid():
        return _choose_variant(request, context, variants, status=422, form=choice)
    variant = choice.cleaned_data["variant"]
    form = OpenCourseForm(
        variants=variants,
        therapists=access.therapists_of(user),
        initial={
            **services.defaults_from(variant),
            "variant": variant.pk,
            "therapist": referral.allocated_therapist_id,
            "agreed_on": timezone.localdate(),
        },
    )
    return _contract_step(request, context, form, variant, status=200)


def _choose_variant(request, context, variants, *, status: int, form=None):
    form = form or ChooseVariantForm(variants=variants)
    selected = form["variant"].value()
    context = {
        **context,
        "form": form,
        "variant_items": presenters.variant_items(variants, selected),
    }
    return render(request, "courses/open_variant.jinja", context, status=status)


def _contract_step(request, context, form, variant, *, status: int):
    context = {
        **context,
        "form": form,
        "variant": variant,
        "variant_defaults": presenters.variant_defaults(variant),
    }
    return render(request, "courses/open_contract.jinja", context, status=status)


@require_GET
def course_detail(request, pk: int):
    user = request.user
    course = _visible_course(request, pk)
    contracts = list(course.contracts.select_related("created_by"))
    page = presenters.course_page(
        course,
        contracts=contracts,
        history=course.status_changes.select_related("changed_by"),
        progress=services.progress(course, contract=contracts[0]),
        needs_review=course.is_open and services.needs_review(course),
        can_manage=access.can_manage_course(user, course),
        can_book=access.can_book(user, course),
        show_notes=clients_access.can_see_clinical(user),
    )
    clients_services.record_view(client=course.client, by=user)
    context = {"course": course, "name": full_name(course.client), "page": page}
    if clients_access.can_see_clinical(user):
        context["scores"] = measures_progress.panel(course, contract=contracts[0])
        context["record"] = True
        context["supervision_notes"] = can_read_supervision_notes(user, course)
        course_progress = services.progress(course, contract=contracts[0])
        near_middle = course_progress.attended >= contracts[0].initial_last - 1
        if course.is_open and near_middle:
            check = middle_phase_check(course)
            if check.needs_confirmation:
                context["middle_phase"] = {
                    "starts_at": contracts[0].initial_last + 1,
                    "blockers": check.blockers,
                }
    return render(request, "courses/detail.jinja", context)


@require_http_methods(["GET", "POST"])
def course_renegotiate(request, pk: int):
    course = _manageable_course(request, pk)
    current = services.current_contract(course)
    form = RenegotiateForm(
        submitted(request),
        earliest=current.agreed_on,
        initial={
            **{name: getattr(current, name) for name in services.CONTRACT_FIELDS},
            "agreed_on": timezone.localdate(),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contract = services.renegotiate_contract(
                    course=course,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    agreed_on=form.cleaned_data["agreed_on"],
                    **form.terms(),
                )
            except services.CourseRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, f"The contract has been renegotiated (version {contract.version})"
                )
                return redirect("courses:detail", pk=course.pk)
        status = 422
    context = {
        **_client_context(course),
        "form": form,
        "current": presenters.contract_rows(current),
    }
    return render(request, "courses/renegotiate.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
def course_end(request, pk: int):
    """Step 1 (GET): how the course ended. Step 2 (GET ?outcome=, then POST): reason and date."""
    course = _manageable_course(request, pk)
    context = _client_context(course)
    if not course.is_open:
        context["ended"] = {
            "status": presenters.outcome_label(course.status).lower(),
            "on": long_date(course.ended_on),
        }
        status = 422 if request.method == "POST" else 200
        return render(request, "courses/end_outcome.jinja", context, status=status)
    outcomes = end_outcomes(course)
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and "outcome" not in source and "choose" not in source:
        form = OutcomeForm(outcomes=outcomes)
        return render(request, "courses/end_outcome.jinja", {**context, "form": form})
    choice = OutcomeForm(source, outcomes=outcomes)
    if not choice.is_valid():
        return render(request, "courses/end_outcome.jinja", {**context, "form": choice}, status=422)
    outcome = CourseStatus(choice.cleaned_data["outcome"])
    status = 200
    if request.method == "POST":
        form = EndCourseForm(
            request.POST, outcomes=outcomes, outcome=outcome, opened_on=course.opened_on
        )
        if form.is_valid():
            try:
                services.change_status(
                    course=course,
                    to_status=outcome,
                    by=request.user,
                    reason_code=form.cleaned_data["reason_code"],
                    note=form.cleaned_data["note"],
                    on=form.cleaned_data["ended_on"],
                )
            except services.CourseRefused as refused:
                form.add_error(None, str(refused))
            else:
                label = presenters.outcome_label(outcome).lower()
                messages.success(request, f"The course has been recorded as {label}")
                return redirect("courses:detail", pk=course.pk)
        status = 422
    else:
        form = EndCourseForm(
            outcomes=outcomes,
            outcome=outcome,
            opened_on=course.opened_on,
            initial={"outcome": outcome.value, "ended_on": timezone.localdate()},
        )
    context = {**context, "form": form, "outcome": presenters.outcome_label(outcome)}
    return render(request, "courses/end_reason.jinja", context, status=status)


@administrator_required
@require_GET
def variant_list(request):
    variants = access.variants_for(request.user).order_by("-is_active", "name")
    context = {"rows": presenters.variant_rows(variants), "service": request.user.service}
    return render(request, "courses/variant_list.jinja", context)


@administrator_required
@require_http_methods(["GET", "POST"])
def variant_new(request):
    form = VariantForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                variant = services.create_variant(
                    service=request.user.service, by=request.user, **form.values()
                )
            except services.CourseRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"{variant.name} has been added")
                return redirect("courses:variant_list")
        status = 422
    return render(request, "courses/variant_form.jinja", {"form": form}, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def variant_edit(request, pk: int):
    variant = get_object_or_404(access.variants_for(request.user), pk=pk)
    form = EditVariantForm(submitted(request), variant=variant)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_variant(variant=variant, by=request.user, **form.values())
            except services.CourseRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Changes to {variant.name} have been saved")
                return redirect("courses:variant_list")
        status = 422
    context = {"form": form, "variant": variant}
    return render(request, "courses/variant_form.jinja", context, status=status)
