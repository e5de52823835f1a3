import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ipt.core.models import AuditEvent


def test_it_signs_staff_out_after_15_minutes_idle(as_user, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        http = as_user(therapist)
        assert http.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert http.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29, seconds=30), tick=False):
        response = http.get(reverse("core:home"))
    assert response["Location"] == reverse("accounts:sign_in") + "?timed_out=1"
    page = http.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for a while" in page
    assert http.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign_in"))
    assert AuditEvent.objects.filter(
        actor=therapist, action="sign_out", summary="timed out"
    ).exists()


@override_settings(STAFF_IDLE_TIMEOUT=dt.timedelta(minutes=5))
def test_the_idle_limit_is_configurable(as_user, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        http = as_user(therapist)
        http.get(reverse("core:home"))
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert http.get(reverse("core:home")).status_code == 302


def test_it_signs_staff_out_12_hours_after_sign_in_however_busy(as_user, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        http = as_user(therapist)
        http.get(reverse("core:home"))
    moment = start
    while moment < start + dt.timedelta(hours=11, minutes=50):
        moment += dt.timedelta(minutes=10)
        with time_machine.travel(moment, tick=False):
            assert http.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        response = http.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
