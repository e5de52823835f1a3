"""Session limits and the two-factor requirement for staff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

SIGNED_IN_AT = "ipt_signed_in_at"
LAST_SEEN_AT = "ipt_last_seen_at"
TIMED_OUT_FLAG = "timed_out"


def _stamp(value: dt.datetime) -> float:
    return value.timestamp()


class SessionTimeoutMiddleware:
    """Signs staff out after a spell idle (default 15 minutes) or 12 hours after signing in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _stamp(timezone.now())
            signed_in = request.session.get(SIGNED_IN_AT, now)
            last_seen = request.session.get(LAST_SEEN_AT, now)
            idle = settings.STAFF_IDLE_TIMEOUT.total_seconds()
            absolute = settings.STAFF_ABSOLUTE_TIMEOUT.total_seconds()
            if now - last_seen > idle or now - signed_in > absolute:
                from ipt.accounts import services

                services.sign_out(request, reason="timed out")
                return redirect(f"{reverse(settings.LOGIN_URL)}?{TIMED_OUT_FLAG}=1")
            request.session[SIGNED_IN_AT] = signed_in
            request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


def otp_not_required(view):
    """Mark a view that a signed-in user may reach before completing two-factor sign-in."""
    view.otp_not_required = True
    return view


class TwoFactorRequiredMiddleware:
    """Staff who have only given a password are held at the second step until verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if (
            getattr(view_func, "otp_not_required", False)
            or getattr(view_func, "login_required", True) is False
        ):
            return None
        return redirect("accounts:verify")
