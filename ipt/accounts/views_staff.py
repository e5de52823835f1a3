"""Administrators manage the staff of their own service: add, change, deactivate, reset 2FA."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import presenters, services
from .forms import EditStaffForm, NewStaffForm
from .rules import administrator_required


def _staff_member(request, pk: int):
    """Someone in the administrator's own service; anyone else is 'page not found'."""
    return get_object_or_404(request.user.service.staff, pk=pk)


@administrator_required
def user_list(request):
    service = request.user.service
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    staff = service.staff.annotate(has_two_factor=Exists(confirmed)).prefetch_related("sites")
    context = {"service": service, "rows": presenters.staff_rows(staff)}
    return render(request, "accounts/staff_list.jinja", context)


@administrator_required
@require_http_methods(["GET", "POST"])
def user_new(request):
    service = request.user.service
    form = NewStaffForm(request.POST if request.method == "POST" else None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_staff(service=service, by=request.user, **form.staff_details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{user.display_name} added. We have emailed them an invitation"
            )
            return redirect("accounts:user_list")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/staff_new.jinja", {"form": form}, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    user = _staff_member(request, pk)
    form = EditStaffForm(
        request.POST if request.method == "POST" else None, service=request.user.service, user=user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(user=user, by=request.user, **form.staff_details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Changes to {user.display_name} saved")
            return redirect("accounts:user_list")
    status = 422 if form.is_bound else 200
    context = {
        "form": form,
        "account": presenters.staff_account(user, has_two_factor=services.has_two_factor(user)),
    }
    return render(request, "accounts/staff_edit.jinja", context, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def user_reset_two_factor(request, pk: int):
    user = _staff_member(request, pk)
    if request.method == "POST":
        services.reset_two_factor(user=user, by=request.user)
        messages.success(
            request,
            f"Two-factor authentication reset for {user.display_name}. "
            "They will set up an authenticator app when they next sign in",
        )
        return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/staff_reset_two_factor.jinja", {"person": user})


@administrator_required
@require_POST
def user_resend_invitation(request, pk: int):
    user = _staff_member(request, pk)
    try:
        services.resend_invitation(user=user, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"We have emailed {user.display_name} a new invitation")
    return redirect("accounts:user_edit", pk=user.pk)
