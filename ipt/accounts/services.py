"""Writes about staff accounts: adding and changing staff, invitations, two-factor devices,
backup codes, signing in and out."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.core import audit
from ipt.organisations.models import Service, Site

from .models import Role, User

BACKUP_DEVICE_NAME = "backup codes"
AUTHENTICATOR_DEVICE_NAME = "authenticator app"


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_authenticator(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_DEVICE_NAME, confirmed=False
        )
    return device


@transaction.atomic
def confirm_authenticator(*, device: TOTPDevice, token: str, by: User) -> list[str] | None:
    """Confirm a new authenticator with a code from it; returns fresh backup codes, or None."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(
        by=by, action=audit.Action.CREATE, obj=device, summary="Set up an authenticator app"
    )
    return replace_backup_codes(user=device.user, by=by)


def _new_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def replace_backup_codes(*, user: User, by: User, codes: list[str] | None = None) -> list[str]:
    """Make a new set of single-use backup codes; any old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = codes or [_new_code() for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit.record(by=by, action=audit.Action.UPDATE, obj=user, summary="Made new backup codes")
    return codes


def complete_sign_in(request, *, device) -> None:
    """The second factor matched: mark the session verified and start it afresh."""
    otp_login(request, device)
    request.session.cycle_key()
    audit.record(
        by=request.user,
        action=audit.Action.SIGN_IN,
        obj=request.user,
        summary=f"Signed in with {device.name}",
    )


def sign_out(request, *, reason: str = "") -> None:
    user = request.user
    if user.is_authenticated:
        audit.record(
            by=user, action=audit.Action.SIGN_OUT, obj=user, summary=reason or "Signed out"
        )
    auth.logout(request)


ROLE_FIELDS = [f"is_{role.value}" for role in Role]
STAFF_FIELDS = ["first_name", "last_name", "email", *ROLE_FIELDS, "is_active"]
INVITATION_SUBJECT = "Set up your IPT service account"


def username_taken(username: str, *, exclude: User | None = None) -> bool:
    """Usernames are unique whatever their case: 'Sam' and 'sam' cannot both exist."""
    others = User.objects.filter(username__iexact=username)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def _staff_snapshot(user: User) -> dict:
    return {
        **audit.snapshot(user, STAFF_FIELDS),
        "sites": sorted(site.name for site in user.sites.all()),
        "supervisors": sorted(person.username for person in user.supervisors.all()),
        "supervisees": sorted(person.username for person in user.supervisees.all()),
    }


def _check_assignments(
    *,
    service: Service | None,
    user: User | None,
    sites: Iterable[Site],
    supervisors: Iterable[User],
) -> dict[str, str]:
    errors = {}
    service_id = service.pk if service is not None else None
    if any(site.service_id != service_id for site in sites):
        errors["sites"] = "Choose sites from your own service"
    for person in supervisors:
        if user is not None and person.pk == user.pk:
            errors["supervisors"] = "A person cannot be their own supervisor"
        elif not person.is_supervisor or person.service_id != service_id:
            errors["supervisors"] = "Choose supervisors from your own service"
    return errors


def _set_roles(user: User, roles: Iterable[Role | str]) -> None:
    chosen = {Role(role) for role in roles}
    for role in Role:
        setattr(user, f"is_{role.value}", role in chosen)


@transaction.atomic
def create_staff(
    *,
    service: Service,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Role | str],
    sites: Iterable[Site],
    supervisors: Iterable[User],
) -> User:
    """Make an account with no password and email the person a link to choose one."""
    sites, supervisors = list(sites), list(supervisors)
    errors = _check_assignments(service=service, user=None, sites=sites, supervisors=supervisors)
    if username_taken(username):
        errors["username"] = "Someone already has this username. Choose another"
    if errors:
        raise ValidationError(errors)
    user = User(
        service=service,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    _set_roles(user, roles)
    user.set_unusable_password()
    user.save()
    user.sites.set(sites)
    user.supervisors.set(supervisors)
    after = {"username": user.username, "service": service.name, **_staff_snapshot(user)}
    audit.record(
        by=by,
        action=audit.Action.CREATE,
        obj=user,
        summary=f"Added {user.display_name} ({user.username})",
        changes=audit.changes_between({}, after),
    )
    transaction.on_commit(partial(send_invitation, user=user, invited_by=by))
    return user


@transaction.atomic
def update_staff(
    *,
    user: User,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Role | str],
    sites: Iterable[Site],
    supervisors: Iterable[User],
    is_active: bool,
) -> User:
    """Change someone's details, roles, sites, supervisors or status. Staff are never deleted.

    Raises ValidationError, changing nothing, if an administrator would remove their own
    administrator role or deactivate themselves, or a site or supervisor is not allowed.
    """
    roles = {Role(role) for role in roles}
    sites, supervisors = list(sites), list(supervisors)
    errors = _check_assignments(
        service=user.service, user=user, sites=sites, supervisors=supervisors
    )
    if user.pk == by.pk and Role.ADMINISTRATOR not in roles:
        errors["roles"] = (
            "You cannot remove your own administrator role. Ask another administrator to do it"
        )
    if user.pk == by.pk and not is_active:
        errors["is_active"] = (
            "You cannot deactivate your own account. Ask another administrator to do it"
        )
    if errors:
        raise ValidationError(errors)
    before = _staff_snapshot(user)
    user.first_name, user.last_name, user.email, user.is_active = (
        first_name,
        last_name,
        email,
        is_active,
    )
    _set_roles(user, roles)
    user.save(update_fields=STAFF_FIELDS)
    user.sites.set(sites)
    user.supervisors.set(supervisors)
    if not user.is_supervisor:
        # Someone who is no longer a supervisor stops supervising anyone.
        user.supervisees.clear()
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=user,
        summary=f"Changed {user.display_name} ({user.username})",
        changes=audit.changes_between(before, _staff_snapshot(user)),
    )
    return user


@transaction.atomic
def reset_two_factor(*, user: User, by: User) -> None:
    """Remove someone's authenticator and backup codes; they set up a new one at next sign-in."""
    devices = list(devices_for_user(user, confirmed=None))
    before = {"two_factor_devices": sorted(device.name for device in devices)}
    for device in devices:
        device.delete()
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=user,
        summary=f"Reset two-factor authentication for {user.display_name} ({user.username})",
        changes=audit.changes_between(before, {"two_factor_devices": []}),
    )


def awaiting_password(user: User) -> bool:
    """Invited but has not yet chosen a password."""
    return user.is_active and not user.has_usable_password()


@transaction.atomic
def resend_invitation(*, user: User, by: User) -> None:
    """Send a fresh invitation link to someone who has not yet chosen a password."""
    if not awaiting_password(user):
        raise ValidationError(
            f"{user.display_name} has already chosen a password. "
            "If they have forgotten it, they can reset it from the sign-in page"
        )
    audit.record(
        by=by,
        action=audit.Action.UPDATE,
        obj=user,
        summary=f"Sent the invitation to {user.display_name} ({user.username}) again",
    )
    transaction.on_commit(partial(send_invitation, user=user, invited_by=by))


def invitation_link(user: User) -> str:
    """A single-use link to choose a password: Django's password reset token for the user."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    base_url = settings.IPT_BASE_URL
    return base_url.rstrip("/") + path


def send_invitation(*, user: User, invited_by: User) -> None:
    """Email the invitation. Called once the transaction that made or changed the user commits."""
    context = {
        "user": user,
        "invited_by": invited_by.display_name,
        "service": user.service.name if user.service else "your service",
        "link": invitation_link(user),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    body = render_to_string("accounts/staff_invitation_email.txt", context)
    send_mail(INVITATION_SUBJECT, body, None, [user.email])
