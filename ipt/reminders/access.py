"""Who may see and do what with reminders and calendar feeds. Views reach clients through
`visible_clients`, so anyone outside scope gets a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from ipt.clients.access import caseload, visible_clients
from ipt.clients.models import Client


def _in_service(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.service_id)


def client_to_read(user, pk: int) -> Client:
    """The client if the user may see their record (and so their messages); 404 otherwise."""
    return get_object_or_404(visible_clients(user).select_related("service"), pk=pk)


def can_retry(user, client: Client) -> bool:
    """Try a failed message again: administrators and managers of the client's service, and
    those with the client on their caseload (not break-glass readers)."""
    if not _in_service(user) or user.service_id != client.service_id:
        return False
    if user.is_administrator or user.is_service_manager:
        return True
    return caseload(user).filter(pk=client.pk).exists()


def can_configure(user) -> bool:
    """Change the service's reminders and see its failed messages: managers, administrators."""
    return _in_service(user) and bool(user.is_service_manager or user.is_administrator)


def can_have_feed(user) -> bool:
    return _in_service(user) and bool(user.is_therapist)
