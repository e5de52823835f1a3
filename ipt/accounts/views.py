"""Sign-in in two steps (password, then a code), set-up of the authenticator, and sign-out."""

from __future__ import annotations

import io
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from markupsafe import Markup

from ipt.core.http import submitted

from . import services
from .forms import SignInForm, TokenForm
from .middleware import TIMED_OUT_FLAG, otp_not_required

BACKUP_CODES_SESSION_KEY = "ipt_new_backup_codes"
THROTTLED = "You entered too many wrong codes. Wait a minute, then try again"


def _throttled(user) -> bool:
    """django-otp slows down guessing: each wrong code doubles the wait before the next try."""
    return any(
        not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=None)
    )


def safe_next(request, fallback: str = settings.LOGIN_REDIRECT_URL) -> str:
    """The `next` parameter if it stays on this site, otherwise the fallback."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(fallback) if fallback else ""


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(safe_next(request))
    form = SignInForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = auth.authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None:
                auth.login(request, user)
                step = "accounts:verify" if services.has_two_factor(user) else "accounts:set_up"
                response = redirect(step)
                next_url = safe_next(request, fallback="")
                if next_url:
                    response["Location"] += "?" + urlencode({"next": next_url})
                return response
            form.add_error(None, "Enter a correct username and password")
        status = 422
    context = {
        "form": form,
        "timed_out": TIMED_OUT_FLAG in request.GET,
        "next": request.GET.get("next", request.POST.get("next", "")),
    }
    return render(request, "accounts/sign_in.jinja", context, status=status)


@otp_not_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.user.is_verified():
        return redirect(safe_next(request))
    if not services.has_two_factor(request.user):
        return redirect("accounts:set_up")
    form = TokenForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid() and _throttled(request.user):
            form.add_error("token", THROTTLED)
        elif form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                services.complete_sign_in(request, device=device)
                return redirect(safe_next(request))
            form.add_error("token", "The security code is not right, or has been used already")
        status = 422
    return render(request, "accounts/verify.jinja", {"form": form}, status=status)


def _qr_svg(url: str) -> Markup:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    labelled = svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )
    return Markup(labelled)  # noqa: S704 (SVG made by the qrcode library from our own URL)


@otp_not_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    if services.has_two_factor(request.user):
        return redirect("accounts:verify")
    device = services.pending_authenticator(user=request.user)
    form = TokenForm(submitted(request))
    form.fields["token"].help_text = "The 6-digit code your authenticator app shows"
    status = 200
    if request.method == "POST":
        if form.is_valid() and _throttled(request.user):
            form.add_error("token", THROTTLED)
        elif form.is_valid():
            codes = services.confirm_authenticator(
                device=device, token=form.cleaned_data["token"], by=request.user
            )
            if codes is not None:
                services.complete_sign_in(request, device=device)
                request.session[BACKUP_CODES_SESSION_KEY] = codes
                return redirect("accounts:backup_codes")
            form.add_error("token", "The security code is not right. Check the time on your phone")
        status = 422
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
    }
    return render(request, "accounts/set_up.jinja", context, status=status)


def backup_codes(request):
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/backup_codes.jinja", {"codes": codes})


def account(request):
    return render(request, "accounts/account.jinja", {"user": request.user})


@require_POST
def new_backup_codes(request):
    request.session[BACKUP_CODES_SESSION_KEY] = services.replace_backup_codes(
        user=request.user, by=request.user
    )
    return redirect("accounts:backup_codes")


@otp_not_required
@require_POST
def sign_out(request):
    services.sign_out(request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign_in")
