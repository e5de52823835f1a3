"""Every write about clients and referrals. Each function is atomic and audited in the same
transaction; a refused write raises a `ClientsError` whose message can be shown to staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ipt.accounts.models import User
from ipt.core import audit
from ipt.core.models import AuditEvent
from ipt.organisations.models import Service

from . import nhs_number as nhs
from .models import (
    TRANSITIONS,
    BreakGlassAccess,
    Client,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)

CLIENT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "pronouns",
    "nhs_number",
    "email",
    "mobile",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "gp_practice_name",
    "gp_practice_code",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "consent_email",
    "consent_sms",
    "consent_letter",
    "preferred_contact_method",
)
REQUIRED_CLIENT_FIELDS = ("given_name", "family_name", "date_of_birth", "gp_practice_name")
REFERRAL_FIELDS = ("site", "source", "received_on", "problem_descriptor", "reason", "urgency")
BREAK_GLASS_REASON_MIN_LENGTH = 10


class ClientsError(ValueError):
    """A write the rules refuse. The message says why, in words staff can act on."""


class InvalidDetails(ClientsError):
    pass


class NotAllocatable(ClientsError):
    pass


class TransitionNotAllowed(ClientsError):
    pass


class OutsideService(ClientsError):
    pass


def _client_details(details: dict[str, Any]) -> dict[str, Any]:
    unknown = set(details) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client details: {', '.join(sorted(unknown))}")
    values = dict(details)
    if "nhs_number" in values:
        values["nhs_number"] = nhs.normalise(values["nhs_number"] or "")
        if values["nhs_number"] and not nhs.is_valid(values["nhs_number"]):
            raise InvalidDetails("Enter a valid NHS number")
    return values


def _check_required(client: Client) -> None:
    missing = [name for name in REQUIRED_CLIENT_FIELDS if getattr(client, name) in (None, "")]
    if missing:
        raise InvalidDetails(f"Enter the client's {', '.join(missing).replace('_', ' ')}")


@transaction.atomic
def register_client(*, service: Service, by: User, **details: Any) -> Client:
    """Register a new client in the service."""
    client = Client(service=service, created_by=by, **_client_details(details))
    _check_required(client)
    client.save(force_insert=True)
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=client,
        client_id=client.pk,
        summary="Registered a client",
        changes=audit.changes_between({}, audit.snapshot(client, CLIENT_FIELDS)),
    )
    return client


@transaction.atomic
def update_client(*, client: Client, by: User, **details: Any) -> Client:
    """Change a client's details; a no-op (and no audit event) when nothing differs."""
    values = _client_details(details)
    before = audit.snapshot(client, values)
    for name, value in values.items():
        setattr(client, name, value)
    after = audit.snapshot(client, values)
    changes = audit.changes_between(before, after)
    if not changes:
        return client
    _check_required(client)
    client.save(update_fields=list(changes))
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=client,
        client_id=client.pk,
        summary="Changed the client's details",
        changes=changes,
    )
    return client


def possible_duplicates(
    *,
    service: Service | int,
    nhs_number: str,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    exclude: Client | int | None = None,
) -> QuerySet[Client]:
    """Clients of the service who may be the same person: same NHS number, or same name
    (ignoring case) and date of birth."""
    match = Q(
        given_name__iexact=given_name.strip(),
        family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
    )
    digits = nhs.normalise(nhs_number or "")
    if digits:
        match |= Q(nhs_number=digits)
    clients = Client.objects.of_service(service).filter(match)
    if exclude is not None:
        clients = clients.exclude(pk=getattr(exclude, "pk", exclude))
    return clients.order_by("family_name", "given_name", "pk")


@transaction.atomic
def add_referral(*, client: Client, by: User, **details: Any) -> Referral:
    """Record a referral for the client; it starts waiting for assessment."""
    unknown = set(details) - set(REFERRAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown referral details: {', '.join(sorted(unknown))}")
    site = details.get("site")
    if site is None or site.service_id != client.service_id:
        raise OutsideService("Select a site in the client's service")
    referral = Referral(client=client, service_id=client.service_id, created_by=by, **details)
    referral.save(force_insert=True)
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status="",
        to_status=referral.status,
        reason="Referral received",
        changed_by=by,
        changed_at=referral.created_at,
    )
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=referral,
        client_id=client.pk,
        summary="Added a referral",
        changes=audit.changes_between(
            {}, audit.snapshot(referral, [*REFERRAL_FIELDS[1:], "site_id", "status"])
        ),
    )
    return referral


@transaction.atomic
def allocate(*, referral: Referral, therapist: User, by: User) -> Referral:
    """Allocate an open referral to an active therapist of the same service."""
    if not (
        therapist.is_active
        and therapist.is_therapist
        and therapist.service_id == referral.service_id
    ):
        raise NotAllocatable(f"{therapist.display_name} is not an active therapist in this service")
    if not referral.is_open:
        raise NotAllocatable(
            f"A referral that is {referral.get_status_display().lower()} cannot be allocated"
        )
    if referral.allocated_therapist_id == therapist.pk:
        return referral
    fields = ["allocated_therapist_id", "allocated_at"]
    before = audit.snapshot(referral, fields)
    referral.allocated_therapist = therapist
    referral.allocated_at = timezone.now()
    referral.save(update_fields=["allocated_therapist", "allocated_at"])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=referral,
        client_id=referral.client_id,
        summary=f"Allocated the referral to {therapist.display_name}",
        changes=audit.changes_between(before, audit.snapshot(referral, fields)),
    )
    return referral


@transaction.atomic
def change_status(
    *, referral: Referral, to_status: str, reason: str, by: User
) -> ReferralStatusChange:
    """Move a referral to a permitted next status, keeping the reason in its history."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if to_status not in TRANSITIONS.get(current.status, ()):
        raise TransitionNotAllowed(
            f"A referral that is {current.get_status_display().lower()} "
            f"cannot become {_status_label(to_status).lower()}"
        )
    if not reason.strip():
        raise InvalidDetails("Enter the reason for the change")
    from_status = current.status
    current.status = to_status
    current.save(update_fields=["status"])
    referral.status = to_status
    change = ReferralStatusChange.objects.create(
        referral=current,
        from_status=from_status,
        to_status=to_status,
        reason=reason.strip(),
        changed_by=by,
        changed_at=timezone.now(),
    )
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=current,
        client_id=current.client_id,
        summary=f"Changed the referral status to {_status_label(to_status).lower()}",
        changes={"status": [from_status, to_status]},
    )
    return change


def _status_label(status: str) -> str:
    return dict(ReferralStatus.choices).get(status, status)


@transaction.atomic
def break_glass(*, user: User, client: Client, reason: str) -> BreakGlassAccess:
    """Give the user time-limited access to a client of their own service, for a stated reason."""
    if user.service_id is None or client.service_id != user.service_id:
        raise OutsideService("No client in your service matches")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise InvalidDetails(
            f"The reason must be {BREAK_GLASS_REASON_MIN_LENGTH} characters or more"
        )
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=user,
        client=client,
        reason=reason,
        granted_at=now,
        expires_at=now + settings.BREAK_GLASS_DURATION,
    )
    audit.record(
        by=user,
        action=audit.Action.BREAK_GLASS,
        obj=access,
        client_id=client.pk,
        summary=f"Opened the record outside their usual scope: {reason}",
    )
    return access


def record_view(*, client: Client, by: User) -> AuditEvent:
    """Write a read event: every view of a client record is audited."""
    return audit.record(
        by=by,
        action=audit.Action.VIEW,
        obj=client,
        client_id=client.pk,
        summary="Viewed the client record",
    )
