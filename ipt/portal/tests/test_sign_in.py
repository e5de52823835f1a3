import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ipt.config.settings.test import FastArgon2PasswordHasher
from ipt.core.models import AuditEvent
from ipt.portal import auth
from ipt.portal.models import EmailThrottle

from .factories import PASSWORD, browser_as, portal_account


def _sign_in(http, email, password, next_url=""):
    data = {"email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return http.post(reverse("portal:sign_in"), data)


def test_it_signs_a_client_in_with_their_email_and_password(course):
    portal_account(course.client, email="Alex@Example.com")
    http = HttpClient()
    http.get(reverse("portal:sign_in"))
    before = http.cookies["sessionid"].value if "sessionid" in http.cookies else ""

    response = _sign_in(http, "  ALEX@example.com ", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert http.cookies["sessionid"].value != before
    assert http.get(reverse("portal:home")).status_code == 200
    event = AuditEvent.objects.get(action="sign_in", client_id=course.client_id)
    assert event.actor is None and event.actor_label == f"client {course.client.pk}"


def test_it_goes_on_to_the_page_asked_for_but_only_on_this_site(course):
    account = portal_account(course.client)
    response = _sign_in(HttpClient(), account.email, PASSWORD, reverse("portal:appointments"))
    assert response["Location"] == reverse("portal:appointments")
    response = _sign_in(HttpClient(), account.email, PASSWORD, "https://evil.example/")
    assert response["Location"] == reverse("portal:home")


def test_it_gives_the_same_message_for_a_wrong_password_and_an_unknown_email(course):
    account = portal_account(course.client)
    wrong = _sign_in(HttpClient(), account.email, "not the password")
    unknown = _sign_in(HttpClient(), "nobody@example.com", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Enter a correct email address and password" in response.content.decode()
        assert "<title>Error: Sign in" in response.content.decode()


def test_it_keeps_the_email_typed_when_sign_in_fails(course):
    account = portal_account(course.client)
    response = _sign_in(HttpClient(), account.email, "not the password")
    assert f'value="{account.email}"' in response.content.decode()


def test_five_wrong_passwords_lock_the_account_for_15_minutes(course):
    account = portal_account(course.client)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            assert _sign_in(HttpClient(), account.email, "wrong").status_code == 422
        locked = _sign_in(HttpClient(), account.email, "wrong")
        assert locked.status_code == 429
        assert "You cannot sign in for 15 minutes" in locked.content.decode()
        assert _sign_in(HttpClient(), account.email, PASSWORD).status_code == 429
        event = AuditEvent.objects.get(client_id=course.client_id, action="update")
        assert "Locked" in event.summary

        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        assert _sign_in(HttpClient(), account.email, PASSWORD).status_code == 302


def test_an_unknown_email_locks_just_as_a_real_one_does(course):
    account = portal_account(course.client)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        real = [_sign_in(HttpClient(), account.email, "wrong").status_code for _ in range(6)]
        unknown = [
            _sign_in(HttpClient(), "Nobody@example.com", "wrong").status_code for _ in range(6)
        ]
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        real_after = _sign_in(HttpClient(), account.email, "wrong").status_code
        unknown_after = _sign_in(HttpClient(), "nobody@example.com", "wrong").status_code

    assert real == unknown == [422, 422, 422, 422, 429, 429]
    assert real_after == unknown_after == 422


def test_an_unknown_emails_failures_are_kept_in_the_database_without_the_address(db):
    for _ in range(4):
        _sign_in(HttpClient(), "nobody@example.com", "wrong")
    cache.clear()  # another process, or a restart, sees the same count

    assert _sign_in(HttpClient(), "nobody@example.com", "wrong").status_code == 429
    row = EmailThrottle.objects.get()
    assert row.kind == "sign_in" and "nobody" not in row.email_hash


def test_an_unknown_emails_failures_are_forgotten_after_a_day(db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            _sign_in(HttpClient(), "nobody@example.com", "wrong")
        traveller.shift(dt.timedelta(days=1, seconds=1))
        assert _sign_in(HttpClient(), "nobody@example.com", "wrong").status_code == 422


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes worked out (made or checked)."""
    counted = []
    for name in ("encode", "verify"):
        real = getattr(FastArgon2PasswordHasher, name)

        def counting(self, *args, _real=real, **kwargs):
            counted.append(1)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(FastArgon2PasswordHasher, name, counting)
    return counted


def test_every_sign_in_works_out_a_password_hash_so_timing_says_nothing(course, hashes):
    account = portal_account(course.client)
    hashes.clear()
    with time_machine.travel(timezone.now(), tick=False):
        answers = []
        for email in (account.email, "nobody@example.com"):
            for _ in range(6):  # wrong, then locked
                before = len(hashes)
                answers.append(_sign_in(HttpClient(), email, "wrong").status_code)
                assert len(hashes) == before + 1, (email, answers)
    assert answers == [422, 422, 422, 422, 429, 429] * 2


@override_settings(CLIENT_IDLE_TIMEOUT=dt.timedelta(minutes=20))
def test_the_idle_sign_out_message_gives_the_time_set(db):
    page = HttpClient().get(reverse("portal:sign_in") + "?timed_out=1").content.decode()
    assert "had not done anything for 20 minutes" in page


def test_it_signs_a_client_out_after_30_minutes_idle(course):
    account = portal_account(course.client)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        http = browser_as(account)
        traveller.shift(dt.timedelta(minutes=29))
        assert http.get(reverse("portal:home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert http.get(reverse("portal:home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = http.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))
    assert "timed_out=1" in response["Location"]
    page = http.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for 30 minutes" in page
    assert AuditEvent.objects.filter(
        action="sign_out", client_id=course.client_id, summary__contains="timed out"
    ).exists()


def test_signing_out_ends_the_session_and_is_audited(course):
    account = portal_account(course.client)
    http = browser_as(account)
    response = http.post(reverse("portal:sign_out"))
    assert response["Location"] == reverse("portal:sign_in")
    assert http.get(reverse("portal:home")).status_code == 302
    assert AuditEvent.objects.filter(action="sign_out", client_id=course.client_id).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in_with_next(db):
    response = HttpClient().get(reverse("portal:appointments"))
    assert response.status_code == 302
    assert response["Location"] == (reverse("portal:sign_in") + "?next=%2Fmy%2Fappointments%2F")


def test_a_staff_session_does_not_give_portal_access(course, as_user):
    http = as_user(course.therapist)
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))


def test_a_client_session_does_not_give_staff_access(course):
    http = browser_as(portal_account(course.client))
    response = http.get(reverse("clients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_signing_in_as_a_client_ends_a_staff_session_in_the_same_browser(course, as_user):
    account = portal_account(course.client)
    http = as_user(course.therapist)
    assert _sign_in(http, account.email, PASSWORD).status_code == 302
    assert http.get(reverse("portal:home")).status_code == 200
    assert http.get(reverse("clients:list")).status_code == 302


def test_a_staff_sign_in_in_the_same_browser_ends_the_client_session(course, as_user):
    account = portal_account(course.client)
    http = browser_as(account, as_user(course.therapist))
    assert http.get(reverse("portal:home")).status_code == 302
    assert auth.ACCOUNT_KEY not in http.session


def test_a_password_change_elsewhere_signs_the_client_out(course):
    from django.contrib.auth.hashers import make_password

    account = portal_account(course.client)
    http = browser_as(account)
    account.password = make_password("another long password 42")
    account.save(update_fields=["password"])
    assert http.get(reverse("portal:home")).status_code == 302
