"""Sets `request.client` and `request.client_account` from the portal session."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.utils import timezone

from . import auth, navigation
from .models import ClientAccount


class PortalMiddleware:
    """Finds the signed-in client, if any, and signs them out after a spell idle.

    Runs after authentication: a browser with a staff session is never also a client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client = None
        request.client_account = None
        request.portal_timed_out = False
        request.portal_timed_out_account_id = None
        request.portal_kept = None
        request.portal_navigation = partial(navigation.items_for, request)
        session = getattr(request, "session", None)
        account_id = session.get(auth.ACCOUNT_KEY) if session is not None else None
        if account_id is not None:
            self._resume(request, session, account_id)
        return self.get_response(request)

    def _resume(self, request, session, account_id) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            auth.forget_client(session)
            return
        account = (
            ClientAccount.objects.select_related("client", "client__service")
            .filter(pk=account_id, is_active=True)
            .first()
        )
        if account is None or not auth.hash_matches(session, account):
            auth.forget_client(session)
            return
        now = timezone.now().timestamp()
        last_seen = session.get(auth.LAST_SEEN_KEY, now)
        if now - last_seen > settings.CLIENT_IDLE_TIMEOUT.total_seconds():
            from . import services

            services.time_out(session=session, account=account)
            request.portal_timed_out = True
            request.portal_timed_out_account_id = account.pk
            return
        session[auth.LAST_SEEN_KEY] = now
        request.client = account.client
        request.client_account = account
