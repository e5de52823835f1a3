"""Staff pages of the portal: a client's portal access, and clients' appointment requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipt.clients.presenters import full_name
from ipt.core.dates import long_datetime

from . import access, presenters, services
from .forms import ResolveForm

ACTIONS = {
    "invite": (services.invite, "Invitation sent to {email}"),
    "resend": (
        services.resend,
        "A new invitation was sent to {email}. The old link no longer works",
    ),
    "revoke": (services.revoke, "Portal access revoked"),
}


@require_http_methods(["GET", "POST"])
def portal_access(request, pk: int):
    """Whether the client uses the portal; invite, send a new link, or revoke access."""
    client = access.client_for_portal(request.user, pk)
    can_manage = access.can_manage_portal(request.user, client)
    error = ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            error = "Choose what to do"
        else:
            act, message = action
            try:
                act(client=client, by=request.user)
            except services.PortalRefused as refused:
                error = str(refused)
            else:
                messages.success(request, message.format(email=client.email))
                return redirect("portal:access", pk=client.pk)
    account = access.account_of(client)
    latest = account.invitations.order_by("-created_at", "-pk").first() if account else None
    context = {
        "client": client,
        "client_name": full_name(client),
        "account": account,
        "status": presenters.invitation_status(account, latest, timezone.now()),
        "can_manage": can_manage,
        "error": error,
    }
    return render(request, "portal/access.jinja", context, status=422 if error else 200)


@require_GET
def appointment_requests(request):
    """Clients' open requests to cancel or rebook, oldest first, with "mark as dealt with"."""
    requests = list(access.open_requests_for(request.user))
    now = timezone.now()
    rows = [
        {
            "request": r,
            "client_name": full_name(r.client),
            "appointment": presenters.appointment_summary(r.appointment, now),
            "asked_on": long_datetime(r.created_at),
            "form": ResolveForm(prefix=f"r{r.pk}"),
        }
        for r in requests
    ]
    return render(request, "portal/requests.jinja", {"rows": rows})


@require_POST
def resolve_request(request, pk: int):
    found = get_object_or_404(access.requests_for(request.user), pk=pk)
    form = ResolveForm(request.POST, prefix=f"r{found.pk}")
    if not form.is_valid():
        messages.error(request, "Note must be 1,000 characters or fewer")
        return redirect("portal:requests")
    try:
        services.resolve_request(request=found, by=request.user, note=form.cleaned_data["note"])
    except services.PortalRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Request from {full_name(found.client)} marked as dealt with")
    return redirect("portal:requests")
