"""Signing a client in to the portal for view tests, and writing entries through the service."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.test import Client as HttpClient
from django.utils import timezone

from ipt.diaries import services
from ipt.portal import auth
from ipt.portal.models import ClientAccount


def signed_in_client(client, *, invited_by) -> HttpClient:
    """A browser signed in to the portal as `client`, as after the real sign-in."""
    account = ClientAccount.objects.create(
        client=client,
        email=f"client{client.pk}@example.com",
        password=make_password("correct horse battery staple"),
        activated_at=timezone.now(),
        created_by=invited_by,
    )
    http = HttpClient()
    session = http.session
    session[auth.ACCOUNT_KEY] = account.pk
    session[auth.HASH_KEY] = auth.session_hash(account)
    session[auth.LAST_SEEN_KEY] = timezone.now().timestamp()
    session.save()
    return http


def write(client, *, mood: int = 5, happened_on: dt.date | None = None, **values):
    """An entry written by the client through the service."""
    return services.add_entry(
        by=client,
        happened_on=happened_on or timezone.localdate(),
        what_happened=values.pop("what_happened", "Went for a walk with Priya"),
        mood=mood,
        **values,
    )


def entry_post(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "happened_on_day": str(today.day),
        "happened_on_month": str(today.month),
        "happened_on_year": str(today.year),
        "what_happened": "Argued with my sister about Mum's care",
        "who_with": "My sister",
        "feelings": "Angry, then guilty",
        "mood": "3",
    }
    data.update(changes)
    return data
