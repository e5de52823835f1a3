"""A diary entry sent twice saves once; one typed when the idle time-out signed the client
out is kept for them to save after signing in again."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.diaries.models import DiaryEntry
from ipt.portal.kept import KEPT_KEY

from .support import entry_post, signed_in_client, write

PASSWORD = "correct horse battery staple"  # noqa: S105


def _submission_id(page: str) -> str:
    return re.search(r'name="submission_id" value="([0-9a-f-]{36})"', page).group(1)


def test_the_same_form_sent_twice_saves_one_entry(me, course):
    form = me.get(reverse("diaries:portal_new")).content.decode()
    data = entry_post(submission_id=_submission_id(form))

    first = me.post(reverse("diaries:portal_new"), data)
    again = me.post(reverse("diaries:portal_new"), data)

    assert first.status_code == again.status_code == 302
    assert again.url == reverse("diaries:portal_list")
    assert DiaryEntry.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="diaries.diaryentry").count() == 1


def test_each_new_form_is_a_new_entry(me, course):
    for _ in range(2):
        form = me.get(reverse("diaries:portal_new")).content.decode()
        me.post(reverse("diaries:portal_new"), entry_post(submission_id=_submission_id(form)))
    assert DiaryEntry.objects.count() == 2


def test_a_form_sent_back_with_an_error_keeps_its_submission(me):
    form = me.get(reverse("diaries:portal_new")).content.decode()
    sent = _submission_id(form)
    response = me.post(reverse("diaries:portal_new"), entry_post(submission_id=sent, mood=""))
    assert response.status_code == 422
    assert _submission_id(response.content.decode()) == sent


def test_the_service_gives_back_the_entry_a_submission_saved(course):
    import uuid

    sent = uuid.uuid4()
    first = write(course.client, submission_id=sent)
    again = write(course.client, submission_id=sent, what_happened="Something else", mood=9)
    assert again == first and again.what_happened == "Went for a walk with Priya"
    assert write(course.client).pk != first.pk  # no submission id: always a new entry


def _sign_in_from(http, location: str, email: str):
    query = parse_qs(urlsplit(location).query)
    return http.post(
        reverse("portal:sign_in"),
        {"email": email, "password": PASSWORD, "next": query["next"][0]},
    )


def test_an_entry_typed_when_signed_out_for_being_idle_is_kept_for_after_signing_in(me, course):
    email = course.client.portal_account.email
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        form = me.get(reverse("diaries:portal_new")).content.decode()
        traveller.shift(dt.timedelta(minutes=31))
        data = entry_post(submission_id=_submission_id(form), csrfmiddlewaretoken="abc")
        timed_out = me.post(reverse("diaries:portal_new"), data)

        assert timed_out.status_code == 302 and "timed_out=1" in timed_out.url
        assert not DiaryEntry.objects.exists()
        assert "csrfmiddlewaretoken" not in me.session[KEPT_KEY]["data"]
        signed_in = _sign_in_from(me, timed_out.url, email)
        assert signed_in.url == reverse("diaries:portal_new")
        back = me.get(signed_in.url).content.decode()
        assert "You were signed out before this was saved" in back
        assert "Argued with my sister about Mum&#39;s care" in back
        assert "Angry, then guilty" in back
        assert 'value="3" checked' in back
        assert f'value="{timezone.localdate().day}"' in back
        assert _submission_id(back) == data["submission_id"]
        assert "There is a problem" not in back

        again = me.get(reverse("diaries:portal_new")).content.decode()
        assert "Argued with my sister" not in again  # used once, then gone
        me.post(reverse("diaries:portal_new"), data)
    assert DiaryEntry.objects.get().feelings == "Angry, then guilty"


def test_what_one_client_typed_is_not_shown_to_another_signing_in_on_that_browser(
    me, course, other_course, therapist
):
    signed_in_client(other_course.client, invited_by=therapist)  # gives them an account
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        me.get(reverse("diaries:portal_new"))
        traveller.shift(dt.timedelta(minutes=31))
        timed_out = me.post(reverse("diaries:portal_new"), entry_post())
        other_email = other_course.client.portal_account.email
        signed_in = _sign_in_from(me, timed_out.url, other_email)
        page = me.get(signed_in.url).content.decode()
    assert "Argued with my sister" not in page
    assert KEPT_KEY not in me.session


def test_nothing_is_kept_when_a_form_is_sent_without_any_session(db):
    response = HttpClient().post(reverse("diaries:portal_new"), entry_post())
    assert response.status_code == 302
    assert "timed_out" not in response.url
