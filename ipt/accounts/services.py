"""Writes about staff accounts: two-factor devices, backup codes, signing in and out."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.core import audit

from .models import User

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
