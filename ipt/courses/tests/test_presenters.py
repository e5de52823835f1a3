"""Display values for courses, contracts and variants, worked out without a database."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch

from ipt.accounts.models import User
from ipt.clients.models import Referral
from ipt.courses import presenters
from ipt.courses.models import (
    Course,
    CourseStatusChange,
    TherapyVariant,
    TreatmentContract,
)
from ipt.courses.rules import ContractTerms, Progress
from ipt.courses.variants import DEFAULT_VARIANTS
from ipt.organisations.models import Service

LONDON = ZoneInfo("Europe/London")
TESSA = User(first_name="Tessa", last_name="Marlow", username="tessa")
DEFAULT = ContractTerms(planned_sessions=16, initial_last=4, middle_last=12, ending_named_at=12)


def _variant(code: str = "individual", **changes) -> TherapyVariant:
    values = next(v for v in DEFAULT_VARIANTS if v["code"] == code)
    return TherapyVariant(**({"pk": 3} | values | changes))


def _course(status: str = "assessment", **changes) -> Course:
    values = {
        "pk": 9,
        "status": status,
        "variant": _variant(),
        "therapist": TESSA,
        "opened_on": dt.date(2026, 1, 5),
        "service": Service(consecutive_non_attendances_for_review=2),
    }
    return Course(**(values | changes))


def _contract(version: int = 1, **changes) -> TreatmentContract:
    values = {
        "version": version,
        "planned_sessions": 16,
        "frequency": "weekly",
        "session_minutes": 50,
        "initial_last": 4,
        "middle_last": 12,
        "mid_point_review": 8,
        "ending_named_at": 12,
        "agreed_on": dt.date(2026, 1, 5),
        "created_by": TESSA,
        "created_at": dt.datetime(2026, 1, 5, 15, 30, tzinfo=LONDON),
    }
    return TreatmentContract(**(values | changes))


def _values(rows) -> dict[str, str]:
    return {row["key"]["text"]: row["value"]["text"] for row in rows}


@pytest.mark.parametrize(
    ("status", "attended", "label", "colour"),
    [
        ("assessment", 0, "Assessment", "white"),
        ("treatment", 1, "Initial phase", "blue"),
        ("treatment", 6, "Middle phase", "purple"),
        ("treatment", 13, "Ending phase", "orange"),
        ("completed", 16, "Completed", "green"),
        ("dropped_out", 3, "Dropped out", "red"),
        ("referred_on", 3, "Referred on", "grey"),
        ("withdrawn", 0, "Withdrawn by client", "grey"),
    ],
)
def test_it_shows_the_phase_in_treatment_and_the_status_otherwise(status, attended, label, colour):
    progress = Progress(attended=attended, terms=DEFAULT)
    assert presenters.state_tag(_course(status), progress) == {"text": label, "colour": colour}


@pytest.mark.parametrize(
    ("attended", "text"),
    [(0, "16 sessions remaining"), (15, "1 session remaining"), (16, "No sessions remaining")],
)
def test_it_says_how_many_sessions_remain(attended, text):
    assert presenters.remaining_text(Progress(attended=attended, terms=DEFAULT)) == text


def test_it_writes_phase_boundaries_as_session_ranges():
    assert presenters.phase_ranges(DEFAULT) == [
        ("Initial phase", "Sessions 1 to 4"),
        ("Middle phase", "Sessions 5 to 12"),
        ("Ending phase", "Sessions 13 to 16"),
    ]
    maintenance = ContractTerms(
        planned_sessions=12, initial_last=1, middle_last=11, ending_named_at=10
    )
    assert [span for _, span in presenters.phase_ranges(maintenance)] == [
        "Session 1",
        "Sessions 2 to 11",
        "Session 12",
    ]
    assert presenters.phases_in_short(1, 11, 12) == "1 / 2–11 / 12"


def test_it_lists_the_contract_terms():
    values = _values(presenters.contract_rows(_contract(frequency="fortnightly")))
    assert values == {
        "Planned sessions": "16",
        "Frequency": "Every two weeks",
        "Session length": "50 minutes",
        "Initial phase": "Sessions 1 to 4",
        "Middle phase": "Sessions 5 to 12",
        "Ending phase": "Sessions 13 to 16",
        "Mid-point review": "Session 8",
        "Ending named with the client": "At session 12",
        "Agreed with the client": "5 January 2026",
        "Version": "1",
    }


def test_it_lists_contract_versions_with_their_reasons():
    rows = presenters.contract_history_rows(
        [
            _contract(2, planned_sessions=12, middle_last=8, reason="Goals met early"),
            _contract(1),
        ]
    )
    assert [(r["version"], r["reason"]) for r in rows] == [
        ("2", "Goals met early"),
        ("1", "First agreed"),
    ]
    assert rows[0]["terms"] == "12 sessions, weekly, 50 minutes; phases 1–4 / 5–8 / 9–12"
    assert rows[1]["who"] == "Tessa Marlow"
    assert rows[1]["when"] == "5 January 2026 at 3:30pm"


def test_it_lists_status_changes_with_reason_labels_and_notes_for_clinicians():
    changes = [
        CourseStatusChange(
            from_status="",
            to_status="assessment",
            note="Course opened",
            changed_by=TESSA,
            changed_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON),
        ),
        CourseStatusChange(
            from_status="treatment",
            to_status="dropped_out",
            reason_code="moved_away",
            note="Moved to Leeds",
            changed_by=TESSA,
            changed_at=dt.datetime(2026, 3, 1, 14, 0, tzinfo=LONDON),
        ),
    ]
    rows = presenters.status_history_rows(changes, show_notes=True)
    assert [(r["from"], r["to"], r["reason"], r["note"]) for r in rows] == [
        ("New course", "Assessment", "", "Course opened"),
        ("In treatment", "Dropped out", "Moved out of the area", "Moved to Leeds"),
    ]
    assert rows[1]["when"] == "1 March 2026 at 2:00pm"
    hidden = presenters.status_history_rows(changes, show_notes=False)
    assert [r["note"] for r in hidden] == ["", ""]


def test_it_summarises_an_open_course():
    values = _values(presenters.summary_rows(_course("treatment"), Progress(6, DEFAULT)))
    assert values == {
        "Variant": "IPT for depression",
        "Therapist": "Tessa Marlow",
        "Status": "Middle phase",
        "Progress": "Session 6 of 16 · middle phase",
        "Sessions remaining": "10 sessions remaining",
        "Opened": "5 January 2026",
    }


def test_it_summarises_an_ended_course_with_its_reason():
    course = _course("completed", ended_on=dt.date(2026, 4, 27), end_reason="planned_ending")
    values = _values(presenters.summary_rows(course, Progress(16, DEFAULT)))
    assert values["Ended"] == "27 April 2026"
    assert values["Reason"] == "Completed the agreed sessions"
    assert "Sessions remaining" not in values


def _links(course, **kwargs):
    return [link["text"] for link in presenters.course_links(course, **kwargs)]


def test_it_offers_changes_to_those_who_manage_an_open_course():
    with mock.patch.object(presenters, "optional_url", return_value="/x/"):
        assert _links(_course("treatment"), can_manage=True, can_book=True) == [
            "Appointments",
            "Book the course's sessions",
            "Renegotiate the contract",
            "End the course",
        ]
        assert _links(_course("treatment"), can_manage=False, can_book=True) == [
            "Appointments",
            "Book the course's sessions",
        ]
        assert _links(_course("completed"), can_manage=True, can_book=True) == [
            "Appointments",
            "Schedule booster sessions",
        ]
        assert _links(_course("withdrawn"), can_manage=True, can_book=False) == ["Appointments"]


def test_it_leaves_out_appointment_pages_that_do_not_exist_yet():
    with mock.patch.object(presenters, "reverse", side_effect=NoReverseMatch):
        assert presenters.optional_url("appointments:course", 9) is None
    assert presenters.optional_url("appointments:no_such_page", 9) is None
    assert presenters.optional_url("courses:detail", 9) == "/courses/9/"


def test_it_signals_the_ending_and_the_review_only_while_the_course_is_open():
    kwargs = {
        "contracts": [_contract()],
        "history": [],
        "progress": Progress(12, DEFAULT),
        "needs_review": True,
        "can_manage": False,
        "can_book": False,
        "show_notes": False,
    }
    page = presenters.course_page(_course("treatment"), **kwargs)
    assert page["ending"].startswith("The ending has been named with the client at session 12")
    assert "4 sessions remaining" in page["ending"]
    assert "missed 2 or more sessions in a row" in page["review"]
    assert page["remaining"] == "4 sessions remaining"
    ended = presenters.course_page(_course("completed", ended_on=dt.date(2026, 5, 1)), **kwargs)
    assert (ended["ending"], ended["review"], ended["remaining"]) == ("", "", "")


def test_it_describes_each_variant_for_the_choice():
    items = presenters.variant_items([_variant("adolescent", pk=4), _variant()], selected="3")
    assert [(i["value"], i["text"], i["checked"]) for i in items] == [
        ("4", "IPT-A for adolescents", False),
        ("3", "IPT for depression", True),
    ]
    assert items[0]["hint"]["text"].endswith(
        "A parent or carer joins the first, a mid-phase and the final session. "
        "Defaults: 12 sessions, weekly, 50 minutes; phases 1–4 / 5–8 / 9–12."
    )


def test_it_lists_variants_with_their_defaults_and_status():
    rows = presenters.variant_rows([_variant("group", is_active=False)])
    assert rows == [
        {
            "name": "Group IPT",
            "href": "/ipt-variants/3/",
            "defaults": "16 sessions, weekly, 90 minutes; phases 1–4 / 5–12 / 13–16",
            "mode": "Group",
            "status": {"text": "Deactivated", "colour": "grey"},
        }
    ]


def test_it_links_a_referral_to_opening_a_course():
    referral = Referral(pk=7, received_on=dt.date(2026, 2, 1))
    assert presenters.open_course_action(referral) == {
        "href": "/referrals/7/course/new/",
        "text": "Open a course",
        "hidden": "for the referral received 1 February 2026",
    }


def test_it_builds_the_client_record_panel():
    panel = presenters.course_panel(_course(), Progress(0, DEFAULT))
    assert panel["heading"] == "IPT for depression"
    assert panel["progress"] == "Session 1 of 16 · initial phase"
    assert panel["href"] == "/courses/9/"
    assert panel["state"] == {"text": "Assessment", "colour": "white"}
