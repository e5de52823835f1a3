import datetime as dt

import pytest
import time_machine

from ipt.clients.forms import BreakGlassForm, ClientForm, NHSNumberField

VALID = {
    "given_name": "Jane",
    "family_name": "Doe",
    "date_of_birth_day": "15",
    "date_of_birth_month": "3",
    "date_of_birth_year": "1990",
    "gp_practice_name": "Riverside Medical Practice",
}


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 9434765919 "])
def test_it_normalises_the_nhs_number(typed):
    assert NHSNumberField().clean(typed) == "9434765919"


@pytest.mark.parametrize("typed", ["943 476 5918", "943476591", "94347659AB", "1000000010"])
def test_it_refuses_an_invalid_nhs_number(typed):
    form = ClientForm(VALID | {"nhs_number": typed})
    assert form.errors["nhs_number"] == ["Enter a valid NHS number"]


def test_it_refuses_a_date_of_birth_of_today_but_not_yesterday():
    with time_machine.travel(dt.datetime(2026, 3, 14, 12, tzinfo=dt.UTC), tick=False):
        today = ClientForm(
            VALID
            | {"date_of_birth_day": "14", "date_of_birth_month": "3", "date_of_birth_year": "2026"}
        )
        assert today.errors["date_of_birth"] == ["Date of birth must be in the past"]
        yesterday = ClientForm(
            VALID
            | {"date_of_birth_day": "13", "date_of_birth_month": "3", "date_of_birth_year": "2026"}
        )
        assert yesterday.is_valid(), yesterday.errors


def test_it_turns_contact_consents_into_three_flags():
    form = ClientForm(VALID | {"contact_consents": ["sms"], "mobile": "07700 900982"})
    assert form.is_valid(), form.errors
    details = form.client_details()
    assert (details["consent_email"], details["consent_sms"], details["consent_letter"]) == (
        False,
        True,
        False,
    )
    assert "contact_consents" not in details
    assert "not_duplicate" not in details


@pytest.mark.parametrize(
    ("postcode", "cleaned"), [("ls1 4hr", "LS1 4HR"), ("SW1A  1AA", "SW1A 1AA")]
)
def test_it_tidies_postcodes(postcode, cleaned):
    form = ClientForm(VALID | {"postcode": postcode})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == cleaned


def test_it_needs_a_break_glass_reason_of_ten_characters_after_trimming():
    form = BreakGlassForm({"identifier": "1", "reason": "   too short   "})
    assert form.errors["reason"] == ["Reason must be 10 characters or more"]
