import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from ipt.core.models import AuditEvent

from .factories import PASSWORD, portal_account

NEW_PASSWORD = "quite another long phrase 2718"  # noqa: S105


@pytest.fixture(autouse=True)
def _worker_keeps_the_connection(monkeypatch):
    # As in the reminders tests: the worker must not close the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _work():
    """Run the background worker once, as `make dev` does all the time."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=StringIO())


def _ask(email, *, work=True):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = HttpClient().post(reverse("portal:forgotten_password"), {"email": email})
    if work:
        _work()
    return response


def _queued():
    return DBTaskResult.objects.filter(task_path="ipt.portal.tasks.send_password_reset")


def _reset_path():
    link = re.search(r"http\S+/my/reset/\S+/", mail.outbox[-1].body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _set(path, password=NEW_PASSWORD):
    http = HttpClient()
    return http, http.post(path, {"password": password, "password_again": password})


def _signs_in(email, password) -> bool:
    response = HttpClient().post(reverse("portal:sign_in"), {"email": email, "password": password})
    return response.status_code == 302


def test_it_emails_a_reset_link_and_says_the_same_for_an_unknown_email(course):
    account = portal_account(course.client)
    known, unknown = _ask(account.email.upper()), _ask("nobody@example.com")

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [account.email]
    for response in (known, unknown):
        assert response.status_code == 200
        assert "Check your email" in response.content.decode()


def test_it_asks_for_an_email_address(db):
    response = HttpClient().post(reverse("portal:forgotten_password"), {"email": ""})
    assert response.status_code == 422
    assert "Enter your email address" in response.content.decode()


def test_a_client_chooses_a_new_password_from_the_link(course):
    account = portal_account(course.client)
    _ask(account.email)

    http, response = _set(_reset_path())

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert http.get(reverse("portal:home")).status_code == 200
    assert _signs_in(account.email, NEW_PASSWORD)
    assert not _signs_in(account.email, PASSWORD)
    assert AuditEvent.objects.filter(
        summary="The client reset their portal password", client_id=course.client_id
    ).exists()


def test_a_reset_link_works_once(course):
    account = portal_account(course.client)
    _ask(account.email)
    path = _reset_path()
    _set(path)

    again = HttpClient().get(path)

    assert again.status_code == 410
    assert "expired or has already been used" in again.content.decode()


def test_a_reset_link_expires_after_an_hour(course):
    account = portal_account(course.client)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _ask(account.email)
        path = _reset_path()
        traveller.shift(dt.timedelta(minutes=61))
        _, response = _set(path)

    assert response.status_code == 410
    assert _signs_in(account.email, PASSWORD)


def test_a_weak_new_password_is_refused_with_the_rules(course):
    account = portal_account(course.client)
    _ask(account.email)
    _, response = _set(_reset_path(), password="password")
    assert response.status_code == 422
    assert "too common" in response.content.decode()


def test_a_reset_is_sent_by_the_worker_for_a_known_and_an_unknown_email_alike(course):
    account = portal_account(course.client)
    known = _ask(account.email, work=False)
    unknown = _ask("nobody@example.com", work=False)

    for response in (known, unknown):
        assert response.status_code == 200
        assert "Check your email" in response.content.decode()
    assert mail.outbox == []  # nothing is sent while the page waits
    assert sorted(t.args_kwargs["args"][0] for t in _queued()) == sorted(
        [account.email, "nobody@example.com"]
    )
    _work()
    assert [m.to for m in mail.outbox] == [[account.email]]
    assert {t.status for t in _queued()} == {"SUCCESSFUL"}


def test_at_most_three_reset_emails_an_hour_go_to_one_address(course):
    account = portal_account(course.client)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        answers = [_ask(account.email.upper()) for _ in range(5)]
        unknown = [_ask("nobody@example.com", work=False) for _ in range(5)]
        assert len(mail.outbox) == 3
        assert _queued().count() == 3 + 3
        for response in answers + unknown:
            assert response.status_code == 200
            assert "Check your email" in response.content.decode()

        traveller.shift(dt.timedelta(hours=1, seconds=1))
        _ask(account.email)
    assert len(mail.outbox) == 4
