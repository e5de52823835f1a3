import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.portal.models import ClientAccount

from .factories import browser_as, portal_account

NEW_PASSWORD = "a long and unusual phrase 73"  # noqa: S105


@pytest.fixture
def client_with_email(course):
    client = course.client
    client.email = "Alex.Shaw@Example.com"
    client.save(update_fields=["email"])
    return client


def _page(client):
    return reverse("portal:access", args=[client.pk])


def _invite(http, client, action="invite"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return http.post(_page(client), {"action": action})


def _link(message) -> str:
    return re.search(r"http\S+/my/invitation/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _accept(link, password=NEW_PASSWORD, again=None, http=None):
    http = http or HttpClient()
    return http, http.post(_path(link), {"password": password, "password_again": again or password})


def test_it_shows_the_therapist_that_the_client_is_not_invited(as_user, course):
    response = as_user(course.therapist).get(_page(course.client))
    assert response.status_code == 200
    assert "Not invited" in response.content.decode()


def test_an_outsider_cannot_see_portal_access(as_user, outsider, course):
    assert as_user(outsider).get(_page(course.client)).status_code == 404
    assert _invite(as_user(outsider), course.client).status_code == 404


def test_a_therapist_not_treating_the_client_cannot_see_portal_access(
    as_user, other_therapist, course
):
    assert as_user(other_therapist).get(_page(course.client)).status_code == 404


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "manager", "administrator"])
def test_staff_who_look_after_the_client_can_invite_them(
    as_user, request, client_with_email, persona
):
    user = request.getfixturevalue(persona)
    response = _invite(as_user(user), client_with_email)

    assert response.status_code == 302
    account = ClientAccount.objects.get(client=client_with_email)
    assert account.email == "alex.shaw@example.com"
    assert not account.is_activated
    assert mail.outbox[-1].to == ["alex.shaw@example.com"]
    assert "/my/invitation/" in mail.outbox[-1].body
    event = AuditEvent.objects.get(object_type="portal.clientaccount", action="create")
    assert event.actor == user and event.client_id == client_with_email.pk
    page = as_user(user).get(_page(client_with_email)).content.decode()
    assert "Invited" in page and "Send a new invitation" in page


def test_it_needs_the_clients_email_to_invite_them(as_user, course):
    response = _invite(as_user(course.therapist), course.client)
    assert response.status_code == 422
    assert "Add the client&#39;s email address" in response.content.decode()
    assert not ClientAccount.objects.exists()
    assert mail.outbox == []


def test_a_client_sets_a_password_from_the_invitation_and_is_signed_in(as_user, client_with_email):
    _invite(as_user(client_with_email.referrals.first().allocated_therapist), client_with_email)
    link = _link(mail.outbox[-1])
    assert "Set your password" in HttpClient().get(_path(link)).content.decode()

    http, response = _accept(link)

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert http.get(reverse("portal:home")).status_code == 200
    account = ClientAccount.objects.get(client=client_with_email)
    assert account.is_activated
    event = AuditEvent.objects.get(summary__contains="accepted their portal invitation")
    assert event.actor_label == f"client {client_with_email.pk}"


def test_the_passwords_must_match_and_follow_the_rules(as_user, client_with_email, therapist):
    _invite(as_user(therapist), client_with_email)
    link = _link(mail.outbox[-1])

    _, mismatched = _accept(link, again="something else entirely 99")
    _, short = _accept(link, password="short")
    _, named = _accept(link, password="alex.shaw@example.com")

    assert mismatched.status_code == 422
    assert "The passwords do not match" in mismatched.content.decode()
    assert "<title>Error: Set your password" in mismatched.content.decode()
    assert short.status_code == 422 and "too short" in short.content.decode()
    assert named.status_code == 422 and "too similar" in named.content.decode()
    assert not ClientAccount.objects.get().is_activated


def test_an_invitation_works_once(as_user, client_with_email, therapist):
    _invite(as_user(therapist), client_with_email)
    link = _link(mail.outbox[-1])
    _accept(link)

    _, again = _accept(link, password="another long phrase 8811")

    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_invitation_expires_after_7_days(as_user, client_with_email, therapist):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _invite(as_user(therapist), client_with_email)
        link = _link(mail.outbox[-1])
        traveller.shift(dt.timedelta(days=7, seconds=1))
        response = HttpClient().get(_path(link))
        _, posted = _accept(link)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert posted.status_code == 410
    assert not ClientAccount.objects.get().is_activated


def test_an_unknown_invitation_link_is_not_found(db):
    response = HttpClient().get(reverse("portal:accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_a_new_invitation_stops_the_old_link_working(as_user, client_with_email, therapist):
    http = as_user(therapist)
    _invite(http, client_with_email)
    old = _link(mail.outbox[-1])

    response = _invite(http, client_with_email, action="resend")

    assert response.status_code == 302
    new = _link(mail.outbox[-1])
    assert new != old
    assert _accept(old)[1].status_code == 410
    assert _accept(new)[1].status_code == 302
    assert AuditEvent.objects.filter(summary="Sent the client a new portal invitation").exists()


def test_revoking_access_signs_the_client_out_and_stops_links(
    as_user, client_with_email, therapist
):
    account = portal_account(client_with_email)
    portal = browser_as(account)
    assert portal.get(reverse("portal:home")).status_code == 200

    response = _invite(as_user(therapist), client_with_email, action="revoke")

    assert response.status_code == 302
    assert portal.get(reverse("portal:home")).status_code == 302
    account.refresh_from_db()
    assert not account.is_active
    event = AuditEvent.objects.get(summary="Revoked the client's portal access")
    assert event.actor == therapist
    assert "Access revoked" in as_user(therapist).get(_page(client_with_email)).content.decode()


def test_a_revoked_invitation_link_no_longer_works(as_user, client_with_email, therapist):
    http = as_user(therapist)
    _invite(http, client_with_email)
    link = _link(mail.outbox[-1])
    _invite(http, client_with_email, action="revoke")

    assert _accept(link)[1].status_code == 410


def test_a_client_whose_access_was_revoked_can_be_invited_again(
    as_user, client_with_email, therapist
):
    portal_account(client_with_email)
    http = as_user(therapist)
    _invite(http, client_with_email, action="revoke")
    _invite(http, client_with_email)
    assert _accept(_link(mail.outbox[-1]))[1].status_code == 302


def test_someone_who_may_only_read_the_record_cannot_invite(
    as_user, other_therapist, client_with_email
):
    from ipt.clients.tests.factories import BreakGlassAccessFactory

    BreakGlassAccessFactory(user=other_therapist, client=client_with_email)
    http = as_user(other_therapist)
    page = http.get(_page(client_with_email))
    assert page.status_code == 200
    assert "Invite to the portal" not in page.content.decode()
    assert _invite(http, client_with_email).status_code == 403


def test_an_email_taken_meanwhile_by_another_clients_invitation_is_refused(
    client_with_email, therapist, site, monkeypatch
):
    from ipt.courses.tests.factories import open_course
    from ipt.portal import services

    other = open_course(therapist=therapist, site=site).client
    portal_account(other, email="alex.shaw@example.com")
    # The other invitation commits between this one's check and its save.
    monkeypatch.setattr(services, "_email_taken", lambda email, *, client: False)

    with (
        pytest.raises(services.PortalRefused, match="Another client's portal account"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        services.invite(client=client_with_email, by=therapist)

    assert not ClientAccount.objects.filter(client=client_with_email).exists()
    assert not AuditEvent.objects.filter(object_type="portal.clientaccount").exists()
    assert mail.outbox == []


def test_the_same_email_on_another_clients_account_is_refused_on_the_page(
    as_user, client_with_email, therapist, site
):
    from ipt.courses.tests.factories import open_course

    other = open_course(therapist=therapist, site=site).client
    portal_account(other, email="alex.shaw@example.com")

    response = _invite(as_user(therapist), client_with_email)

    assert response.status_code == 422
    assert "portal account uses this email address" in response.content.decode()
    assert not ClientAccount.objects.filter(client=client_with_email).exists()


def test_a_second_first_invitation_finds_the_first_ones_account(client_with_email, therapist):
    from ipt.clients.models import Client
    from ipt.portal import services

    stale = Client.objects.get(pk=client_with_email.pk)  # loaded before the first was saved
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = services.invite(client=client_with_email, by=therapist)
        second = services.invite(client=stale, by=therapist)

    assert ClientAccount.objects.filter(client=client_with_email).count() == 1
    assert second.invitation.account == first.invitation.account
    first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None
    assert len(mail.outbox) == 2
