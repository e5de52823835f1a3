"""Administrators manage their service's sites, rooms, closure dates and settings."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ipt.accounts.rules import administrator_required

from . import presenters, services
from .forms import ClosureForm, EditRoomForm, EditSiteForm, RoomForm, ServiceSettingsForm, SiteForm


@administrator_required
def site_list(request):
    service = request.user.service
    sites = service.sites.annotate(
        active_staff=Count("staff", filter=Q(staff__is_active=True), distinct=True),
        rooms_in_use=Count("rooms", filter=Q(rooms__is_active=True), distinct=True),
    ).order_by("name")
    context = {"service": service, "rows": presenters.site_rows(sites)}
    return render(request, "organisations/site_list.jinja", context)


@administrator_required
@require_http_methods(["GET", "POST"])
def site_new(request):
    service = request.user.service
    form = SiteForm(request.POST if request.method == "POST" else None, service=service)
    if request.method == "POST" and form.is_valid():
        site = services.create_site(
            service=service,
            name=form.cleaned_data["name"],
            address=form.cleaned_data["address"],
            by=request.user,
        )
        messages.success(request, f"{site.name} added")
        return redirect("organisations:site_list")
    status = 422 if form.is_bound else 200
    return render(request, "organisations/site_new.jinja", {"form": form}, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def site_edit(request, pk: int):
    service = request.user.service
    site = get_object_or_404(service.sites, pk=pk)
    form = EditSiteForm(
        request.POST if request.method == "POST" else None, service=service, site=site
    )
    if request.method == "POST" and form.is_valid():
        services.update_site(site=site, by=request.user, **form.cleaned_data)
        messages.success(request, f"Changes to {site.name} saved")
        return redirect("organisations:site_list")
    status = 422 if form.is_bound else 200
    context = {"form": form, "site": site}
    return render(request, "organisations/site_edit.jinja", context, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def service_settings(request):
    service = request.user.service
    form = ServiceSettingsForm(request.POST if request.method == "POST" else None, service=service)
    if request.method == "POST" and form.is_valid():
        services.update_service(service=service, by=request.user, **form.cleaned_data)
        messages.success(request, "Service settings saved")
        return redirect("organisations:service_settings")
    status = 422 if form.is_bound else 200
    return render(request, "organisations/service_settings.jinja", {"form": form}, status=status)


@administrator_required
def room_list(request, pk: int):
    site = get_object_or_404(request.user.service.sites, pk=pk)
    context = {"site": site, "rows": presenters.room_rows(site, site.rooms.order_by("name"))}
    return render(request, "organisations/room_list.jinja", context)


@administrator_required
@require_http_methods(["GET", "POST"])
def room_new(request, pk: int):
    site = get_object_or_404(request.user.service.sites, pk=pk)
    form = RoomForm(request.POST if request.method == "POST" else None, site=site)
    if request.method == "POST" and form.is_valid():
        room = services.create_room(site=site, name=form.cleaned_data["name"], by=request.user)
        messages.success(request, f"{room.name} added at {site.name}")
        return redirect("organisations:room_list", pk=site.pk)
    status = 422 if form.is_bound else 200
    context = {"form": form, "site": site}
    return render(request, "organisations/room_new.jinja", context, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def room_edit(request, pk: int, room_pk: int):
    site = get_object_or_404(request.user.service.sites, pk=pk)
    room = get_object_or_404(site.rooms, pk=room_pk)
    form = EditRoomForm(request.POST if request.method == "POST" else None, site=site, room=room)
    if request.method == "POST" and form.is_valid():
        services.update_room(room=room, by=request.user, **form.cleaned_data)
        messages.success(request, f"Changes to {room.name} saved")
        return redirect("organisations:room_list", pk=site.pk)
    status = 422 if form.is_bound else 200
    context = {"form": form, "site": site, "room": room}
    return render(request, "organisations/room_edit.jinja", context, status=status)


@administrator_required
def closure_list(request):
    service = request.user.service
    today = timezone.localdate()
    closures = service.closure_dates.order_by("date")
    context = {
        "service": service,
        "upcoming": presenters.closure_rows(closures.filter(date__gte=today)),
        "past": presenters.closure_rows(closures.filter(date__lt=today).reverse()[:20]),
    }
    return render(request, "organisations/closure_list.jinja", context)


@administrator_required
@require_http_methods(["GET", "POST"])
def closure_new(request):
    service = request.user.service
    form = ClosureForm(request.POST if request.method == "POST" else None, service=service)
    if request.method == "POST" and form.is_valid():
        closure = services.add_closure(service=service, by=request.user, **form.cleaned_data)
        messages.success(request, f"Closure added for {presenters.long_date(closure.date)}")
        return redirect("organisations:closure_list")
    status = 422 if form.is_bound else 200
    return render(request, "organisations/closure_new.jinja", {"form": form}, status=status)


@administrator_required
@require_http_methods(["GET", "POST"])
def closure_delete(request, pk: int):
    closure = get_object_or_404(request.user.service.closure_dates, pk=pk)
    if request.method == "POST":
        services.remove_closure(closure=closure, by=request.user)
        messages.success(request, f"Closure on {presenters.long_date(closure.date)} removed")
        return redirect("organisations:closure_list")
    context = {"closure": closure, "date": presenters.long_date(closure.date)}
    return render(request, "organisations/closure_delete.jinja", context)
