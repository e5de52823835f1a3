import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from ipt.accounts.tests.factories import PASSWORD


def _try(client, password):
    return client.post(reverse("accounts:sign_in"), {"username": "tessa", "password": password})


def test_it_locks_the_account_for_15_minutes_after_5_failures(client, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert _try(client, "wrong password!").status_code == 422
        locked = _try(client, "wrong password!")
        assert locked.status_code == 429
        assert "Your account is locked for 15 minutes" in locked.content.decode()

        # Even the right password is refused while locked.
        still_locked = _try(client, PASSWORD)
        assert still_locked.status_code == 429
        assert not still_locked.wsgi_request.user.is_authenticated

    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert client.get(reverse("accounts:sign_in")).status_code == 200

    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        response = _try(client, PASSWORD)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:verify"))


def test_a_lockout_is_per_account(client, therapist, other_therapist):
    for _ in range(5):
        _try(client, "wrong password!")
    other = client.post(reverse("accounts:sign_in"), {"username": "oscar", "password": PASSWORD})
    assert other.status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, therapist):
    for _ in range(4):
        _try(client, "wrong password!")
    assert _try(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _try(client, "wrong password!").status_code == 422
