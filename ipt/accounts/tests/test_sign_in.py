from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipt.accounts.tests.factories import PASSWORD
from ipt.core.models import AuditEvent


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_signs_in_with_password_then_authenticator_code(client, therapist):
    response = client.post(reverse("accounts:sign_in"), {"username": "tessa", "password": PASSWORD})
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
    response = client.post(reverse("accounts:sign_in"), {"username": "tessa", "password": "nope"})
    assert response.status_code == 422
    assert "Enter a correct username and password" in response.content.decode()
    assert "<title>Error: Sign in" in response.content.decode()
