"""Display values, worked out without a database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from ipt.accounts.models import User
from ipt.clients import presenters
from ipt.clients.models import Client, Referral
from ipt.organisations.models import Site

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 3, 14)


def _client(**kwargs) -> Client:
    values = {
        "pk": 42,
        "given_name": "Jane",
        "family_name": "Doe",
        "date_of_birth": dt.date(1990, 3, 15),
        "nhs_number": "9434765919",
        "gp_practice_name": "Riverside Medical Practice",
    }
    return Client(**(values | kwargs))


def _referral(**kwargs) -> Referral:
    values = {
        "pk": 7,
        "client": _client(),
        "site": Site(name="Riverside Centre"),
        "source": "gp",
        "received_on": dt.date(2026, 1, 1),
        "problem_descriptor": "panic",
        "reason": "Panic attacks at work",
        "urgency": "routine",
        "status": "waiting_for_assessment",
    }
    return Referral(**(values | kwargs))


def test_it_writes_dates_the_nhs_way():
    assert presenters.long_date(dt.date(2026, 3, 4)) == "4 March 2026"
    assert presenters.long_date(None) == ""


def test_it_writes_times_in_london_time_with_am_and_pm():
    summer_utc = dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC)
    assert presenters.date_and_time(summer_utc) == "1 July 2026 at 2:05pm"
    midnight = dt.datetime(2026, 1, 2, 0, 30, tzinfo=LONDON)
    assert presenters.date_and_time(midnight) == "2 January 2026 at 12:30am"


def test_it_spaces_nhs_numbers_and_says_when_there_is_none():
    assert presenters.formatted_nhs_number("9434765919") == "943 476 5919"
    assert presenters.formatted_nhs_number("") == "Not known"


@pytest.mark.parametrize(
    ("born", "age"),
    [(dt.date(1990, 3, 14), 36), (dt.date(1990, 3, 15), 35), (dt.date(2008, 2, 29), 18)],
)
def test_it_counts_age_in_whole_years_birthday_included(born, age):
    assert presenters.age(born, TODAY) == age


def test_it_shows_the_preferred_name_only_when_it_differs():
    assert presenters.full_name(_client(preferred_name="Janey")) == "Jane Doe (known as Janey)"
    assert presenters.full_name(_client(preferred_name="Jane")) == "Jane Doe"
    assert presenters.full_name(_client()) == "Jane Doe"


@pytest.mark.parametrize(
    ("days", "tags"),
    [
        (41, []),
        (42, ["6 weeks or more"]),
        (125, ["6 weeks or more"]),
        (126, ["18 weeks or more"]),
    ],
)
def test_it_tags_the_six_and_eighteen_week_marks(days, tags):
    assert [tag["text"] for tag in presenters.waiting_tags(days)] == tags


def test_it_labels_statuses_and_colours_their_tags():
    assert presenters.status_tag("accepted_for_ipt") == {
        "text": "Accepted for IPT",
        "colour": "green",
    }


def test_it_lists_the_demographics_with_reference_age_and_formatted_nhs_number():
    rows = presenters.demographic_rows(_client(pronouns="she/her"), TODAY)
    shown = {row["key"]["text"]: row["value"]["text"] for row in rows}
    assert shown["Reference"] == "42"
    assert shown["Date of birth"] == "15 March 1990 (35 years old)"
    assert shown["NHS number"] == "943 476 5919"
    assert shown["Address"] == "Not given"


def test_it_lists_the_contact_methods_the_client_agreed_to():
    client = _client(consent_email=True, consent_letter=True, preferred_contact_method="email")
    shown = {r["key"]["text"]: r["value"]["text"] for r in presenters.contact_rows(client)}
    assert shown["Agrees to be contacted by"] == "Email, letter"
    assert shown["Prefers"] == "Email"
    none = {r["key"]["text"]: r["value"]["text"] for r in presenters.contact_rows(_client())}
    assert none["Agrees to be contacted by"] == "None"
    assert none["Prefers"] == "No preference"


def test_it_shows_how_long_a_referral_has_waited_and_who_has_it():
    therapist = User(first_name="Tessa", last_name="Jones", username="tessa")
    referral = _referral(allocated_therapist=therapist)
    shown = {
        r["key"]["text"]: r["value"]["text"] for r in presenters.referral_rows(referral, TODAY)
    }
    assert shown["Received"] == "1 January 2026 (72 days ago)"
    assert shown["Therapist"] == "Tessa Jones"
    assert shown["Problem descriptor"] == "Panic disorder"


def test_it_offers_only_the_actions_allowed():
    referral = _referral()
    both = presenters.referral_panel(
        referral, TODAY, history=[], can_allocate=True, can_change_status=True
    )
    assert [a["text"] for a in both["actions"]] == ["Allocate a therapist", "Change status"]
    neither = presenters.referral_panel(
        referral, TODAY, history=[], can_allocate=False, can_change_status=False
    )
    assert neither["actions"] == []
    closed = presenters.referral_panel(
        _referral(status="withdrawn"), TODAY, history=[], can_allocate=True, can_change_status=True
    )
    assert closed["actions"] == []


def test_it_picks_the_newest_open_referral_for_the_list():
    closed = _referral(pk=2, status="withdrawn", received_on=dt.date(2026, 3, 1))
    open_ = _referral(pk=1, received_on=dt.date(2026, 1, 1))
    assert presenters.current_referral([closed, open_]) is open_
    assert presenters.current_referral([closed]) is closed
    assert presenters.current_referral([]) is None


def test_it_keeps_the_filters_in_pagination_links():
    class Page:
        def has_previous(self):
            return True

        def has_next(self):
            return False

        def previous_page_number(self):
            return 1

    params = presenters.pagination_params(QueryDict("site=3&page=2"), Page())
    assert params == {"previous": {"href": "?site=3&page=1"}}


def test_it_lists_the_status_history_with_who_and_why():
    from ipt.clients.models import ReferralStatusChange

    change = ReferralStatusChange(
        from_status="waiting_for_assessment",
        to_status="assessed",
        reason="Assessment completed",
        changed_by=User(first_name="Tessa", last_name="Jones", username="tessa"),
        changed_at=dt.datetime(2026, 3, 14, 9, 30, tzinfo=LONDON),
    )
    first = ReferralStatusChange(
        from_status="", to_status="waiting_for_assessment", changed_by=User(username="maya")
    )
    first.changed_at = dt.datetime(2026, 3, 1, 15, 0, tzinfo=LONDON)
    rows = presenters.status_history_rows([first, change])
    assert rows[0]["from"] == "New referral"
    assert rows[0]["who"] == "maya"
    assert rows[1] == {
        "when": "14 March 2026 at 9:30am",
        "from": "Waiting for assessment",
        "to": "Assessed",
        "reason": "Assessment completed",
        "who": "Tessa Jones",
    }
