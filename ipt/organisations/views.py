"""Administrators manage their service's sites and settings."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ipt.accounts.rules import administrator_required

from . import presenters, services
from .forms import EditSiteForm, ServiceSettingsForm, SiteForm


@administrator_required
def site_list(request):
    service = request.user.service
    sites = service.sites.annotate(
        active_staff=Count("staff", filter=Q(staff__is_active=True))
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
