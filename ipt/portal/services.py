"""Writes about portal access: invitations, sign-in, passwords, and clients' appointment
requests. Staff act with `by=`; a client's own actions are audited with `actor_label`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from ipt.accounts.models import User
from ipt.appointments.models import Appointment
from ipt.clients.models import Client
from ipt.core import audit

from .models import (
    INVITATION_LIFETIME,
    AppointmentRequest,
    ClientAccount,
    EmailThrottle,
    PortalInvitation,
    RequestKind,
    ThrottleKind,
)
from .tokens import reset_tokens

MAX_FAILED_SIGN_INS = 5
LOCKOUT = dt.timedelta(minutes=15)
# Failed sign-ins with an email that has no account are forgotten after this long.
UNKNOWN_EMAIL_WINDOW = dt.timedelta(days=1)
# At most this many password reset emails to one address in an hour.
RESET_EMAILS_PER_WINDOW = 3
RESET_WINDOW = dt.timedelta(hours=1)
ACCOUNT_FIELDS = ("email", "is_active", "activated_at")


class PortalRefused(ValueError):
    """A portal write the rules refuse; the message can be shown as it is. `field` names the
    input it is about, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link(path: str) -> str:
    return settings.IPT_BASE_URL.rstrip("/") + path


def check_new_password(password: str, *, account: ClientAccount) -> None:
    """The staff password rules, checked against the client's name and email.

    Raises ValidationError with the validators' messages."""
    client = account.client
    stand_in = User(  # never saved: only gives the validators the client's details
        username=account.email,
        email=account.email,
        first_name=client.given_name,
        last_name=client.family_name,
    )
    password_validation.validate_password(password, user=stand_in)


@dataclass(frozen=True)
class SentInvitation:
    invitation: PortalInvitation
    token: str

    @property
    def link(self) -> str:
        return _link(reverse("portal:accept", kwargs={"token": self.token}))


def _send_invitation_email(*, email: str, client_name: str, service: str, link: str) -> None:
    context = {
        "name": client_name,
        "service": service,
        "link": link,
        "days": INVITATION_LIFETIME.days,
    }
    body = render_to_string("portal/invitation_email.txt", context)
    send_mail(f"Your invitation to {service} online", body, None, [email])


def _revoke_invitations(account: ClientAccount, now: dt.datetime) -> int:
    return account.invitations.usable(now).update(revoked_at=now)


EMAIL_TAKEN = (
    "Another client's portal account uses this email address. Check the client's email address"
)


def _email_taken(email: str, *, client: Client) -> bool:
    return ClientAccount.objects.filter(email=email).exclude(client=client).exists()


@transaction.atomic
def invite(*, client: Client, by: User) -> SentInvitation:
    """Give a client portal access (or send a new link): any earlier link stops working.

    The account's email is the client's email now. Emails the link once committed."""
    email = (client.email or "").strip().lower()
    if not email:
        raise PortalRefused("Add the client's email address to their details before inviting them")
    # Two first invitations at once queue here, so the second finds the first's account.
    Client.objects.select_for_update(of=("self",)).filter(pk=client.pk).first()
    now = timezone.now()
    account = ClientAccount.objects.select_for_update().filter(client=client).first()
    if account is not None and account.is_active and account.is_activated:
        raise PortalRefused("The client already uses the portal")
    if _email_taken(email, client=client):
        raise PortalRefused(EMAIL_TAKEN)
    try:
        with transaction.atomic():  # another client's invitation may take the email meanwhile
            if account is None:
                account = ClientAccount.objects.create(client=client, email=email, created_by=by)
                action, summary = audit.Action.CREATE, "Invited the client to the portal"
                before: dict = {}
            else:
                before = audit.snapshot(account, ACCOUNT_FIELDS)
                resending = account.is_active
                account.email, account.is_active, account.activated_at, account.password = (
                    email,
                    True,
                    None,
                    "",
                )
                account.save(update_fields=["email", "is_active", "activated_at", "password"])
                action = audit.Action.UPDATE
                summary = (
                    "Sent the client a new portal invitation"
                    if resending
                    else "Invited the client to the portal again"
                )
    except IntegrityError as error:
        raise PortalRefused(EMAIL_TAKEN) from error
    if action == audit.Action.UPDATE:
        _revoke_invitations(account, now)
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        account=account, token_hash=token_hash(token), sent_by=by
    )
    audit.record(
        by=by,
        action=action,
        obj=account,
        client_id=client.pk,
        summary=summary,
        changes={
            **audit.changes_between(before, audit.snapshot(account, ACCOUNT_FIELDS)),
            "invitation_expires_at": [None, invitation.expires_at.isoformat()],
        },
    )
    sent = SentInvitation(invitation=invitation, token=token)
    transaction.on_commit(
        partial(
            _send_invitation_email,
            email=email,
            client_name=client.preferred_name or client.given_name,
            service=client.service.name,
            link=sent.link,
        )
    )
    return sent


def resend(*, client: Client, by: User) -> SentInvitation:
    """A new invitation link for a client who has not yet set a password."""
    account = getattr(client, "portal_account", None)
    if account is None or not account.is_active or account.is_activated:
        raise PortalRefused("There is no invitation waiting for the client to accept")
    return invite(client=client, by=by)


@transaction.atomic
def revoke(*, client: Client, by: User) -> ClientAccount:
    """Stop a client using the portal: signs them out and cancels any invitation."""
    account = ClientAccount.objects.select_for_update().filter(client=client).first()
    if account is None or not account.is_active:
        raise PortalRefused("The client does not have portal access")
    now = timezone.now()
    before = audit.snapshot(account, ACCOUNT_FIELDS)
    account.is_active, account.password, account.failed_attempts, account.locked_until = (
        False,
        "",
        0,
        None,
    )
    account.save(update_fields=["is_active", "password", "failed_attempts", "locked_until"])
    revoked = _revoke_invitations(account, now)
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=account,
        client_id=client.pk,
        summary="Revoked the client's portal access",
        changes={
            **audit.changes_between(before, audit.snapshot(account, ACCOUNT_FIELDS)),
            "invitations_revoked": [0, revoked],
        },
    )
    return account


def invitation_problem(invitation: PortalInvitation | None, now: dt.datetime | None = None):
    """Why an invitation link cannot be used, in words for the client; None if it can."""
    now = now or timezone.now()
    if invitation is None:
        return "This link is not valid. Check you copied all of it from the email"
    if invitation.revoked_at is not None or not invitation.account.is_active:
        return "This link is no longer valid. Contact your therapist for a new invitation"
    if invitation.used_at is not None:
        return "This link has already been used. Sign in with the password you set"
    if invitation.expires_at <= now:
        return "This link has expired. Contact your therapist for a new invitation"
    return None


def find_invitation(token: str) -> PortalInvitation | None:
    """The invitation a link's token belongs to, if any."""
    return (
        PortalInvitation.objects.select_related("account", "account__client")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> ClientAccount:
    """Set the client's password from an invitation link; the link is then spent.

    Raises PortalRefused if the link cannot be used, ValidationError if the password is weak."""
    invitation = (
        PortalInvitation.objects.select_for_update()
        .select_related("account", "account__client")
        .filter(token_hash=token_hash(token))
        .first()
    )
    problem = invitation_problem(invitation)
    if problem is not None or invitation is None:
        raise PortalRefused(problem or "")
    account = invitation.account
    check_new_password(password, account=account)
    now = timezone.now()
    account.password, account.activated_at, account.last_sign_in_at = (
        make_password(password),
        now,
        now,
    )
    account.failed_attempts, account.locked_until = 0, None
    account.save(
        update_fields=[
            "password",
            "activated_at",
            "last_sign_in_at",
            "failed_attempts",
            "locked_until",
        ]
    )
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    audit.record(
        by=None,
        actor_label=audit.client_actor(account.client),
        action=audit.Action.UPDATE,
        obj=account,
        client_id=account.client_id,
        summary="The client accepted their portal invitation and set a password",
        changes={"activated_at": [None, now.isoformat()]},
    )
    return account


@dataclass(frozen=True)
class SignInResult:
    account: ClientAccount | None
    locked: bool = False


def _email_key(email: str) -> str:
    """A keyed hash of a normalised email, so the throttle table holds no addresses."""
    return salted_hmac("ipt.portal.email-throttle", email, algorithm="sha256").hexdigest()


def _throttle(kind: str, email: str, *, window: dt.timedelta, now: dt.datetime) -> EmailThrottle:
    """The email's count of `kind`, locked for this transaction; rows whose window and lock
    are over are deleted first, so an old count starts again from nothing."""
    EmailThrottle.objects.filter(kind=kind, window_starts_at__lte=now - window).filter(
        models.Q(locked_until__isnull=True) | models.Q(locked_until__lte=now)
    ).delete()
    row, _ = EmailThrottle.objects.get_or_create(
        kind=kind, email_hash=_email_key(email), defaults={"window_starts_at": now}
    )
    return EmailThrottle.objects.select_for_update().get(pk=row.pk)


def _phantom_failure(email: str, now: dt.datetime) -> bool:
    """Count a failure for an email with no account, so it locks just as a real one would:
    on the fifth failure in a row, for the same time. True if it is (now) locked."""
    row = _throttle(ThrottleKind.SIGN_IN, email, window=UNKNOWN_EMAIL_WINDOW, now=now)
    if row.locked_until is not None and row.locked_until > now:
        return True
    row.count += 1
    if row.count < MAX_FAILED_SIGN_INS:
        row.save(update_fields=["count"])
        return False
    row.count, row.locked_until, row.window_starts_at = 0, now + LOCKOUT, now
    row.save(update_fields=["count", "locked_until", "window_starts_at"])
    return True


def sign_in(*, email: str, password: str) -> SignInResult:
    """Check a client's email and password. Five failures in a row lock the account for 15
    minutes; an email with no account behaves the same (counted in the database, so every
    process agrees), and every path checks a password hash, so neither the answers nor the
    time they take say whether an account exists."""
    email = email.strip().lower()
    with transaction.atomic():
        account = (
            ClientAccount.objects.select_for_update()
            .select_related("client")
            .filter(email=email, is_active=True, activated_at__isnull=False)
            .exclude(password="")
            .first()
        )
        now = timezone.now()
        if account is None:
            make_password(password)  # about as slow as checking a real one
            return SignInResult(None, locked=_phantom_failure(email, now))
        if account.is_locked(now):
            check_password(password, account.password)  # as slow as an account not locked
            return SignInResult(None, locked=True)
        if not check_password(password, account.password, setter=partial(_rehash, account)):
            return _failed(account, now)
        account.failed_attempts, account.locked_until, account.last_sign_in_at = 0, None, now
        account.save(update_fields=["failed_attempts", "locked_until", "last_sign_in_at"])
        audit.record(
            by=None,
            actor_label=audit.client_actor(account.client),
            action=audit.Action.SIGN_IN,
            obj=account,
            client_id=account.client_id,
            summary="The client signed in to the portal",
        )
        return SignInResult(account)


def _rehash(account: ClientAccount, password: str) -> None:
    account.password = make_password(password)
    account.save(update_fields=["password"])


def _failed(account: ClientAccount, now: dt.datetime) -> SignInResult:
    account.failed_attempts += 1
    if account.failed_attempts < MAX_FAILED_SIGN_INS:
        account.save(update_fields=["failed_attempts"])
        return SignInResult(None)
    account.failed_attempts, account.locked_until = 0, now + LOCKOUT
    account.save(update_fields=["failed_attempts", "locked_until"])
    audit.record(
        by=None,
        actor_label=audit.client_actor(account.client),
        action=audit.Action.UPDATE,
        obj=account,
        client_id=account.client_id,
        summary=f"Locked the client's portal account after {MAX_FAILED_SIGN_INS} failed sign-ins",
        changes={"locked_until": [None, account.locked_until.isoformat()]},
    )
    return SignInResult(None, locked=True)


def sign_out(*, account: ClientAccount, reason: str = "") -> None:
    """Record that a client left the portal (the view clears the session)."""
    audit.record(
        by=None,
        actor_label=audit.client_actor(account.client),
        action=audit.Action.SIGN_OUT,
        obj=account,
        client_id=account.client_id,
        summary="The client signed out of the portal" + (f" ({reason})" if reason else ""),
    )


def time_out(*, session, account: ClientAccount) -> None:
    """Sign a client out after a spell idle."""
    from . import auth

    auth.forget_client(session)
    sign_out(account=account, reason="timed out")


def _send_reset_email(*, email: str, link: str, service: str) -> None:
    body = render_to_string("portal/reset_email.txt", {"link": link, "service": service})
    send_mail(f"Reset your password for {service} online", body, None, [email])


def reset_link(account: ClientAccount) -> str:
    path = reverse(
        "portal:reset",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": reset_tokens.make_token(account),
        },
    )
    return _link(path)


@transaction.atomic
def request_password_reset(*, email: str) -> bool:
    """Ask for a reset link to be emailed to this address, if an account in use has it.

    Whether or not one does, the same happens here: the address's count goes up (at most
    `RESET_EMAILS_PER_WINDOW` an hour) and a background task is queued once committed, which
    looks for the account and sends the email (`send_password_reset`). So neither the answer
    nor the time it takes says whether the address has an account. False if the limit was
    reached and nothing was queued."""
    email = email.strip().lower()
    row = _throttle(ThrottleKind.RESET, email, window=RESET_WINDOW, now=timezone.now())
    if row.count >= RESET_EMAILS_PER_WINDOW:
        return False
    row.count += 1
    row.save(update_fields=["count"])
    transaction.on_commit(partial(_queue_reset_email, email), robust=True)
    return True


def _queue_reset_email(email: str) -> None:
    from .tasks import send_password_reset

    send_password_reset.enqueue(email)


def send_password_reset(*, email: str) -> bool:
    """Email a reset link if an account in use has this address (run by the worker).
    True if one was sent."""
    account = (
        ClientAccount.objects.select_related("client__service")
        .filter(email=email.strip().lower(), is_active=True, activated_at__isnull=False)
        .exclude(password="")
        .first()
    )
    if account is None:
        return False
    _send_reset_email(
        email=account.email, link=reset_link(account), service=account.client.service.name
    )
    return True


def account_for_reset(uidb64: str, token: str) -> ClientAccount | None:
    """The account a reset link belongs to, if the link is still good."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    account = (
        ClientAccount.objects.select_related("client")
        .filter(pk=pk, is_active=True, activated_at__isnull=False)
        .first()
    )
    if account is None or not reset_tokens.check_token(account, token):
        return None
    return account


@transaction.atomic
def reset_password(*, account: ClientAccount, token: str, password: str) -> ClientAccount:
    """Set a new password from a reset link; the link, and every other session, is spent."""
    account = ClientAccount.objects.select_for_update().select_related("client").get(pk=account.pk)
    if not account.is_active or not reset_tokens.check_token(account, token):
        raise PortalRefused("This link has expired or has already been used. Ask for a new one")
    check_new_password(password, account=account)
    now = timezone.now()
    account.password, account.last_sign_in_at = make_password(password), now
    account.failed_attempts, account.locked_until = 0, None
    account.save(update_fields=["password", "last_sign_in_at", "failed_attempts", "locked_until"])
    audit.record(
        by=None,
        actor_label=audit.client_actor(account.client),
        action=audit.Action.UPDATE,
        obj=account,
        client_id=account.client_id,
        summary="The client reset their portal password",
    )
    return account


@transaction.atomic
def ask_to_change(
    *, client: Client, appointment: Appointment, kind: str, reason: str
) -> AppointmentRequest:
    """A client asks to cancel or rebook one of their upcoming appointments. Asking again while
    a request is open (a double click) gives back the open request and changes nothing."""
    if appointment.course.client_id != client.pk:
        raise PortalRefused("This is not your appointment")
    # A double click queues here; the second finds the first's request and gets it back.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=appointment.pk)
    )
    if kind not in RequestKind.values:
        raise PortalRefused("Select whether you want to cancel or rebook", field="kind")
    reason = reason.strip()
    if not reason:
        raise PortalRefused("Tell us why you need to change this appointment", field="reason")
    if appointment.starts_at <= timezone.now() or appointment.attendance:
        raise PortalRefused("This appointment has already happened")
    existing = appointment.client_requests.open().first()
    if existing is not None:
        return existing
    request = AppointmentRequest.objects.create(
        client=client, appointment=appointment, kind=kind, reason=reason
    )
    audit.record(
        by=None,
        actor_label=audit.client_actor(client),
        action=audit.Action.CREATE,
        obj=request,
        client_id=client.pk,
        summary=f"The client asked to {RequestKind(kind).label.lower()} an appointment",
        changes={"kind": [None, kind], "appointment": [None, appointment.pk]},
    )
    return request


@transaction.atomic
def resolve_request(*, request: AppointmentRequest, by: User, note: str = "") -> AppointmentRequest:
    """Mark a client's request as dealt with."""
    request = AppointmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.resolved_at is not None:
        raise PortalRefused("This request has already been dealt with")
    request.resolved_at, request.resolved_by, request.resolution_note = (
        timezone.now(),
        by,
        note.strip(),
    )
    request.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=request,
        client_id=request.client_id,
        summary=f"Dealt with the client's request to {request.get_kind_display().lower()} "
        "an appointment",
        changes={"resolved_at": [None, request.resolved_at.isoformat()]},
    )
    return request
