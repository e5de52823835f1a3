"""Every page of the focus: the therapist's happy path, read-only users, outsiders."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ipt.core.models import AuditEvent
from ipt.courses.tests.factories import add_appointment
from ipt.formulations import gate, services
from ipt.formulations.areas import DisputeStage, ProblemArea

from .factories import add_goal, agreed_focus, break_glass, choose_area, write_formulation


def _page(response) -> str:
    return response.content.decode()


def _date(prefix: str, value: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _url(name: str, course, **kwargs) -> str:
    return reverse(f"formulations:{name}", kwargs={"pk": course.pk, **kwargs})


def _event(model: str, action: str = "create"):
    return AuditEvent.objects.get(object_type=f"formulations.{model}", action=action)


@pytest.fixture
def reader(other_therapist, course):
    """A colleague with a break-glass grant: may read the record, not change it."""
    break_glass(other_therapist, course)
    return other_therapist


def _urls(course, goal):
    return [
        _url("overview", course),
        _url("area", course, rank="primary"),
        _url("dispute_stage", course, rank="primary"),
        _url("strategies", course, rank="primary"),
        _url("formulation", course),
        _url("formulation_edit", course),
        _url("formulation_agree", course),
        _url("formulation_version", course, version=1),
        _url("middle_phase", course),
        _url("goal_add", course),
        _url("goal_ratings", course),
        _url("goal_close", course, goal_pk=goal.pk),
    ]


@pytest.fixture
def full_course(course):
    choose_area(course, dispute_with="Her husband", dispute_stage=DisputeStage.IMPASSE)
    write_formulation(course)
    return course


READ_ONLY_PAGES = {"overview", "formulation", "formulation_version"}


def _valid_posts(course, goal) -> dict[str, tuple[str, dict]]:
    """For each page that changes something, its URL and a POST the therapist could make."""
    today = timezone.localdate()
    return {
        "area": (
            _url("area", course, rank="primary"),
            {"area": "grief", "deceased": "Her father", "reason": "Grief"},
        ),
        "dispute_stage": (
            _url("dispute_stage", course, rank="primary"),
            {"stage": "renegotiation"} | _date("changed_on", today),
        ),
        "strategies": (
            _url("strategies", course, rank="primary"),
            {"strategies": ["stage"], "shown": ""},
        ),
        "formulation_edit": (
            _url("formulation_edit", course),
            {"clinician_text": "Changed", "client_text": "Changed"},
        ),
        "formulation_agree": (_url("formulation_agree", course), _date("agreed_on", today)),
        "middle_phase": (_url("middle_phase", course), {"reason": "Client in crisis"}),
        "goal_add": (_url("goal_add", course), {"text": "Another goal"}),
        "goal_ratings": (
            _url("goal_ratings", course),
            {f"goal-{goal.pk}": "5"} | _date("rated_on", today),
        ),
        "goal_close": (_url("goal_close", course, goal_pk=goal.pk), {"status": "achieved"}),
    }


PAGES = [
    ("overview", {}),
    ("area", {"rank": "primary"}),
    ("dispute_stage", {"rank": "primary"}),
    ("strategies", {"rank": "primary"}),
    ("formulation", {}),
    ("formulation_edit", {}),
    ("formulation_agree", {}),
    ("formulation_version", {"version": 1}),
    ("middle_phase", {}),
    ("goal_add", {}),
    ("goal_ratings", {}),
    ("goal_close", None),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("who", ["outsider", "administrator"])
def test_it_hides_every_page_from_outsiders_and_administrators(
    as_user, request, who, full_course, name, kwargs
):
    goal = add_goal(full_course)
    url = _url(name, full_course, **(kwargs if kwargs is not None else {"goal_pk": goal.pk}))
    http = as_user(request.getfixturevalue(who))
    assert http.get(url).status_code == 404
    # Pages that only show have no POST at all; the others answer as if nothing were there.
    assert http.post(url, {}).status_code == (405 if name in READ_ONLY_PAGES else 404)


@pytest.mark.parametrize(
    "name",
    [
        "area",
        "dispute_stage",
        "strategies",
        "formulation_edit",
        "formulation_agree",
        "middle_phase",
        "goal_add",
        "goal_ratings",
        "goal_close",
    ],
)
@pytest.mark.parametrize("who", ["outsider", "administrator"])
def test_a_post_from_outside_changes_nothing(as_user, request, who, full_course, name):
    goal = add_goal(full_course)
    url, data = _valid_posts(full_course, goal)[name]
    before = AuditEvent.objects.count()
    assert as_user(request.getfixturevalue(who)).post(url, data).status_code == 404
    assert AuditEvent.objects.count() == before
    focus = full_course.focus_areas.get()
    assert (focus.area, focus.dispute_stage) == ("role_dispute", "impasse")
    assert not focus.strategies_addressed.exists()
    assert full_course.formulations.count() == 1 and not full_course.formulations.get().is_agreed
    assert not full_course.middle_phase_overrides.exists()
    assert list(full_course.goals.values_list("text", "status")) == [(goal.text, "active")]
    assert not goal.ratings.exists()


@pytest.mark.parametrize(
    "name",
    [
        "area",
        "dispute_stage",
        "strategies",
        "formulation_edit",
        "formulation_agree",
        "middle_phase",
        "goal_add",
        "goal_ratings",
        "goal_close",
    ],
)
def test_the_therapists_valid_posts_are_saved(as_user, therapist, full_course, name):
    goal = add_goal(full_course)
    url, data = _valid_posts(full_course, goal)[name]
    before = AuditEvent.objects.count()
    assert as_user(therapist).post(url, data).status_code == 302
    assert AuditEvent.objects.count() > before


def test_a_read_only_user_sees_the_focus_but_cannot_change_it(as_user, reader, full_course):
    goal = add_goal(full_course)
    http = as_user(reader)
    page = _page(http.get(_url("overview", full_course)))
    assert "Primary problem area: Role dispute" in page
    assert "Her husband" in page
    assert "Change the primary problem area" not in page
    assert "Save strategies" not in page
    assert http.get(_url("formulation", full_course)).status_code == 200
    assert "Mark as agreed" not in _page(http.get(_url("formulation", full_course)))
    assert http.get(_url("formulation_version", full_course, version=1)).status_code == 200
    middle = http.get(_url("middle_phase", full_course))
    assert middle.status_code == 200
    assert "Confirm and continue" not in _page(middle)
    for url in _urls(full_course, goal):
        if url in {
            _url("overview", full_course),
            _url("formulation", full_course),
            _url("formulation_version", full_course, version=1),
            _url("middle_phase", full_course),
        }:
            continue
        assert http.get(url).status_code == 403, url
        assert http.post(url, {}).status_code == 403, url
    assert http.post(_url("middle_phase", full_course), {"reason": "x"}).status_code == 403
    assert not full_course.middle_phase_overrides.exists()


def test_the_overview_shows_what_is_missing_and_links_to_choose_an_area(as_user, therapist, course):
    page = _page(as_user(therapist).get(_url("overview", course)))
    assert "No primary problem area has been chosen" in page
    assert "No formulation has been written" in page
    assert _url("area", course, rank="primary") in page
    assert _url("formulation_edit", course) in page
    assert _url("goal_add", course) in page


def test_the_overview_shows_areas_history_strategies_formulation_and_goals(
    as_user, therapist, course
):
    focus = choose_area(course, dispute_with="Her husband", dispute_stage=DisputeStage.IMPASSE)
    services.mark_strategies(focus_area=focus, codes=["stage"], by=therapist)
    agreed_focus_version = write_formulation(course, agreed_on=timezone.localdate())
    goal = add_goal(course, area=ProblemArea.ROLE_DISPUTE)
    services.record_goal_ratings(
        course=course, scores={goal: 4}, rated_on=timezone.localdate(), by=therapist
    )
    response = as_user(therapist).get(_url("overview", course))
    page = _page(response)
    assert "Primary problem area: Role dispute" in page
    assert "Stages of the dispute" in page and "Impasse" in page
    assert 'value="stage" checked' in page
    assert "Choose a plan of action for the relationship" in page
    assert "Agreed on" in page and agreed_focus_version.client_text in page
    assert "The focus is agreed" in page
    assert goal.text in page and "latest rating 4 out of 10" in page
    assert 'class="ipt-chart__point"' in page
    assert "Record the client's ratings" in page


def test_the_overview_is_a_fixed_number_of_queries(
    as_user, therapist, course, django_assert_max_num_queries
):
    focus = choose_area(course, dispute_stage=DisputeStage.IMPASSE)
    services.mark_strategies(focus_area=focus, codes=["stage", "issues"], by=therapist)
    choose_area(course, rank="secondary", area=ProblemArea.GRIEF)
    for text in ("One", "Two", "Three"):
        goal = add_goal(course, text)
        services.record_goal_ratings(
            course=course, scores={goal: 5}, rated_on=timezone.localdate(), by=therapist
        )
    http = as_user(therapist)
    with django_assert_max_num_queries(30):
        assert http.get(_url("overview", course)).status_code == 200


def test_it_chooses_the_primary_area_with_a_dispute_at_impasse(as_user, therapist, course):
    http = as_user(therapist)
    assert "Save the problem area" in _page(http.get(_url("area", course, rank="primary")))
    response = http.post(
        _url("area", course, rank="primary"),
        {"area": "role_dispute", "dispute_with": "Her husband", "dispute_stage": "impasse"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("overview", course)
    focus = course.focus_areas.get()
    assert (focus.area, focus.dispute_with, focus.dispute_stage) == (
        "role_dispute",
        "Her husband",
        "impasse",
    )
    assert _event("focusarea").actor == therapist
    assert _event("disputestagechange").summary == "Staged the role dispute: impasse"
    page = _page(http.get(response["Location"]))
    assert "Primary problem area saved: Role dispute" in page


def test_it_asks_for_an_area_and_a_reason_to_change_the_primary(as_user, therapist, course):
    http = as_user(therapist)
    response = http.post(_url("area", course, rank="primary"), {})
    assert response.status_code == 422
    page = _page(response)
    assert "Error: Primary problem area" in page
    assert "Select the problem area" in page
    choose_area(course, area=ProblemArea.GRIEF)
    response = http.post(_url("area", course, rank="primary"), {"area": "role_transition"})
    assert response.status_code == 422
    assert "Enter why the primary problem area is changing" in _page(response)
    response = http.post(
        _url("area", course, rank="primary"),
        {"area": "role_transition", "reason": "Retirement is the focus", "from_role": "Teacher"},
    )
    assert response.status_code == 302
    event = _event("focusarea", "update")
    assert event.changes["reason"] == "Retirement is the focus"


def test_the_secondary_area_waits_for_the_primary(as_user, therapist, course):
    http = as_user(therapist)
    response = http.get(_url("area", course, rank="secondary"))
    assert response["Location"] == _url("area", course, rank="primary")
    choose_area(course)
    response = http.post(
        _url("area", course, rank="secondary"),
        {"area": "deficits", "to_build": "Join a walking group"},
    )
    assert response.status_code == 302
    assert course.focus_areas.get(rank="secondary").to_build == "Join a walking group"
    assert http.get(_url("area", course, rank="tertiary")).status_code == 404


def test_it_changes_the_stage_of_a_dispute(as_user, therapist, course):
    choose_area(course, dispute_stage=DisputeStage.IMPASSE)
    http = as_user(therapist)
    assert "Stages so far" in _page(http.get(_url("dispute_stage", course, rank="primary")))
    response = http.post(
        _url("dispute_stage", course, rank="primary"),
        {"stage": "renegotiation", "note": "Talking again"}
        | _date("changed_on", timezone.localdate()),
    )
    assert response.status_code == 302
    assert course.focus_areas.get().dispute_stage == "renegotiation"
    events = AuditEvent.objects.filter(object_type="formulations.disputestagechange")
    assert events.count() == 2
    page = _page(http.get(_url("overview", course)))
    assert "The dispute is now at renegotiation" in page
    assert "Talking again" in page


def test_it_refuses_an_unchanged_stage_with_422(as_user, therapist, course):
    choose_area(course, dispute_stage=DisputeStage.IMPASSE)
    response = as_user(therapist).post(
        _url("dispute_stage", course, rank="primary"),
        {"stage": "impasse"} | _date("changed_on", timezone.localdate()),
    )
    assert response.status_code == 422
    assert "The dispute is already at impasse" in _page(response)


def test_only_a_dispute_has_a_stage_page(as_user, therapist, course):
    choose_area(course, area=ProblemArea.GRIEF)
    http = as_user(therapist)
    assert http.get(_url("dispute_stage", course, rank="primary")).status_code == 404
    assert http.get(_url("dispute_stage", course, rank="secondary")).status_code == 404


def test_it_saves_the_strategies_checklist(as_user, therapist, course):
    choose_area(course)
    http = as_user(therapist)
    assert "Stage the dispute" in _page(http.get(_url("strategies", course, rank="primary")))
    response = http.post(
        _url("strategies", course, rank="primary"), {"strategies": ["stage", "before"]}
    )
    assert response["Location"] == _url("overview", course) + "#strategies-primary"
    assert set(course.focus_areas.get().strategies_addressed.values_list("code", flat=True)) == {
        "stage",
        "before",
    }
    assert AuditEvent.objects.filter(object_type="formulations.strategyaddressed").count() == 2
    response = http.post(_url("strategies", course, rank="primary"), {"strategies": ["made_up"]})
    assert response.status_code == 422
    assert "Select strategies from the list" in _page(response)


def test_it_writes_agrees_and_versions_the_formulation(as_user, therapist, course):
    choose_area(course)
    http = as_user(therapist)
    assert "Write the formulation" in _page(http.get(_url("formulation", course)))
    response = http.post(
        _url("formulation_edit", course),
        {"clinician_text": "Depression since the dispute", "client_text": "You feel low since"},
    )
    assert response["Location"] == _url("formulation", course)
    assert _event("formulationversion").summary == "Wrote version 1 of the formulation"
    page = _page(http.get(response["Location"]))
    assert "Version 1 of the formulation saved" in page
    assert "Not agreed yet" in page
    response = http.post(
        _url("formulation_agree", course), _date("agreed_on", timezone.localdate())
    )
    assert response.status_code == 302
    assert _event("formulationversion", "update").changes["agreed_on"][0] is None
    assert gate.middle_phase_check(course).ready
    edit = _page(http.get(_url("formulation_edit", course)))
    assert "Saving adds version 2" in edit and "Depression since the dispute" in edit
    http.post(
        _url("formulation_edit", course),
        {"clinician_text": "Depression since the dispute, and", "client_text": "You feel low"},
    )
    page = _page(http.get(_url("formulation", course)))
    assert "Version 2" in page and "Version 1" in page and "Not agreed yet" in page
    old = _page(http.get(_url("formulation_version", course, version=1)))
    assert "This is an earlier version" in old and "You feel low since" in old
    assert http.get(_url("formulation_version", course, version=9)).status_code == 404


def test_an_empty_formulation_and_a_future_agreement_are_refused(as_user, therapist, course):
    http = as_user(therapist)
    response = http.post(_url("formulation_edit", course), {"clinician_text": " "})
    assert response.status_code == 422
    page = _page(response)
    assert "Enter the clinician&#39;s formulation" in page
    assert "Enter the formulation in words the client will read" in page
    assert http.get(_url("formulation_agree", course)).status_code == 404
    write_formulation(course)
    assert "Mark the formulation as agreed" in _page(http.get(_url("formulation_agree", course)))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = http.post(_url("formulation_agree", course), _date("agreed_on", tomorrow))
    assert response.status_code == 422
    assert "The date must be today or in the past" in _page(response)


def test_the_gate_lists_what_is_missing_and_records_the_override(as_user, therapist, course):
    http = as_user(therapist)
    next_url = reverse("courses:detail", kwargs={"pk": course.pk})
    page = _page(http.get(_url("middle_phase", course), {"next": next_url}))
    assert "No primary problem area has been chosen" in page
    assert "No formulation has been written" in page
    assert f'name="next" value="{next_url}"' in page
    response = http.post(_url("middle_phase", course), {"next": next_url, "reason": ""})
    assert response.status_code == 422
    assert "Enter why the middle phase is starting" in _page(response)
    response = http.post(
        _url("middle_phase", course), {"next": next_url, "reason": "Client in crisis at work"}
    )
    assert response["Location"] == next_url
    event = _event("middlephaseoverride")
    assert event.changes["reason"] == [None, "Client in crisis at work"]
    assert event.actor == therapist
    assert not gate.middle_phase_check(course).needs_confirmation
    page = _page(http.get(_url("middle_phase", course)))
    assert "Starting the middle phase was confirmed by Tessa Marlow" in page


def test_the_gate_ignores_an_unsafe_next(as_user, therapist, course):
    response = as_user(therapist).post(
        _url("middle_phase", course),
        {"next": "https://evil.example/", "reason": "Client in crisis"},
    )
    assert response["Location"] == _url("overview", course)


def test_the_gate_says_when_nothing_is_missing(as_user, therapist, course):
    agreed_focus(course)
    http = as_user(therapist)
    page = _page(http.get(_url("middle_phase", course), {"next": "/somewhere/"}))
    assert "Nothing is missing" in page
    assert 'href="/somewhere/"' in page
    assert "Confirm and continue" not in page
    response = http.post(_url("middle_phase", course), {"next": "/somewhere/", "reason": "x"})
    assert response["Location"] == "/somewhere/"
    assert not course.middle_phase_overrides.exists()


def test_it_adds_a_goal_linked_to_the_problem_area(as_user, therapist, course):
    choose_area(course)
    http = as_user(therapist)
    page = _page(http.get(_url("goal_add", course)))
    assert "Role dispute" in page and "Not linked to a problem area" in page
    response = http.post(
        _url("goal_add", course), {"text": "Say what I need", "problem_area": "role_dispute"}
    )
    assert response["Location"] == _url("overview", course) + "#goals"
    goal = course.goals.get()
    assert (goal.text, goal.problem_area) == ("Say what I need", "role_dispute")
    assert _event("goal").actor == therapist
    response = http.post(_url("goal_add", course), {"text": ""})
    assert response.status_code == 422
    assert "Enter the goal" in _page(response)


def test_it_records_ratings_for_a_session(as_user, therapist, course):
    goal = add_goal(course)
    other = add_goal(course, "Go back to the choir")
    session = add_appointment(course, starts_at=timezone.now() - dt.timedelta(days=2))
    http = as_user(therapist)
    page = _page(http.get(_url("goal_ratings", course)))
    assert "Session 1:" in page and goal.text in page and other.text in page
    data = {"appointment": str(session.pk), f"goal-{goal.pk}": "6"} | _date(
        "rated_on", session.starts_at.date()
    )
    response = http.post(_url("goal_ratings", course), data)
    assert response["Location"] == _url("overview", course) + "#goals"
    rating = goal.ratings.get()
    assert (rating.score, rating.appointment) == (6, session)
    assert not other.ratings.exists()
    assert _event("goalrating").changes["score"] == [None, 6]
    assert "Session 1" in _page(http.get(_url("overview", course)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11", "The rating must be a whole number from 0 to 10"),
        ("", "Enter a rating for at least one goal"),
    ],
)
def test_it_refuses_ratings_that_are_not_0_to_10(as_user, therapist, course, value, message):
    goal = add_goal(course)
    data = {f"goal-{goal.pk}": value} | _date("rated_on", timezone.localdate())
    response = as_user(therapist).post(_url("goal_ratings", course), data)
    assert response.status_code == 422
    assert message in _page(response)
    assert not goal.ratings.exists()


def test_the_ratings_page_says_when_there_is_nothing_to_rate(as_user, therapist, course):
    page = _page(as_user(therapist).get(_url("goal_ratings", course)))
    assert "There are no current goals to rate" in page


def test_it_closes_a_goal(as_user, therapist, course):
    goal = add_goal(course)
    http = as_user(therapist)
    assert "What happened to the goal?" in _page(
        http.get(_url("goal_close", course, goal_pk=goal.pk))
    )
    response = http.post(_url("goal_close", course, goal_pk=goal.pk), {"status": "achieved"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert _event("goal", "update").changes["status"] == ["active", "achieved"]
    assert "Goal marked as achieved" in _page(http.get(_url("overview", course)))
    assert http.get(_url("goal_close", course, goal_pk=goal.pk)).status_code == 404


def test_it_shows_another_courses_goal_as_not_found(as_user, therapist, course, site):
    from ipt.courses.tests.factories import open_course

    other = open_course(therapist=therapist, site=site)
    goal = add_goal(other)
    response = as_user(therapist).get(_url("goal_close", course, goal_pk=goal.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["manager", "administrator"])
def test_managers_and_administrators_set_the_labels(as_user, request, who, service, course):
    user = request.getfixturevalue(who)
    http = as_user(user)
    assert "Problem area labels" in _page(http.get(reverse("formulations:labels")))
    response = http.post(
        reverse("formulations:labels"), {"deficits": "Interpersonal sensitivity", "grief": ""}
    )
    assert response["Location"] == reverse("formulations:labels")
    assert AuditEvent.objects.get(object_type="organisations.service").actor == user
    choose_area(course, area=ProblemArea.DEFICITS)
    if who == "manager":
        page = _page(http.get(_url("overview", course)))
        assert "Primary problem area: Interpersonal sensitivity" in page


def test_labels_must_be_short(as_user, manager):
    response = as_user(manager).post(reverse("formulations:labels"), {"grief": "x" * 81})
    assert response.status_code == 422
    assert "The label must be 80 characters or fewer" in _page(response)


@pytest.mark.parametrize("who", ["therapist", "supervisor"])
def test_others_cannot_set_the_labels(as_user, request, who):
    http = as_user(request.getfixturevalue(who))
    assert http.get(reverse("formulations:labels")).status_code == 404
    assert http.post(reverse("formulations:labels"), {"grief": "Loss"}).status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "manager"])
def test_the_supervisor_and_managers_may_change_the_focus(as_user, request, who, course):
    user = request.getfixturevalue(who)
    response = as_user(user).post(_url("area", course, rank="primary"), {"area": "grief"})
    assert response.status_code == 302
    assert _event("focusarea").actor == user


def test_grief_can_name_a_person_from_the_inventory(as_user, therapist, course):
    from ipt.assessments.models import InventoryEntry

    http = as_user(therapist)
    assert "The person in the interpersonal inventory" not in _page(
        http.get(_url("area", course, rank="primary"))
    )
    InventoryEntry.objects.create(
        course=course, name="Maureen", relationship="partner", ring=1, created_by=therapist
    )
    page = _page(http.get(_url("area", course, rank="primary")))
    assert '<option value="Maureen"' in page
    response = http.post(
        _url("area", course, rank="primary"),
        {"area": "grief", "deceased": "His wife", "inventory_person": "Maureen"}
        | _date("died_on", dt.date(2025, 9, 14)),
    )
    assert response.status_code == 302
    focus = course.focus_areas.get()
    assert (focus.deceased, focus.inventory_person) == ("His wife", "Maureen")
    page = _page(http.get(_url("overview", course)))
    assert "His wife (Maureen in the inventory)" in page
    assert "Sunday 14 September 2025" in page


def test_it_refuses_details_typed_for_an_area_that_was_not_chosen(as_user, therapist, course):
    response = as_user(therapist).post(
        _url("area", course, rank="primary"),
        {"area": "role_dispute", "dispute_with": "Her husband", "deceased": "Her father"},
    )
    assert response.status_code == 422
    page = _page(response)
    assert (
        "You entered details for Grief but chose Role dispute: clear them or choose that area"
        in (page)
    )
    assert 'value="Her father"' in page
    assert not course.focus_areas.exists()
    assert not AuditEvent.objects.filter(object_type="formulations.focusarea").exists()


def test_changing_the_area_shows_only_the_new_areas_details(as_user, therapist, course):
    choose_area(course, area=ProblemArea.GRIEF, deceased="Her father")
    http = as_user(therapist)
    response = http.post(
        _url("area", course, rank="primary"),
        {"area": "deficits", "to_build": "Join a choir", "reason": "Isolation is the focus"},
    )
    assert response.status_code == 302
    assert _event("focusarea", "update").changes["deceased"] == ["Her father", ""]
    page = _page(http.get(_url("overview", course)))
    assert "Join a choir" in page and "Her father" not in page
    form = _page(http.get(_url("area", course, rank="primary")))
    assert "Her father" not in form


def test_a_stale_strategies_form_shows_both_sets_of_ticks(as_user, therapist, supervisor, course):
    focus = choose_area(course)
    stale = _page(as_user(therapist).get(_url("strategies", course, rank="primary")))
    assert 'name="shown" value=""' in stale
    services.mark_strategies(focus_area=focus, codes=["stage"], by=supervisor, shown=[])
    http = as_user(therapist)
    response = http.post(
        _url("strategies", course, rank="primary"), {"strategies": ["issues"], "shown": ""}
    )
    assert response.status_code == 409
    page = _page(response)
    assert "Someone else changed the strategies" in page
    assert "Saved now" in page and "Your ticks" in page
    assert 'name="shown" value="stage"' in page
    assert list(focus.strategies_addressed.current().values_list("code", flat=True)) == ["stage"]
    assert AuditEvent.objects.filter(object_type="formulations.strategyaddressed").count() == 1
    response = http.post(
        _url("strategies", course, rank="primary"), {"strategies": ["issues"], "shown": "stage"}
    )
    assert response.status_code == 302
    assert list(focus.strategies_addressed.current().values_list("code", flat=True)) == ["issues"]
    assert _event("strategyaddressed", "update").actor == therapist


def test_the_overview_checklist_carries_the_ticks_it_shows(as_user, therapist, course):
    focus = choose_area(course)
    services.mark_strategies(focus_area=focus, codes=["stage", "issues"], by=therapist)
    services.mark_strategies(focus_area=focus, codes=["stage"], by=therapist)
    page = _page(as_user(therapist).get(_url("overview", course)))
    assert 'name="shown" value="stage"' in page
    assert 'value="stage" checked' in page and 'value="issues" checked' not in page


def test_the_overview_shows_each_goals_ratings_as_a_table(as_user, therapist, course):
    goal = add_goal(course)
    services.record_goal_ratings(
        course=course, scores={goal: 4}, rated_on=timezone.localdate(), by=therapist
    )
    page = _page(as_user(therapist).get(_url("overview", course)))
    assert f"Ratings of '{goal.text}'</caption>" in page
    assert "Ratings as a table" not in page
    assert f'<desc id="goal-{goal.pk}-desc">Ratings out of 10, oldest first: 4 on' in page


def test_a_dispute_can_change_to_another_area_with_its_stage_still_ticked(
    as_user, therapist, course
):
    choose_area(course, dispute_with="Her husband", dispute_stage=DisputeStage.IMPASSE)
    http = as_user(therapist)
    assert 'value="impasse" checked' in _page(http.get(_url("area", course, rank="primary")))
    response = http.post(
        _url("area", course, rank="primary"),
        {"area": "grief", "deceased": "Her father", "dispute_stage": "impasse", "reason": "Grief"},
    )
    assert response.status_code == 302
    focus = course.focus_areas.get()
    assert (focus.area, focus.dispute_stage) == ("grief", "")
    assert _event("focusarea", "update").changes["dispute_stage"] == ["impasse", ""]
    response = http.post(
        _url("area", course, rank="primary"),
        {"area": "grief", "deceased": "Her father", "dispute_stage": "renegotiation"},
    )
    assert response.status_code == 422
    assert "You entered details for Role dispute but chose Grief" in _page(response)
