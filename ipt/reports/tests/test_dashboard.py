"""The service dashboard: its figures against hand-computed examples, its filters, its CSV
downloads and who may see it."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ipt.clients.tests.factories import ClientFactory, ReferralFactory
from ipt.courses.models import Course
from ipt.courses.tests.factories import add_appointment
from ipt.organisations.tests.factories import SiteFactory
from ipt.reports import attendance_months

from .factories import course_with_summary

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 4, 15)
URL = reverse("reports:dashboard")
PERIOD = {
    "start_day": "1",
    "start_month": "1",
    "start_year": "2026",
    "end_day": "15",
    "end_month": "4",
    "end_year": "2026",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _finished(therapist, site, **flags):
    figures = {"finished": True, "paired": True, "status": "completed"} | flags
    return course_with_summary(
        therapist=therapist,
        site=site,
        received_on=dt.date(2026, 1, 5),
        ended_on=dt.date(2026, 3, 10),
        **figures,
    )


def _table(http, name, params=PERIOD):
    """A dashboard table's rows as the manager downloads them (the page shows the same)."""
    response = http.get(URL, params | {"format": "csv", "table": name})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def _row(rows, label):
    return next(row for row in rows if row[0] == label)


def test_it_shows_each_rate_with_its_denominator(as_user, manager, therapist, site):
    _finished(
        therapist,
        site,
        caseness_at_start=True,
        recovered=True,
        reliable_improvement=True,
        reliable_recovery=True,
    )
    _finished(therapist, site, caseness_at_start=True)
    _finished(therapist, site, not_at_caseness=True, reliable_improvement=True)
    _finished(therapist, site, caseness_at_start=True, reliable_deterioration=True)
    _finished(therapist, site, paired=False)
    course_with_summary(therapist=therapist, site=site, received_on=dt.date(2026, 2, 1))

    http = as_user(manager)
    response = http.get(URL, PERIOD)

    assert response.status_code == 200
    table = _table(http, "outcomes")
    assert _row(table, "Finished a course of treatment")[1] == "5"
    assert _row(table, "Not at caseness at the start")[1] == "1"
    assert _row(table, "Finished without paired scores")[1] == "1"
    assert _row(table, "Recovery")[1:] == [
        "1",
        "4",
        "finished courses at caseness at the start",
        "25.0%",
    ]
    assert _row(table, "Reliable recovery")[1:3] == ["1", "4"]
    assert _row(table, "Reliable improvement")[1:] == ["2", "5", "finished courses", "40.0%"]
    assert _row(table, "Reliable deterioration")[1:] == ["1", "5", "finished courses", "20.0%"]
    assert "25.0%" in response.content.decode()


def test_with_no_finished_courses_the_rates_are_not_applicable(as_user, manager, therapist, site):
    _finished(therapist, site, caseness_at_start=True, recovered=True)  # ended before the period
    table = _table(as_user(manager), "outcomes", PERIOD | {"start_month": "4"})
    assert _row(table, "Recovery")[1:] == [
        "0",
        "0",
        "finished courses at caseness at the start",
        "Not applicable",
    ]
    assert _row(table, "Reliable deterioration")[-1] == "Not applicable"


def test_waits_across_month_boundaries(as_user, manager, therapist, site):
    for received, seen in [
        (dt.date(2026, 1, 30), dt.date(2026, 3, 2)),  # 31 days
        (dt.date(2026, 2, 28), dt.date(2026, 4, 1)),  # 32 days
        (dt.date(2025, 12, 15), dt.date(2026, 3, 10)),  # 85 days
    ]:
        course_with_summary(
            therapist=therapist,
            site=site,
            received_on=received,
            first_seen_on=seen,
            assessment_wait_days=(seen - received).days,
        )

    waits = _row(_table(as_user(manager), "waits"), "Referral to first appointment (assessment)")
    assert waits[1:] == ["3", "32", "85", "66.7%", "100.0%"]


def test_the_stored_wait_counts_the_days_across_a_month_end(therapist, site):
    from ipt.reports.models import OutcomeSummary
    from ipt.reports.summaries import refresh

    course = course_with_summary(therapist=therapist, site=site, received_on=dt.date(2026, 1, 30))
    add_appointment(
        course, kind="assessment", starts_at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    )
    refresh(course)
    summary = OutcomeSummary.objects.get(course=course)
    assert (summary.first_seen_on, summary.assessment_wait_days) == (dt.date(2026, 3, 2), 31)


def test_waiting_now_counts_referrals_not_yet_seen(as_user, manager, service, site):
    for received in (
        dt.date(2026, 4, 1),
        dt.date(2026, 3, 16),
        dt.date(2026, 1, 15),
        dt.date(2025, 12, 31),
    ):
        ReferralFactory(client=ClientFactory(service=service), site=site, received_on=received)

    rows = _table(as_user(manager), "waits")

    # Waits of 14, 30, 90 and 105 days: median (30 + 90) / 2; the 90th percentile is the 4th.
    assert _row(rows, "Waiting now, not yet seen")[1:4] == ["4", "60", "105"]


def test_waiting_now_counts_open_courses_not_yet_started_but_not_seen_or_ended_ones(
    as_user, manager, therapist, site
):
    course_with_summary(therapist=therapist, site=site, received_on=dt.date(2026, 4, 1))
    course_with_summary(
        therapist=therapist,
        site=site,
        received_on=dt.date(2026, 3, 1),
        first_seen_on=dt.date(2026, 3, 20),
        assessment_wait_days=19,
    )
    ended = course_with_summary(therapist=therapist, site=site, received_on=dt.date(2026, 2, 1))
    Course.objects.filter(pk=ended.pk).update(status="withdrawn", ended_on=dt.date(2026, 3, 1))

    rows = _table(as_user(manager), "waits")

    assert _row(rows, "Waiting now, not yet seen")[1:4] == ["1", "14", "14"]


def test_referrals_by_month_include_months_without_any(as_user, manager, service, site):
    for received in (dt.date(2026, 1, 31), dt.date(2026, 3, 1), dt.date(2026, 3, 31)):
        ReferralFactory(client=ClientFactory(service=service), site=site, received_on=received)

    http = as_user(manager)
    rows = _table(http, "referrals")
    assert rows == [
        ["Jan 2026", "1"],
        ["Feb 2026", "0"],
        ["Mar 2026", "2"],
        ["Apr 2026", "0"],
        ["Total", "3"],
    ]
    page = http.get(URL, PERIOD).content.decode()
    assert "<svg" in page
    assert "Mar 2026: 2" in page


def test_attendance_and_dna_rates_leave_out_cancellations(as_user, manager, course):
    base = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    for n, code in enumerate(["5", "5", "6", "3", "2", "4", ""]):
        add_appointment(course, attendance=code, starts_at=base + dt.timedelta(days=7 * n))
    add_appointment(course, attendance="3", starts_at=dt.datetime(2025, 6, 2, 10, tzinfo=LONDON))
    attendance_months.rebuild()  # written directly, so counted by month as after a bulk load

    table = _table(as_user(manager), "appointments")
    assert _row(table, "Appointments booked")[1] == "7"
    assert _row(table, "Attended")[1:] == ["3", "75.0% of 4"]
    assert _row(table, "Did not attend (including arrived too late to be seen)")[1:] == [
        "1",
        "25.0% of 4",
    ]
    assert _row(table, "Cancelled by the client or the service")[1] == "2"


def test_caseloads_count_open_courses_by_therapist(
    as_user, manager, therapist, other_therapist, site
):
    course_with_summary(therapist=therapist, site=site, received_on=TODAY)
    course_with_summary(therapist=therapist, site=site, received_on=TODAY, status="treatment")
    course_with_summary(therapist=other_therapist, site=site, received_on=TODAY)
    _finished(therapist, site)

    rows = _table(as_user(manager), "caseloads")
    assert rows == [
        ["Tessa Marlow", "1", "1", "2"],
        ["Oscar O'Neill", "1", "0", "1"],
        ["All therapists", "2", "1", "3"],
    ]


def test_filters_narrow_every_figure(as_user, manager, service, therapist, site):
    other_site = SiteFactory(service=service, name="Hillside Clinic")
    _finished(therapist, site, caseness_at_start=True, recovered=True)
    course_with_summary(
        therapist=therapist,
        site=other_site,
        received_on=dt.date(2026, 1, 5),
        ended_on=dt.date(2026, 3, 10),
        status="completed",
        finished=True,
        paired=True,
        problem="ptsd",
    )

    http = as_user(manager)
    one_site = PERIOD | {"site": str(other_site.pk)}
    one_problem = PERIOD | {"problem_descriptor": "depression"}

    assert _row(_table(http, "outcomes"), "Finished a course of treatment")[1] == "2"
    assert _row(_table(http, "outcomes", one_site), "Finished a course of treatment")[1] == "1"
    assert _row(_table(http, "referrals", one_site), "Total")[1] == "1"
    assert _row(_table(http, "outcomes", one_problem), "Recovery")[1:3] == ["1", "1"]


def test_the_ipt_problem_area_filter_counts_courses_by_their_primary_focus(
    as_user, manager, service, therapist, site
):
    from ipt.formulations.models import ProblemAreaLabel

    _finished(therapist, site, caseness_at_start=True, recovered=True, ipt_problem_area="grief")
    _finished(therapist, site, caseness_at_start=True, ipt_problem_area="role_dispute")
    _finished(therapist, site, caseness_at_start=True)  # no focus chosen yet
    ProblemAreaLabel.objects.create(service=service, code="deficits", label="Isolation")
    http = as_user(manager)

    def finished(area):
        rows = _table(http, "outcomes", PERIOD | {"ipt_problem_area": area})
        return _row(rows, "Finished a course of treatment")[1]

    assert finished("grief") == "1"
    assert _row(_table(http, "outcomes", PERIOD | {"ipt_problem_area": "grief"}), "Recovery")[
        1:3
    ] == ["1", "1"]
    assert finished("role_dispute") == "1"
    assert finished("deficits") == "0"
    assert finished("none") == "1"
    assert _row(_table(http, "referrals", PERIOD | {"ipt_problem_area": "grief"}), "Total")[1] == (
        "1"
    )
    page = re.sub(r"\s+>", ">", http.get(URL, PERIOD).content.decode())
    assert '<option value="deficits">Isolation</option>' in page  # the service's own label
    assert '<option value="none">Not chosen yet</option>' in page
    assert http.get(URL, PERIOD | {"ipt_problem_area": "anger"}).status_code == 422


def test_each_table_downloads_as_csv_with_the_filters(as_user, manager, therapist, site):
    _finished(
        therapist,
        site,
        caseness_at_start=True,
        recovered=True,
        reliable_improvement=True,
        reliable_recovery=True,
    )

    response = as_user(manager).get(URL, PERIOD | {"format": "csv", "table": "outcomes"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="outcomes-2026-01-01-to-2026-04-15.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # so Excel reads it as UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Measure,Courses,Out of,Denominator,Rate"
    assert "Recovery,1,1,finished courses at caseness at the start,100.0%" in lines
    page = as_user(manager).get(URL, PERIOD).content.decode()
    assert (
        "start_year=2026&amp;end_day=15&amp;end_month=4&amp;end_year=2026&amp;format=csv&amp;table=caseloads"
        in page
    )


def test_an_unknown_csv_table_is_not_found(as_user, manager):
    assert as_user(manager).get(URL, {"format": "csv", "table": "nope"}).status_code == 404


def test_a_period_that_ends_before_it_starts_is_refused(as_user, manager):
    response = as_user(manager).get(URL, PERIOD | {"end_year": "2025"})
    assert response.status_code == 422
    content = response.content.decode()
    assert "The end of the period must be the same as or after the start" in content
    assert "<title>Error: " in content


@pytest.mark.parametrize("persona", ["therapist", "supervisor", "administrator"])
def test_only_service_managers_see_it(as_user, request, persona):
    user = request.getfixturevalue(persona)
    assert as_user(user).get(URL).status_code == 404


def test_a_manager_of_another_service_sees_none_of_ours(as_user, outsider, therapist, site):
    _finished(therapist, site, caseness_at_start=True, recovered=True)
    http = as_user(outsider)
    assert _row(_table(http, "outcomes"), "Finished a course of treatment")[1] == "0"
    assert "Tessa Marlow" not in http.get(URL, PERIOD).content.decode()


def test_the_managers_navigation_links_to_it(as_user, manager):
    assert f'href="{URL}"' in as_user(manager).get(reverse("core:home")).content.decode()


def test_the_query_count_does_not_grow_with_the_data(
    as_user, manager, therapist, other_therapist, site, django_assert_max_num_queries
):
    for who in (therapist, other_therapist, therapist):
        _finished(who, site, caseness_at_start=True, recovered=True)
        course_with_summary(therapist=who, site=site, received_on=dt.date(2026, 2, 1))
    http = as_user(manager)
    http.get(URL)  # warm the session
    # The session and user, the filter choices (with the service's problem-area labels), then one
    # to three aggregate queries per figure (attendance: its whole months, then the part-month).
    with django_assert_max_num_queries(20) as captured:
        http.get(URL, PERIOD)
    small = len(captured)
    for who in (therapist, other_therapist) * 3:
        _finished(who, site, reliable_deterioration=True)
    with django_assert_max_num_queries(small):
        http.get(URL, PERIOD)


def test_a_name_typed_as_a_formula_downloads_as_plain_text(as_user, manager, therapist, site):
    therapist.first_name, therapist.last_name = '=HYPERLINK("http://x")', "@Evil"
    therapist.save()
    course_with_summary(therapist=therapist, site=site, received_on=dt.date(2026, 2, 1))

    rows = _table(as_user(manager), "caseloads")

    names = [row[0] for row in rows]
    assert not any(name.startswith(("=", "@")) for name in names)
    assert any(name.startswith("'=HYPERLINK") for name in names)


def test_a_wrong_filter_is_left_out_while_the_others_still_apply(
    as_user, manager, therapist, site, service
):
    other_site = SiteFactory(service=service, name="Hillside Clinic")
    _finished(therapist, site)
    _finished(therapist, other_site)
    _finished(therapist, other_site)
    http = as_user(manager)
    wrong = PERIOD | {"site": str(other_site.pk), "medium": "carrier pigeon"}

    response = http.get(URL, wrong)
    download = http.get(URL, wrong | {"format": "csv", "table": "outcomes"})

    assert response.status_code == 422
    assert "Select an option from the list" in response.content.decode()
    finished = re.search(
        r"Finished a course of treatment</t[hd]>\s*<td[^>]*>\s*(\d+)", response.content.decode()
    )
    assert finished and finished.group(1) == "2"  # the site still applies, not the whole service
    assert download.status_code == 422 and download["Content-Type"].startswith("text/html")
