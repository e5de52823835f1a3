import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.accounts import services
from ipt.accounts.tests.factories import PASSWORD, UserFactory
from ipt.core.models import AuditEvent


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_step(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:sign_in"), {"username": username, "password": password, **extra}
    )


def test_it_signs_in_with_password_then_authenticator_code(client, therapist):
    response = _password_step(client, "tessa")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))

    held = client.get(reverse("core:home"))
    assert held["Location"] == reverse("accounts:verify")

    device = TOTPDevice.objects.get(user=therapist)
    response = client.post(reverse("accounts:verify"), {"token": _code(device)})
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(actor=therapist, action="sign_in").count() == 1


def test_it_refuses_a_wrong_password_with_a_clear_message(client, therapist):
    response = _password_step(client, "tessa", password="not the password")
    page = response.content.decode()
    assert response.status_code == 422
    assert "Enter a correct username and password" in page
    assert "<title>Error: Sign in" in page
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign_in"))


def test_it_refuses_a_wrong_code_and_keeps_the_user_at_the_second_step(client, therapist):
    _password_step(client, "tessa")
    response = client.post(reverse("accounts:verify"), {"token": "000000"})
    assert response.status_code == 422
    assert "The security code is not right" in response.content.decode()
    again = client.post(reverse("accounts:verify"), {"token": "000000"})
    assert "too many wrong codes" in again.content.decode()
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")


def test_a_backup_code_signs_in_once_only(client, therapist):
    codes = services.replace_backup_codes(user=therapist, by=therapist)
    _password_step(client, "tessa")
    assert client.post(reverse("accounts:verify"), {"token": codes[0]}).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    client.post(reverse("accounts:sign_out"))
    _password_step(client, "tessa")
    response = client.post(reverse("accounts:verify"), {"token": codes[0]})
    assert response.status_code == 422


def test_new_backup_codes_replace_the_old_ones(as_user, therapist):
    old = services.replace_backup_codes(user=therapist, by=therapist)
    http = as_user(therapist)
    response = http.post(reverse("accounts:new_backup_codes"), follow=True)
    page = response.content.decode()
    new = list(StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True))
    assert len(new) == 10
    assert all(code in page for code in new)
    assert not set(old) & set(new)
    # The codes are shown once only.
    assert http.get(reverse("accounts:backup_codes"))["Location"] == reverse("accounts:account")


def test_a_new_member_of_staff_must_set_up_an_authenticator_first(client, db):
    user = UserFactory(username="newbie", is_therapist=True, with_authenticator=False)
    response = _password_step(client, "newbie")
    assert response["Location"] == reverse("accounts:set_up")
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")
    assert client.get(reverse("accounts:verify"))["Location"] == reverse("accounts:set_up")

    page = client.get(reverse("accounts:set_up"))
    assert "Scan this QR code" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    refused = client.post(reverse("accounts:set_up"), {"token": "123456"})
    assert refused.status_code == 422
    slowed = client.post(reverse("accounts:set_up"), {"token": _code(device)})
    assert "too many wrong codes" in slowed.content.decode()

    later = timezone.now() + dt.timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("accounts:set_up"), {"token": _code(device)}, follow=True)
    assert response.status_code == 200
    codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("core:home")).status_code == 200


def test_it_returns_to_a_page_on_this_site_but_never_another(client, therapist):
    device = TOTPDevice.objects.get(user=therapist)
    _password_step(client, "tessa", next="/audit/")
    response = client.post(reverse("accounts:verify") + "?next=/audit/", {"token": _code(device)})
    assert response["Location"] == "/audit/"

    client.post(reverse("accounts:sign_out"))
    _password_step(client, "tessa")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60), tick=False):
        response = client.post(
            reverse("accounts:verify") + "?next=https://evil.example.com/",
            {"token": _code(device)},
        )
    assert response["Location"] == reverse("core:home")


def test_signing_out_ends_the_session_and_is_audited(as_user, therapist):
    http = as_user(therapist)
    response = http.post(reverse("accounts:sign_out"), follow=True)
    assert "You have signed out" in response.content.decode()
    assert http.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign_in"))
    assert AuditEvent.objects.filter(actor=therapist, action="sign_out").exists()


def test_signing_out_needs_a_post(as_user, therapist):
    http = as_user(therapist)
    assert http.get(reverse("accounts:sign_out")).status_code == 405
    assert http.get(reverse("core:home")).status_code == 200


def test_an_empty_sign_in_form_is_refused_with_what_is_missing(client, db):
    response = client.post(reverse("accounts:sign_in"), {})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Enter your username" in page
    assert "Enter your password" in page
