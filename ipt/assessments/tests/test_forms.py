"""Form rules a user meets: partial dates on the timeline, support, sick-role date."""

import datetime as dt

import pytest

from ipt.assessments.forms import (
    AssessmentForm,
    EventForm,
    PartialDate,
    PersonForm,
)
from ipt.assessments.models import InventoryEntry


def _event(day: str, month: str, year: str) -> EventForm:
    return EventForm(
        {
            "occurred_on_day": day,
            "occurred_on_month": month,
            "occurred_on_year": year,
            "kind": "move",
            "description": "Moved to Leeds",
        },
        people=InventoryEntry.objects.none(),
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("14", "3", "2024"), (dt.date(2024, 3, 14), "exact")),
        (("", "3", "2024"), (dt.date(2024, 3, 1), "month")),
        (("", "", "2024"), (dt.date(2024, 1, 1), "year")),
    ],
)
def test_an_event_date_may_leave_out_the_day_or_the_month(db, parts, expected):
    form = _event(*parts)
    assert form.is_valid(), form.errors
    values = form.values()
    assert (values["occurred_on"], values["precision"]) == expected


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        (("14", "", "2024"), "The date of the event must include a month"),
        (("14", "3", ""), "The date of the event must include a year"),
        (("31", "2", "2024"), "The date of the event must be a real date"),
        (("", "", ""), "Enter the date of the event"),
    ],
)
def test_an_event_date_must_make_sense(db, parts, error):
    form = _event(*parts)
    assert not form.is_valid()
    assert form.errors["occurred_on"] == [error]


def test_a_partial_date_is_shown_again_as_it_was_entered():
    widget = EventForm.base_fields["occurred_on"].widget
    assert widget.decompress(PartialDate(dt.date(2024, 3, 1), "month")) == [None, 3, 2024]
    assert widget.decompress(PartialDate(dt.date(2024, 1, 1), "year")) == [None, None, 2024]


def test_support_ticks_become_the_two_flags():
    form = PersonForm(
        {
            "name": "Dev",
            "relationship": "partner",
            "ring": "1",
            "expectations_met": "yes",
            "support": ["practical"],
        },
        rings=3,
    )
    assert form.is_valid(), form.errors
    values = form.values()
    assert values["gives_practical_support"] and not values["is_confidant"]


def test_a_ring_beyond_the_services_circle_is_refused():
    form = PersonForm(
        {"name": "Dev", "relationship": "partner", "ring": "4", "expectations_met": "yes"}, rings=3
    )
    assert not form.is_valid() and "ring" in form.errors


def test_a_sick_role_date_needs_the_sick_role_discussed():
    form = AssessmentForm(
        {
            "sick_role_discussed": "no",
            "sick_role_discussed_on_day": "1",
            "sick_role_discussed_on_month": "3",
            "sick_role_discussed_on_year": "2026",
        }
    )
    assert not form.is_valid()
    assert form.errors["sick_role_discussed_on"] == [
        "Only enter a date if the sick role has been discussed"
    ]


def test_the_code_is_stored_upper_case():
    form = AssessmentForm({"icd10_code": "f33.10"})
    assert form.is_valid(), form.errors
    assert form.values()["icd10_code"] == "F33.10"
