"""The diary pages: the client's own in the portal, and the course's for clinicians."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.models import AuditEvent
from ipt.diaries.models import DiaryEntry

from .support import entry_post, write


def _latest_event(**filters):
    return AuditEvent.objects.filter(**filters).latest("sequence")


# The client's own diary in the portal


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("diaries:portal_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:sign_in"))
    assert "next=" in response.url


def test_a_client_sees_only_their_own_entries_newest_first(me, course, other_course):
    today = timezone.localdate()
    write(course.client, what_happened="Older walk", happened_on=today - dt.timedelta(days=2))
    write(course.client, what_happened="Lunch with Priya", mood=8)
    write(other_course.client, what_happened="Someone else's secret")

    response = me.get(reverse("diaries:portal_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Lunch with Priya") < page.index("Older walk")
    assert "8 out of 10" in page
    assert "Someone else" not in page
    assert "Add a diary entry" in page


def test_a_client_adds_an_entry_and_it_is_audited_as_them(me, course):
    response = me.post(reverse("diaries:portal_new"), entry_post())

    assert response.status_code == 302
    assert response.url == reverse("diaries:portal_list")
    entry = DiaryEntry.objects.get()
    assert (entry.client, entry.course, entry.mood) == (course.client, course, 3)
    event = _latest_event(object_type="diaries.diaryentry")
    assert event.action == "create"
    assert event.actor_label == f"client {course.client.pk}"
    assert "Diary entry saved" in me.get(response.url).content.decode()


def test_the_new_entry_form_offers_mood_0_to_10_and_todays_date(me):
    response = me.get(reverse("diaries:portal_new"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "0 – very low" in page and "10 – very good" in page
    assert page.count('name="mood"') == 11
    assert f'value="{timezone.localdate().year}"' in page


@pytest.mark.parametrize("mood", ["", "11", "-1", "seven"])
def test_it_answers_422_for_a_bad_mood_and_keeps_what_was_typed(me, mood):
    response = me.post(reverse("diaries:portal_new"), entry_post(mood=mood))

    page = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in page and "Select your mood from 0 to 10" in page
    assert "Error: " in page.split("</title>")[0]
    assert "Argued with my sister about Mum&#39;s care" in page
    assert not DiaryEntry.objects.exists()


def test_it_refuses_a_date_in_the_future(me):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = entry_post(
        happened_on_day=str(tomorrow.day),
        happened_on_month=str(tomorrow.month),
        happened_on_year=str(tomorrow.year),
    )

    response = me.post(reverse("diaries:portal_new"), data)

    assert response.status_code == 422
    assert "The date it happened must be today or in the past" in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_it_asks_for_what_happened(me):
    response = me.post(reverse("diaries:portal_new"), entry_post(what_happened=""))

    assert response.status_code == 422
    assert "Enter what happened" in response.content.decode()


def test_a_client_changes_an_entry_on_the_day_with_before_and_after_audited(me, course):
    entry = write(course.client, mood=2, what_happened="A bad day")
    url = reverse("diaries:portal_edit", args=[entry.pk])
    assert "A bad day" in me.get(url).content.decode()

    response = me.post(url, entry_post(what_happened="A bad day, better by the evening", mood="5"))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.mood == 5
    event = _latest_event(object_type="diaries.diaryentry", action="update")
    assert event.actor_label == f"client {course.client.pk}"
    assert event.changes["what_happened"] == ["A bad day", "A bad day, better by the evening"]
    assert event.changes["mood"] == [2, 5]


def test_the_list_offers_a_change_link_only_on_the_day(me, course):
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)):
        old = write(course.client, what_happened="Yesterday's entry")
    with time_machine.travel(dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)):
        new = write(course.client, what_happened="Today's entry")
        page = me.get(reverse("diaries:portal_list")).content.decode()

    assert reverse("diaries:portal_edit", args=[new.pk]) in page
    assert reverse("diaries:portal_edit", args=[old.pk]) not in page


def test_it_refuses_to_change_an_entry_after_the_day(me, course):
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)):
        entry = write(course.client, mood=4)
    url = reverse("diaries:portal_edit", args=[entry.pk])
    with time_machine.travel(dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)):
        shown = me.get(url)
        posted = me.post(url, entry_post(mood="9"))

    assert shown.status_code == 403
    assert "You can only change a diary entry on the day you write it" in shown.content.decode()
    assert posted.status_code == 403
    entry.refresh_from_db()
    assert entry.mood == 4


def test_another_clients_entry_is_not_found(me, other_course):
    theirs = write(other_course.client, mood=1)
    url = reverse("diaries:portal_edit", args=[theirs.pk])

    assert me.get(url).status_code == 404
    assert me.post(url, entry_post()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.mood == 1


def test_staff_are_not_clients_in_the_portal(as_user, therapist):
    response = as_user(therapist).get(reverse("diaries:portal_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:sign_in"))


# The course's diary for clinicians


def _course_url(course) -> str:
    return reverse("diaries:course", args=[course.pk])


def test_the_therapist_sees_the_mood_chart_table_and_entries(as_user, course, therapist):
    today = timezone.localdate()
    write(
        course.client, mood=2, what_happened="Rowed with Sam", happened_on=today - dt.timedelta(3)
    )
    write(course.client, mood=7, what_happened="Made up with Sam", feelings="Relieved")

    response = as_user(therapist).get(_course_url(course))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="ipt-chart ipt-mood-chart"' in page
    assert page.count('class="ipt-chart__point"') == 2
    assert "<caption" in page and "Mood (0 to 10)" in page
    assert "Mood: 2 diary entries, from 2 out of 10" in page
    assert page.index("Made up with Sam") < page.index("Rowed with Sam")
    assert "How they felt" in page and "Relieved" in page
    assert "/my/diary/" not in page.split("<main")[1]
    event = _latest_event(action="view")
    assert event.actor == therapist
    assert event.summary == "Viewed the client's diary"
    assert event.client_id == course.client_id


def test_a_long_diary_shows_its_entries_twenty_at_a_time_and_charts_them_all(
    as_user, course, therapist
):
    today = timezone.localdate()
    for n in range(23):
        write(course.client, happened_on=today - dt.timedelta(n), what_happened=f"Entry {n:02d}")
    http = as_user(therapist)

    first = http.get(_course_url(course)).content.decode()
    second = http.get(_course_url(course) + "?page=2").content.decode()

    assert [f"Entry {n:02d}" in first for n in (0, 19, 20, 22)] == [True, True, False, False]
    assert [f"Entry {n:02d}" in second for n in (0, 19, 20, 22)] == [False, False, True, True]
    assert "Entries 1 to 20 of 23." in first and "Entries 21 to 23 of 23." in second
    assert 'href="?page=2"' in first and 'href="?page=1"' in second
    assert first.count('class="ipt-chart__point"') == 23  # the chart is of the whole course


def test_the_therapist_sees_when_there_are_no_entries(as_user, course, therapist):
    response = as_user(therapist).get(_course_url(course))

    assert response.status_code == 200
    assert "has not written any diary entries" in response.content.decode()


def test_supervisors_managers_and_break_glass_readers_see_the_diary(
    as_user, course, supervisor, manager, other_therapist
):
    BreakGlassAccessFactory(user=other_therapist, client=course.client)
    write(course.client)

    for user in (supervisor, manager, other_therapist):
        assert as_user(user).get(_course_url(course)).status_code == 200


def test_administrators_and_outsiders_do_not_see_the_diary(
    as_user, course, administrator, outsider
):
    write(course.client, what_happened="Private words")

    for user in (administrator, outsider):
        response = as_user(user).get(_course_url(course))
        assert response.status_code == 404
        assert "Private words" not in response.content.decode()


def test_a_signed_in_client_cannot_open_the_staff_page(me, course):
    response = me.get(_course_url(course))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_the_course_diary_takes_a_fixed_number_of_queries(
    as_user, course, therapist, django_assert_max_num_queries
):
    for mood in range(12):
        write(course.client, mood=mood % 11)
    http = as_user(therapist)
    with django_assert_max_num_queries(20):
        assert http.get(_course_url(course)).status_code == 200


def test_the_portal_list_takes_a_fixed_number_of_queries(me, course, django_assert_max_num_queries):
    for mood in range(12):
        write(course.client, mood=mood % 11)
    with django_assert_max_num_queries(12):
        assert me.get(reverse("diaries:portal_list")).status_code == 200
