"""Portal accounts for tests, and a browser signed in as a client."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.test import Client as HttpClient
from django.utils import timezone

from ipt.portal import auth
from ipt.portal.models import ClientAccount

PASSWORD = "correct horse battery staple"  # noqa: S105


def portal_account(client, *, password: str = PASSWORD, email: str | None = None) -> ClientAccount:
    """An activated account for the client, as after accepting an invitation."""
    email = (email or client.email or f"client{client.pk}@example.com").lower()
    if not client.email:
        client.email = email
        client.save(update_fields=["email"])
    return ClientAccount.objects.create(
        client=client,
        email=email,
        password=make_password(password),
        activated_at=timezone.now(),
        created_by=client.created_by,
    )


def browser_as(account: ClientAccount, http: HttpClient | None = None) -> HttpClient:
    """A test browser signed in to the portal as the account's client."""
    http = http or HttpClient()
    session = http.session
    session[auth.ACCOUNT_KEY] = account.pk
    session[auth.HASH_KEY] = auth.session_hash(account)
    session[auth.LAST_SEEN_KEY] = timezone.now().timestamp()
    session.save()
    return http
