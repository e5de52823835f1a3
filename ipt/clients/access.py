"""Who may see and do what with clients. Views reach clients, referrals and break-glass grants
only through these functions, so nobody is shown a record outside their scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from ipt.accounts.models import Supervision, User
from ipt.organisations.models import Service

from . import nhs_number
from .models import BreakGlassAccess, Client, Referral


def _service_id(user) -> int | None:
    """The user's service, or None for anyone who should see nothing at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.service_id


def can_manage_referrals(user) -> bool:
    """Administrators and service managers register clients, take referrals and allocate them."""
    return _service_id(user) is not None and (user.is_administrator or user.is_service_manager)


def can_see_clinical(user) -> bool:
    """Clinical notes are for clinicians and managers; administrators see demographics only."""
    return _service_id(user) is not None and (
        user.is_therapist or user.is_supervisor or user.is_service_manager
    )


def sees_colleagues_clients(user) -> bool:
    """Whether the user's caseload includes other therapists' clients (so lists name them)."""
    return can_manage_referrals(user) or bool(getattr(user, "is_supervisor", False))


def _therapists_in_scope(user) -> QuerySet[User]:
    """Whose allocations the user sees by role: their own, and their supervisees' if they
    supervise (a subquery of user ids)."""
    if user.is_supervisor:
        return User.objects.filter(Q(pk=user.pk) | Q(supervisors=user)).values("pk").order_by()
    return User.objects.filter(pk=user.pk).values("pk")


def _allocated_client_ids(user, service_id: int) -> QuerySet:
    """Ids of the service's clients with a referral allocated to someone in the user's scope,
    read from the referrals' (allocated therapist, client) index."""
    return (
        Referral.objects.filter(
            service_id=service_id, allocated_therapist_id__in=_therapists_in_scope(user)
        )
        .values("client_id")
        .order_by()
    )


def caseload(user) -> QuerySet[Client]:
    """Clients the user sees because of their role, without any break-glass grants."""
    service_id = _service_id(user)
    if service_id is None:
        return Client.objects.none()
    clients = Client.objects.of_service(service_id)
    if can_manage_referrals(user):
        return clients
    return clients.filter(pk__in=_allocated_client_ids(user, service_id))


def visible_client_ids(user, among: Iterable[int] | None = None) -> QuerySet:
    """Ids of every client the user may open, as a subquery: one list (allocations, then
    unexpired break-glass grants, UNION ALL) that both databases join by index, where an OR of
    two lists would make them build both in full for every query.

    `among` narrows it to those of the given clients the user may open, inside each list, so
    a page asking about its fifty rows does not make the database list a supervisor's ten
    thousand clients first."""
    service_id = _service_id(user)
    if service_id is None:
        return Client.objects.none().values("pk")
    if can_manage_referrals(user):
        everyone = Client.objects.of_service(service_id)
        if among is not None:
            everyone = everyone.filter(pk__in=list(among))
        return everyone.values("pk").order_by()
    allocated = _allocated_client_ids(user, service_id)
    granted = (
        BreakGlassAccess.objects.filter(user=user, client__service_id=service_id)
        .unexpired()
        .values("client_id")
        .order_by()
    )
    if among is not None:
        ids = list(among)
        allocated, granted = allocated.filter(client_id__in=ids), granted.filter(client_id__in=ids)
    return allocated.union(granted, all=True)


def visible_clients(user) -> QuerySet[Client]:
    """Every client the user may open: their caseload plus unexpired break-glass grants."""
    service_id = _service_id(user)
    if service_id is None:
        return Client.objects.none()
    if can_manage_referrals(user):
        return caseload(user)
    return Client.objects.of_service(service_id).filter(pk__in=visible_client_ids(user))


def visible_referrals(user) -> QuerySet[Referral]:
    """Referrals of clients the user may open."""
    service_id = _service_id(user)
    if service_id is None:
        return Referral.objects.none()
    return Referral.objects.of_service(service_id).filter(client__in=visible_clients(user))


def waiting_list(user) -> QuerySet[Referral]:
    """Open referrals of the user's service, longest waiting first; empty unless they manage."""
    if not can_manage_referrals(user):
        return Referral.objects.none()
    return (
        Referral.objects.of_service(user.service_id)
        .open()
        .select_related("client", "site", "allocated_therapist")
        .longest_waiting_first()
    )


def can_change_status(user, referral: Referral) -> bool:
    """The allocated therapist, their supervisors, and those who manage referrals."""
    if _service_id(user) is None or referral.service_id != user.service_id:
        return False
    if can_manage_referrals(user):
        return True
    therapist_id = referral.allocated_therapist_id
    if therapist_id is None:
        return False
    if therapist_id == user.pk:
        return True
    return bool(user.is_supervisor) and (
        Supervision.objects.filter(supervisor=user, supervisee_id=therapist_id).exists()
    )


def therapists_for_allocation(service: Service | int | None) -> QuerySet[User]:
    """Active therapists of the service: the people a referral may be allocated to."""
    if service is None:
        return User.objects.none()
    return User.objects.active().therapists().filter(service=service)


def find_for_break_glass(user, identifier: str) -> Client | None:
    """The client of the user's own service with this NHS number or reference, if any."""
    service_id = _service_id(user)
    digits = nhs_number.normalise(identifier or "")
    if service_id is None or not digits.isdigit():
        return None
    clients = Client.objects.of_service(service_id).order_by("pk")
    if len(digits) == nhs_number.LENGTH:
        return clients.filter(nhs_number=digits).first()
    if len(digits) > 9:
        return None
    return clients.filter(pk=int(digits)).first()


def break_glass_log(user) -> QuerySet[BreakGlassAccess]:
    """Break-glass grants in the user's service, newest first; empty unless they manage it."""
    if _service_id(user) is None or not user.is_service_manager:
        return BreakGlassAccess.objects.none()
    return (
        BreakGlassAccess.objects.filter(client__service_id=user.service_id)
        .select_related("user", "client")
        .order_by("-granted_at", "-pk")
    )


def break_glass_expiry(user, client: Client) -> dt.datetime | None:
    """When the user's break-glass access to a client outside their caseload ends; None when
    the client is on their caseload or they have no unexpired grant."""
    if caseload(user).filter(pk=client.pk).exists():
        return None
    grant = (
        BreakGlassAccess.objects.filter(user=user, client=client)
        .unexpired(timezone.now())
        .order_by("-expires_at")
        .first()
    )
    return grant.expires_at if grant else None
