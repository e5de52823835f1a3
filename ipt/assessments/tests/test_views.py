"""Every page of the initial-phase record, for the course's therapist, a reader who may not
change it (break-glass), administrators and outsiders; every write is audited."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipt.assessments import services
from ipt.assessments.forms import AssessmentForm
from ipt.assessments.models import (
    Assessment,
    InventoryEntry,
    InventorySnapshot,
    MoodEpisode,
    TimelineEvent,
)
from ipt.clients.tests.factories import BreakGlassAccessFactory
from ipt.core.models import AuditEvent

from .factories import InventoryEntryFactory, MoodEpisodeFactory, TimelineEventFactory
from .support import people_on_rings, svg_of, text

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def reader(other_therapist, course):
    """A therapist who broke the glass to read the record: may read, may not change."""
    BreakGlassAccessFactory(user=other_therapist, client=course.client)
    return other_therapist


@pytest.fixture
def dev(course):
    return InventoryEntryFactory(course=course, name="Dev", relationship="partner", ring=1)


@pytest.fixture
def event(course):
    return TimelineEventFactory(course=course)


@pytest.fixture
def episode(course):
    return MoodEpisodeFactory(course=course)


def _url(name, course, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"pk": course.pk, **kwargs})


def _audited(object_type: str, action: str) -> AuditEvent:
    return AuditEvent.objects.get(object_type=f"assessments.{object_type}", action=action)


def _date(prefix: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


PERSON = {
    "name": "Mum",
    "relationship": "parent",
    "relationship_detail": "",
    "ring": "2",
    "expectations_met": "partly",
    "support": ["confidant"],
    "suggested_area": "role_dispute",
    "would_like_to_change": "Talk more openly",
}


# Assessment overview and form


def test_the_overview_shows_the_checklist_and_what_is_not_recorded_yet(as_user, therapist, course):
    response = as_user(therapist).get(_url("overview", course))
    page = text(response.content.decode())

    assert response.status_code == 200
    assert "0 of 10 initial-phase tasks done" not in page  # the contract is agreed at opening
    assert "1 of 10 initial-phase tasks done" in page
    assert "Symptom review and diagnosis To do" in page
    assert "Treatment contract agreed Done" in page
    assert "Symptom review Not recorded yet" in page
    assert _url("edit", course) in response.content.decode()
    assert reverse("assessments:inventory", kwargs={"pk": course.pk}) in response.content.decode()


def test_a_reader_sees_the_overview_without_links_to_change_it(as_user, reader, course):
    response = as_user(reader).get(_url("overview", course))
    assert response.status_code == 200
    assert _url("edit", course) not in response.content.decode()


@pytest.fixture
def every_url(course, therapist, dev, event, episode):
    """Each page of a course's record (with a person, an event, an episode and a snapshot to
    open), and the status the course's therapist gets on GET (POST for taking a snapshot)."""
    services.take_snapshot(course=course, occasion="assessment", by=therapist)
    return {
        "overview": (_url("overview", course), 200),
        "edit": (_url("edit", course), 200),
        "inventory": (_url("inventory", course), 200),
        "person_add": (_url("person_add", course), 200),
        "person_edit": (_url("person_edit", course, entry_pk=dev.pk), 200),
        "person_remove": (_url("person_remove", course, entry_pk=dev.pk), 200),
        "snapshot_take": (_url("snapshot_take", course), 422),
        "compare": (_url("compare", course), 200),
        "timeline": (_url("timeline", course), 200),
        "event_add": (_url("event_add", course), 200),
        "event_edit": (_url("event_edit", course, item_pk=event.pk), 200),
        "event_remove": (_url("event_remove", course, item_pk=event.pk), 200),
        "episode_add": (_url("episode_add", course), 200),
        "episode_edit": (_url("episode_edit", course, item_pk=episode.pk), 200),
        "episode_remove": (_url("episode_remove", course, item_pk=episode.pk), 200),
    }


PAGES = [
    "overview",
    "edit",
    "inventory",
    "person_add",
    "person_edit",
    "person_remove",
    "snapshot_take",
    "compare",
    "timeline",
    "event_add",
    "event_edit",
    "event_remove",
    "episode_add",
    "episode_edit",
    "episode_remove",
]


def _open(http, name: str, url: str):
    # Taking a snapshot is a POST-only action; an empty one is answered with its errors.
    return http.post(url, {}) if name == "snapshot_take" else http.get(url)


@pytest.mark.parametrize("page", PAGES)
def test_the_therapist_opens_every_page_of_the_record(as_user, therapist, every_url, page):
    url, status = every_url[page]
    assert _open(as_user(therapist), page, url).status_code == status


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["outsider", "administrator"])
def test_outsiders_and_administrators_do_not_find_any_page_of_the_record(
    as_user, request, every_url, page, who
):
    url, _ = every_url[page]
    assert _open(as_user(request.getfixturevalue(who)), page, url).status_code == 404


def test_the_form_asks_for_a_risk_narrative_never_a_score_or_level():
    form = AssessmentForm()
    names = " ".join(form.fields)
    labels = " ".join(str(field.label) for field in form.fields.values()).lower()
    choices = " ".join(
        str(label) for field in form.fields.values() for _, label in getattr(field, "choices", [])
    ).lower()

    assert "risk_narrative" in form.fields and "safety_plan" in form.fields
    assert "score" not in names and "level" not in names and "rating" not in names
    assert "score" not in labels
    for word in ("low", "medium", "high"):
        assert word not in choices.split()


def test_the_therapist_records_the_assessment(as_user, therapist, course):
    http = as_user(therapist)
    data = {
        "symptom_review": "Low mood since March",
        "diagnosis": "Moderate depressive episode",
        "icd10_code": "f32.1",
        "sick_role_discussed": "yes",
        **_date("sick_role_discussed_on", dt.date(2026, 11, 17)),
        "psychoeducation_given": "yes",
        "medication_considered": "no",
        "medication_notes": "",
        "risk_narrative": "Passive thoughts, no plans",
        "safety_plan": "Call her sister; crisis line",
    }
    response = http.post(_url("edit", course), data)

    assert response.status_code == 302 and response["Location"] == _url("overview", course)
    page = text(http.get(response["Location"]).content.decode())
    assert "Assessment saved" in page
    assert "Moderate depressive episode ICD-10: F32.1" in page
    assert "Sick role Discussed on Tuesday 17 November 2026" in page
    assert "Risk assessment and safety plan Done" in page
    event = _audited("assessment", "create")
    assert event.actor == therapist and event.client_id == course.client_id
    assert event.changes["risk_narrative"] == [None, "Passive thoughts, no plans"]


def test_a_badly_shaped_code_is_shown_as_an_error(as_user, therapist, course):
    response = as_user(therapist).post(_url("edit", course), {"icd10_code": "depression"})
    html = response.content.decode()

    assert response.status_code == 422
    assert "<title>Error: " in html and "There is a problem" in html
    assert "Enter the ICD-10 code in the right format, like F32 or F33.1" in html
    assert not AuditEvent.objects.filter(object_type="assessments.assessment").exists()


def test_a_reader_may_not_change_the_assessment(as_user, reader, course):
    http = as_user(reader)
    assert http.get(_url("edit", course)).status_code == 403
    assert http.post(_url("edit", course), {"diagnosis": "x"}).status_code == 403
    assert not AuditEvent.objects.filter(object_type="assessments.assessment").exists()


# Interpersonal inventory


def test_the_inventory_shows_the_circle_and_each_person(as_user, therapist, course, dev):
    InventoryEntryFactory(course=course, name="Priya", relationship="child", ring=2)
    response = as_user(therapist).get(_url("inventory", course))
    html = response.content.decode()

    assert response.status_code == 200
    assert people_on_rings(svg_of(html)) == {"Dev": 1, "Priya": 2}
    assert "Ring 1 (closest): Dev (Partner)" in text(html)
    assert _url("person_edit", course, entry_pk=dev.pk) in html
    assert "Add a person" in html and "Take a snapshot" in html


def test_an_empty_inventory_says_so(as_user, therapist, course):
    html = as_user(therapist).get(_url("inventory", course)).content.decode()
    assert "Nobody has been added to the inventory yet" in html and "ipt-chart" not in html


def test_the_inventory_page_makes_the_same_queries_however_many_people(as_user, therapist, course):
    http = as_user(therapist)
    InventoryEntryFactory(course=course)
    with CaptureQueriesContext(connection) as one:
        http.get(_url("inventory", course))
    for _ in range(5):
        InventoryEntryFactory(course=course, ring=2)
    with CaptureQueriesContext(connection) as six:
        http.get(_url("inventory", course))
    assert len(six) == len(one)


def test_a_reader_sees_the_inventory_without_changing_it(as_user, reader, course, dev):
    http = as_user(reader)
    html = http.get(_url("inventory", course)).content.decode()

    assert "Dev" in html and "Add a person" not in html
    assert _url("person_edit", course, entry_pk=dev.pk) not in html
    assert http.post(_url("person_add", course), PERSON).status_code == 403
    assert http.post(_url("person_edit", course, entry_pk=dev.pk), PERSON).status_code == 403
    assert http.post(_url("person_remove", course, entry_pk=dev.pk)).status_code == 403
    assert http.post(_url("snapshot_take", course), {"occasion": "end"}).status_code == 403
    assert InventoryEntry.objects.current().count() == 1


def test_the_therapist_adds_a_person(as_user, therapist, course):
    http = as_user(therapist)
    assert "Ring 3 (least close)" in http.get(_url("person_add", course)).content.decode()
    response = http.post(_url("person_add", course), PERSON)

    assert response.status_code == 302 and response["Location"] == _url("inventory", course)
    entry = InventoryEntry.objects.get()
    assert (entry.name, entry.ring, entry.is_confidant) == ("Mum", 2, True)
    assert not entry.gives_practical_support and entry.suggested_area == "role_dispute"
    page = text(http.get(response["Location"]).content.decode())
    assert "Mum added to the inventory" in page
    assert "Suggested problem area Role dispute" in page
    assert _audited("inventoryentry", "create").actor == therapist


def test_a_person_without_a_name_or_ring_is_not_added(as_user, therapist, course):
    response = as_user(therapist).post(_url("person_add", course), {"relationship": "parent"})
    page = text(response.content.decode())

    assert response.status_code == 422
    assert "Enter the person's name or initials" in page
    assert "Select how close the client feels to them" in page
    assert not InventoryEntry.objects.exists()


def test_the_therapist_moves_a_person_to_another_ring(as_user, therapist, course, dev):
    http = as_user(therapist)
    form = http.get(_url("person_edit", course, entry_pk=dev.pk)).content.decode()
    assert 'value="Dev"' in form

    response = http.post(
        _url("person_edit", course, entry_pk=dev.pk), {**PERSON, "name": "Dev", "ring": "3"}
    )

    assert response.status_code == 302 and response["Location"] == _url("inventory", course)
    dev.refresh_from_db()
    assert dev.ring == 3
    assert _audited("inventoryentry", "update").changes["ring"] == [1, 3]


def test_someone_elses_person_is_not_found(as_user, therapist, course, other_therapist, site):
    from ipt.courses.tests.factories import open_course

    elsewhere = InventoryEntryFactory(course=open_course(therapist=other_therapist, site=site))
    http = as_user(therapist)
    assert http.get(_url("person_edit", course, entry_pk=elsewhere.pk)).status_code == 404
    assert http.post(_url("person_remove", course, entry_pk=elsewhere.pk)).status_code == 404


def test_the_therapist_removes_a_person_after_confirming(as_user, therapist, course, dev):
    http = as_user(therapist)
    confirm = text(http.get(_url("person_remove", course, entry_pk=dev.pk)).content.decode())
    assert "Remove Dev from the interpersonal inventory?" in confirm

    response = http.post(_url("person_remove", course, entry_pk=dev.pk))

    assert response.status_code == 302 and response["Location"] == _url("inventory", course)
    assert not InventoryEntry.objects.current().exists() and InventoryEntry.objects.exists()
    assert _audited("inventoryentry", "delete").actor == therapist
    assert http.get(_url("person_edit", course, entry_pk=dev.pk)).status_code == 404


def test_the_therapist_takes_a_snapshot(as_user, therapist, course, dev):
    http = as_user(therapist)
    response = http.post(_url("snapshot_take", course), {"occasion": "assessment"})

    assert response.status_code == 302 and response["Location"] == _url("inventory", course)
    snapshot = InventorySnapshot.objects.get()
    assert snapshot.entries[0]["name"] == "Dev"
    page = text(http.get(response["Location"]).content.decode())
    assert "Snapshot taken: Assessment, Tuesday 24 November 2026" in page
    assert "Compare with now" in page
    assert _audited("inventorysnapshot", "create").client_id == course.client_id


def test_a_snapshot_needs_its_occasion(as_user, therapist, course):
    http = as_user(therapist)
    response = http.post(_url("snapshot_take", course), {})
    assert response.status_code == 422
    assert "Select when this snapshot is being taken" in response.content.decode()
    assert http.get(_url("snapshot_take", course)).status_code == 405
    assert not InventorySnapshot.objects.exists()


def test_the_compare_page_shows_two_circles_and_what_changed(as_user, therapist, course, dev):
    snapshot = services.take_snapshot(course=course, occasion="assessment", by=therapist)
    services.update_person(entry=dev, by=therapist, ring=2)
    InventoryEntryFactory(course=course, name="Tennis club", relationship="friend", ring=3)

    response = as_user(therapist).get(
        _url("compare", course), {"before": snapshot.pk, "after": "now"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert people_on_rings(svg_of(html, 0)) == {"Dev": 1}
    assert people_on_rings(svg_of(html, 1)) == {"Dev": 2, "Tennis club": 3}
    page = text(html)
    assert "Tennis club added on ring 3" in page
    assert "Dev moved from ring 1 to ring 2 (less close)" in page
    assert 'id="circle-before-title"' in html and 'id="circle-after-title"' in html


def test_a_reader_may_compare_snapshots(as_user, reader, therapist, course, dev):
    first = services.take_snapshot(course=course, occasion="assessment", by=therapist)
    second = services.take_snapshot(course=course, occasion="mid_point", by=therapist)
    response = as_user(reader).get(
        _url("compare", course), {"before": first.pk, "after": second.pk}
    )
    assert response.status_code == 200
    assert "Nothing changed" in response.content.decode()


def test_compare_without_snapshots_or_with_an_unknown_one_is_not_found(
    as_user, therapist, outsider, course
):
    http = as_user(therapist)
    assert http.get(_url("compare", course)).status_code == 404
    snapshot = services.take_snapshot(course=course, occasion="assessment", by=therapist)
    assert http.get(_url("compare", course), {"before": snapshot.pk + 99}).status_code == 404
    assert http.get(_url("compare", course)).status_code == 200
    assert as_user(outsider).get(_url("compare", course)).status_code == 404


# Timeline


def test_the_timeline_draws_events_and_episodes_with_a_table(
    as_user, therapist, course, event, episode
):
    TimelineEventFactory(
        course=course,
        occurred_on=dt.date(2026, 4, 1),
        precision="month",
        kind="job",
        description="Stopped work",
        linked_to_onset=True,
    )
    response = as_user(therapist).get(_url("timeline", course))
    html = response.content.decode()

    assert response.status_code == 200
    svg = svg_of(html)
    assert svg.get("role") == "img"
    assert (
        len(
            [
                g
                for g in svg.iter("{http://www.w3.org/2000/svg}g")
                if g.get("class") == "ipt-timeline__event"
            ]
        )
        == 2
    )
    page = text(html)
    assert "1 14 March 2026 Death His wife died after a long illness" in page
    assert "2 April 2026 Job or work Stopped work Yes" in page
    assert "From 1 May 2026, still going on Episode of depression" in page
    assert _url("event_edit", course, item_pk=event.pk) in html


def test_an_empty_timeline_says_so(as_user, therapist, course):
    html = as_user(therapist).get(_url("timeline", course)).content.decode()
    assert "No life events or episodes have been added yet" in html and "ipt-chart" not in html


def test_a_reader_sees_the_timeline_without_changing_it(as_user, reader, course, event, episode):
    http = as_user(reader)
    html = http.get(_url("timeline", course)).content.decode()
    assert "His wife died" in html and "Add a life event" not in html
    assert http.get(_url("event_add", course)).status_code == 403
    assert http.post(_url("event_remove", course, item_pk=event.pk)).status_code == 403
    assert http.post(_url("episode_remove", course, item_pk=episode.pk)).status_code == 403
    assert http.get(_url("episode_edit", course, item_pk=episode.pk)).status_code == 403


def test_the_therapist_adds_an_event_knowing_only_the_month(as_user, therapist, course, dev):
    http = as_user(therapist)
    assert "Dev" in http.get(_url("event_add", course)).content.decode()
    response = http.post(
        _url("event_add", course),
        {
            "occurred_on_day": "",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "kind": "conflict",
            "description": "Arguments about his hours",
            "people": [str(dev.pk)],
            "linked_to_onset": "on",
        },
    )

    assert response.status_code == 302 and response["Location"] == _url("timeline", course)
    event = TimelineEvent.objects.get()
    assert (event.occurred_on, event.precision) == (dt.date(2026, 3, 1), "month")
    assert list(event.people.all()) == [dev] and event.linked_to_onset
    assert "March 2026" in text(http.get(response["Location"]).content.decode())
    assert _audited("timelineevent", "create").changes["people"] == [None, ["Dev"]]


def test_an_event_needs_a_year_and_a_description(as_user, therapist, course):
    response = as_user(therapist).post(
        _url("event_add", course),
        {"occurred_on_day": "3", "occurred_on_month": "", "occurred_on_year": "", "kind": "move"},
    )
    page = text(response.content.decode())
    assert response.status_code == 422
    assert "The date of the event must include a year" in page
    assert "Enter what happened" in page


def test_the_therapist_changes_an_event(as_user, therapist, course, event):
    http = as_user(therapist)
    form = http.get(_url("event_edit", course, item_pk=event.pk)).content.decode()
    assert 'value="14"' in form

    response = http.post(
        _url("event_edit", course, item_pk=event.pk),
        {
            **_date("occurred_on", dt.date(2026, 3, 14)),
            "kind": "death",
            "description": "His wife died",
            "linked_to_onset": "on",
        },
    )

    assert response.status_code == 302 and response["Location"] == _url("timeline", course)
    event.refresh_from_db()
    assert event.linked_to_onset and event.description == "His wife died"
    assert _audited("timelineevent", "update").changes["linked_to_onset"] == [False, True]


def test_the_therapist_removes_an_event(as_user, therapist, course, event):
    http = as_user(therapist)
    assert "Remove the life event of 14 March 2026 (death)" in text(
        http.get(_url("event_remove", course, item_pk=event.pk)).content.decode()
    )
    assert http.post(_url("event_remove", course, item_pk=event.pk)).status_code == 302
    assert not TimelineEvent.objects.exists()
    assert _audited("timelineevent", "delete").actor == therapist


def test_the_therapist_adds_changes_and_removes_an_episode(as_user, therapist, course):
    http = as_user(therapist)
    assert http.get(_url("episode_add", course)).status_code == 200
    response = http.post(
        _url("episode_add", course),
        {**_date("started_on", dt.date(2026, 2, 1)), **_date("ended_on", None), "description": ""},
    )
    assert response.status_code == 302 and response["Location"] == _url("timeline", course)
    episode = MoodEpisode.objects.get()
    assert episode.ended_on is None

    bad = http.post(
        _url("episode_edit", course, item_pk=episode.pk),
        {**_date("started_on", dt.date(2026, 2, 1)), **_date("ended_on", dt.date(2026, 1, 1))},
    )
    assert bad.status_code == 422
    assert "must be the same as or after the date it started" in bad.content.decode()

    good = http.post(
        _url("episode_edit", course, item_pk=episode.pk),
        {**_date("started_on", dt.date(2026, 2, 1)), **_date("ended_on", dt.date(2026, 6, 1))},
    )
    assert good.status_code == 302 and good["Location"] == _url("timeline", course)
    assert "1 February 2026 to 1 June 2026" in text(http.get(good["Location"]).content.decode())
    assert http.post(_url("episode_remove", course, item_pk=episode.pk)).status_code == 302
    assert [
        e.action
        for e in AuditEvent.objects.filter(object_type="assessments.moodepisode").order_by(
            "sequence"
        )
    ] == ["create", "update", "delete"]


def test_outsiders_do_not_find_events_or_episodes(as_user, outsider, course, event, episode):
    http = as_user(outsider)
    for name, pk in (
        ("event_edit", event.pk),
        ("event_remove", event.pk),
        ("episode_edit", episode.pk),
        ("episode_remove", episode.pk),
    ):
        assert http.get(_url(name, course, item_pk=pk)).status_code == 404
    assert http.post(_url("episode_add", course), {}).status_code == 404


# Settings


@pytest.mark.parametrize("who", ["manager", "administrator"])
def test_managers_and_administrators_set_the_number_of_rings(
    as_user, request, service, course, who
):
    user = request.getfixturevalue(who)
    http = as_user(user)
    url = reverse("assessments:settings")
    assert http.get(url).status_code == 200

    response = http.post(url, {"closeness_rings": "4"})

    assert response.status_code == 302 and response["Location"] == url
    assert "Clinical record settings saved" in http.get(url).content.decode()
    assert _audited("recordsettings", "update").actor == user
    therapist_form = as_user(course.therapist).get(_url("person_add", course)).content.decode()
    assert "Ring 4 (least close)" in therapist_form


def test_settings_need_a_number_of_rings(as_user, manager):
    response = as_user(manager).post(reverse("assessments:settings"), {"closeness_rings": "9"})
    assert response.status_code == 422
    assert "<title>Error: " in response.content.decode()


def test_therapists_do_not_find_the_settings(as_user, therapist):
    assert as_user(therapist).get(reverse("assessments:settings")).status_code == 404


def test_the_timeline_page_makes_the_same_queries_however_many_events(
    as_user, therapist, course, dev
):
    http = as_user(therapist)
    TimelineEventFactory(course=course).people.add(dev)
    with CaptureQueriesContext(connection) as one:
        http.get(_url("timeline", course))
    for _ in range(4):
        TimelineEventFactory(course=course).people.add(dev)
        MoodEpisodeFactory(course=course)
    with CaptureQueriesContext(connection) as many:
        http.get(_url("timeline", course))
    assert len(many) == len(one)


# Writes by those who do not find the record change nothing


def _record_now(course) -> tuple:
    return (
        sorted(course.inventory_entries.values_list("name", "ring", "removed_at")),
        course.inventory_snapshots.count(),
        sorted(course.timeline_events.values_list("description", "linked_to_onset")),
        sorted(course.mood_episodes.values_list("started_on", "ended_on")),
        Assessment.objects.filter(course=course).exists(),
    )


EVENT = {
    **_date("occurred_on", dt.date(2026, 3, 14)),
    "kind": "death",
    "description": "Changed by someone else",
    "linked_to_onset": "on",
}
EPISODE = {**_date("started_on", dt.date(2026, 2, 1)), **_date("ended_on", dt.date(2026, 6, 1))}


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("edit", {"diagnosis": "Changed by someone else"}),
        ("person_add", PERSON),
        ("person_edit", {**PERSON, "name": "Dev", "ring": "3"}),
        ("person_remove", {}),
        ("snapshot_take", {"occasion": "end"}),
        ("event_add", EVENT),
        ("event_edit", EVENT),
        ("event_remove", {}),
        ("episode_add", EPISODE),
        ("episode_edit", EPISODE),
        ("episode_remove", {}),
    ],
)
@pytest.mark.parametrize("who", ["outsider", "administrator"])
def test_a_write_by_someone_who_does_not_find_the_record_changes_nothing(
    as_user, request, course, every_url, page, data, who
):
    before = _record_now(course)
    audited = AuditEvent.objects.count()

    response = as_user(request.getfixturevalue(who)).post(every_url[page][0], data)

    assert response.status_code == 404
    assert _record_now(course) == before
    assert AuditEvent.objects.count() == audited


# Another course's people, events and episodes are not found under this course's address


@pytest.fixture
def second_course(therapist, site):
    """Another client of the same therapist."""
    from ipt.courses.tests.factories import open_course

    return open_course(therapist=therapist, site=site)


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("person_edit", "entry_pk"),
        ("person_remove", "entry_pk"),
        ("event_edit", "item_pk"),
        ("event_remove", "item_pk"),
        ("episode_edit", "item_pk"),
        ("episode_remove", "item_pk"),
    ],
)
def test_another_courses_items_are_not_found_under_this_course(
    as_user, therapist, course, second_course, page, key
):
    items = {
        "person": InventoryEntryFactory(course=second_course, name="Kemi"),
        "event": TimelineEventFactory(course=second_course),
        "episode": MoodEpisodeFactory(course=second_course),
    }
    item = items[page.split("_")[0]]
    http = as_user(therapist)
    before = _record_now(second_course)

    assert http.get(_url(page, course, **{key: item.pk})).status_code == 404
    assert http.post(_url(page, course, **{key: item.pk}), {}).status_code == 404
    assert _record_now(second_course) == before
    assert http.get(_url(page, second_course, **{key: item.pk})).status_code == 200


# A person removed from the inventory stays on the life events they were part of


def test_changing_an_event_keeps_a_person_removed_from_the_inventory_since(
    as_user, therapist, course, dev, event
):
    event.people.add(dev)
    services.remove_person(entry=dev, by=therapist)
    http = as_user(therapist)
    url = _url("event_edit", course, item_pk=event.pk)

    form = http.get(url).content.decode()
    assert "Dev (removed from the inventory)" in text(form)
    assert re.search(rf'value="{dev.pk}"[^>]*checked', form)
    assert "Dev (removed from the inventory)" not in text(
        http.get(_url("event_add", course)).content.decode()
    )

    response = http.post(url, {**EVENT, "people": [str(dev.pk)]})

    assert response.status_code == 302 and response["Location"] == _url("timeline", course)
    assert list(event.people.all()) == [dev]
    assert "people" not in _audited("timelineevent", "update").changes


def test_a_person_removed_from_the_inventory_is_unlinked_only_when_unticked(
    as_user, therapist, course, dev, event
):
    event.people.add(dev)
    services.remove_person(entry=dev, by=therapist)

    response = as_user(therapist).post(_url("event_edit", course, item_pk=event.pk), EVENT)

    assert response.status_code == 302 and response["Location"] == _url("timeline", course)
    assert not event.people.exists()
    assert _audited("timelineevent", "update").changes["people"] == [["Dev"], []]


# A person left on a ring the service no longer has


def test_a_person_on_a_ring_the_service_removed_can_still_be_changed(
    as_user, therapist, manager, service, course
):
    services.update_settings(service=service, closeness_rings=5, by=manager)
    ray = services.add_person(
        course=course, by=therapist, name="Ray", relationship="other_family", ring=5
    )
    services.update_settings(service=service, closeness_rings=3, by=manager)
    http = as_user(therapist)
    url = _url("person_edit", course, entry_pk=ray.pk)

    assert "Ring 5 (least close)" in http.get(url).content.decode()
    response = http.post(
        url, {**PERSON, "name": "Ray", "relationship": "other_family", "ring": "5"}
    )

    assert response.status_code == 302 and response["Location"] == _url("inventory", course)
    ray.refresh_from_db()
    assert (ray.ring, ray.expectations_met) == (5, "partly")
    assert _audited("inventoryentry", "update").changes["expectations_met"] == [
        "unknown",
        "partly",
    ]
