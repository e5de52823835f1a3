"""Staff-side scopes for the portal: whose portal access a member of staff may manage, and
which clients' appointment requests they see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from ipt.accounts.models import Supervision
from ipt.clients.access import caseload, visible_clients
from ipt.clients.models import Client

from .models import AppointmentRequest, AppointmentRequestQuerySet, ClientAccount


def client_for_portal(user, pk: int) -> Client:
    """A client the user may open, with their portal account; 404 otherwise."""
    return get_object_or_404(visible_clients(user).select_related("service"), pk=pk)


def can_manage_portal(user, client: Client) -> bool:
    """Invite, resend and revoke: those who manage referrals (administrators, service
    managers) and the client's therapist or that therapist's supervisor."""
    return caseload(user).filter(pk=client.pk).exists()


def account_of(client: Client) -> ClientAccount | None:
    return ClientAccount.objects.filter(client=client).first()


def requests_for(user) -> AppointmentRequestQuerySet:
    """Clients' appointment requests the user deals with: a therapist their own clients', a
    supervisor their supervisees' as well, service managers and administrators the service's."""
    everything: AppointmentRequestQuerySet = AppointmentRequest.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.service_id:
        return everything.none()
    requests = everything.filter(client__service_id=user.service_id)
    if not (user.is_service_manager or user.is_administrator):
        therapists = Q(appointment__course__therapist=user)
        if user.is_supervisor:
            supervisees = Supervision.objects.filter(supervisor=user).values("supervisee_id")
            therapists |= Q(appointment__course__therapist__in=supervisees)
        requests = requests.filter(therapists)
    return requests.select_related(
        "client", "appointment", "appointment__therapist", "appointment__course"
    )


def open_requests_for(user) -> QuerySet[AppointmentRequest]:
    """Requests not yet dealt with, oldest first: `open_requests_for(user).count()` for a badge."""
    return requests_for(user).open().order_by("created_at", "pk")
