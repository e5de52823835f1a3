"""Who is signed in to the portal, and the scopes every portal view reaches data through.

Clients are not Django users: a client's session holds their account id (see
`PortalMiddleware`), and `request.client` is that account's client. A staff session never
counts as a client session, nor a client session as a staff one."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from ipt.accounts.middleware import otp_not_required
from ipt.appointments.models import Appointment
from ipt.courses.models import Course, CourseQuerySet

from . import kept
from .models import ClientAccount

ACCOUNT_KEY = "ipt_portal_account_id"
HASH_KEY = "ipt_portal_account_hash"
LAST_SEEN_KEY = "ipt_portal_last_seen_at"
TIMED_OUT_FLAG = "timed_out"


def session_hash(account: ClientAccount) -> str:
    """Changes when the password does, so a reset signs out every other session."""
    return salted_hmac("ipt.portal.session", account.password, algorithm="sha256").hexdigest()


def hash_matches(session, account: ClientAccount) -> bool:
    return constant_time_compare(session.get(HASH_KEY, ""), session_hash(account))


def forget_client(session) -> None:
    """Drop the portal keys from a session, leaving anything else in it alone."""
    for key in (ACCOUNT_KEY, HASH_KEY, LAST_SEEN_KEY):
        session.pop(key, None)


def portal_page(view):
    """A portal page anyone may reach (sign in, invitation, forgotten password)."""
    return login_not_required(otp_not_required(view))


def client_required(view):
    """The view needs a signed-in client; otherwise send them to the portal's sign-in page.

    A form posted just after the idle time-out is kept for when they sign in again (see
    `kept`); on a GET, `request.portal_kept` is what was kept for this page, or None."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "client", None) is None:
            query = {"next": request.get_full_path()}
            timed_out_account = getattr(request, "portal_timed_out_account_id", None)
            if getattr(request, "portal_timed_out", False):
                query[TIMED_OUT_FLAG] = "1"
                if request.method == "POST" and timed_out_account is not None:
                    kept.keep(request, account_id=timed_out_account)
            return redirect(f"{reverse('portal:sign_in')}?{urlencode(query)}")
        request.portal_kept = kept.take(request) if request.method == "GET" else None
        return view(request, *args, **kwargs)

    return portal_page(wrapped)


def client_courses(request) -> CourseQuerySet:
    """The signed-in client's own courses, newest first."""
    client = getattr(request, "client", None)
    courses: CourseQuerySet = Course.objects.all()
    if client is None:
        return courses.none()
    return courses.filter(client=client).select_related("variant", "therapist", "service")


def client_appointments(request) -> QuerySet[Appointment]:
    """The signed-in client's own appointments, soonest first."""
    client = getattr(request, "client", None)
    if client is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(course__client=client).select_related(
        "course", "course__service", "therapist", "site", "room"
    )


def start_session(request, account: ClientAccount) -> None:
    """Sign the client in: a new session (any staff sign-in in it ends), holding their account."""
    from django.utils import timezone

    request.session.flush()
    request.session[ACCOUNT_KEY] = account.pk
    request.session[HASH_KEY] = session_hash(account)
    request.session[LAST_SEEN_KEY] = timezone.now().timestamp()
    request.client, request.client_account = account.client, account


def end_session(request) -> None:
    """Sign the client out: the whole session goes."""
    request.session.flush()
    request.client = request.client_account = None
