"""The data-set export: every column present and typed, date filters, the service filter, and
outcome flags that match the course page and the service's rates exactly."""

import csv
import datetime as dt
import json
import os
import re
import time
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ipt.core.models import AuditEvent
from ipt.courses import services as courses
from ipt.courses.models import Course
from ipt.courses.tests.factories import add_appointment, open_course
from ipt.measures import outcomes, progress
from ipt.measures import services as measures
from ipt.organisations.models import Service
from ipt.organisations.tests.factories import ServiceFactory
from ipt.reports import dashboard, export, summaries

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "dataset.md"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _answers(total: int, items: int, last: dict[str, int] | None = None) -> dict[str, int]:
    answers, left = {}, total
    for n in range(1, items + 1):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    return answers | (last or {})


def _phq9(total: int) -> dict[str, int]:
    return _answers(total, 8, {"q9": 0, "q10": 1 if total else 0})


def _treat(
    course, therapist, scores, *, assessment=None, first_day=dt.date(2026, 6, 2), end="completed"
):
    """One attended weekly session per (PHQ-9, GAD-7) pair with its questionnaires, then the
    course ends (`end` a status, or None to leave it in treatment). `assessment`, a pair, adds
    an attended assessment with its questionnaires the week before: it has no session number."""
    courses.change_status(course=course, to_status="treatment", by=therapist)
    start = dt.datetime.combine(first_day, dt.time(10), tzinfo=LONDON)
    if assessment is not None:
        appointment = add_appointment(
            course, kind="assessment", starts_at=start - dt.timedelta(weeks=1)
        )
        _questionnaires(appointment, therapist, assessment)
    for week, pair in enumerate(scores):
        appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        if pair is not None:
            _questionnaires(appointment, therapist, pair)
    if end:
        reason = {"completed": "planned_ending", "dropped_out": "stopped_attending"}[end]
        courses.change_status(course=course, to_status=end, reason_code=reason, by=therapist)
    return course


def _questionnaires(appointment, therapist, pair):
    phq, gad = pair
    answers = {"PHQ9": _phq9(phq)}
    if gad is not None:
        answers["GAD7"] = _answers(gad, 7)
    measures.submit_set(
        appointment=appointment,
        answers_by_instrument=answers,
        entry_mode="therapist_in_session",
        by=therapist,
        effective_at=appointment.starts_at,
    )


def _export(tmp_path, *args) -> dict[str, list[dict[str, str]]]:
    out = StringIO()
    call_command("export_dataset", str(tmp_path), *args, stdout=out)
    assert "personal data" in out.getvalue()
    return {name: _rows(tmp_path / name) for name in export.FILES}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _typed(kind: str, cell: str):
    """The cell read as its documented type; raises if it is not one."""
    if cell == "":
        return None
    if kind == "integer":
        assert re.fullmatch(r"-?\d+", cell), cell
        return int(cell)
    if kind == "boolean":
        assert cell in {"0", "1"}, cell
        return cell == "1"
    if kind == "date":
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", cell), cell
        return dt.date.fromisoformat(cell)
    if kind == "datetime":
        value = dt.datetime.fromisoformat(cell)
        assert value.utcoffset() is not None, cell
        return value
    if kind == "json":
        return json.loads(cell)
    assert kind in {"code", "text"}, kind
    if kind == "code":
        assert cell.strip() == cell and " " not in cell, cell
    return cell


def _open(therapist, site):
    """A course opened on Tuesday 26 May 2026, the week before its first session."""
    opened = dt.date(2026, 5, 26)
    return open_course(therapist=therapist, site=site, opened_on=opened, agreed_on=opened)


@pytest.fixture
def course(therapist, site):
    return _open(therapist, site)


@pytest.fixture
def finished(course, therapist):
    """Tessa's client: PHQ-9 18→6, GAD-7 12→5 over three sessions, then a planned ending."""
    return _treat(course, therapist, [(18, 12), (12, 9), (6, 5)])


def test_every_file_has_every_documented_column_and_each_cell_its_type(tmp_path, finished):
    files = _export(tmp_path)
    for name, columns in export.COLUMNS.items():
        with (tmp_path / name).open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == [c.name for c in columns]
        assert files[name], f"{name} has no rows"
        for row in files[name]:
            for column in columns:
                _typed(column.type, row[column.name])


def test_the_documentation_describes_every_column_with_its_type():
    text = DOCS.read_text()
    for name, columns in export.COLUMNS.items():
        assert f"## {name}" in text
        for column in columns:
            assert re.search(rf"^\| `{column.name}` \| {column.type} \|", text, re.M), column
    assert "personal data" in text


def test_it_writes_the_nhs_codes_of_each_appointment(tmp_path, finished, therapist):
    missed = add_appointment(finished, attendance="3")
    files = _export(tmp_path)
    rows = {int(r["appointment_id"]): r for r in files["appointments.csv"]}
    first = rows[min(rows)]
    assert first["attendance_code"] == "5" and first["attended"] == "1"
    assert first["consultation_mechanism"] == "02"  # telephone
    assert first["therapy_mode"] == "01"  # individual
    assert first["care_activity"] == "443730003"  # IPT
    assert (first["session_number"], first["phase"]) == ("1", "initial")
    assert first["nhs_number"] == finished.client.nhs_number
    assert first["client_reference"] == str(finished.client_id)
    assert rows[missed.pk]["attendance_code"] == "3"
    assert rows[missed.pk]["attended"] == "0" and rows[missed.pk]["session_number"] == ""


def test_it_writes_each_current_complete_questionnaire_with_its_items(tmp_path, finished):
    files = _export(tmp_path)
    phq9 = [r for r in files["measures.csv"] if r["measure"] == "PHQ9"]
    assert [r["total"] for r in phq9] == ["18", "12", "6"]
    assert [r["session_number"] for r in phq9] == ["1", "2", "3"]
    assert phq9[0]["phase"] == "initial"
    assert json.loads(phq9[0]["items"]) == _phq9(18)
    assert phq9[0]["completed_on"] == "2026-06-02"


def test_a_corrected_questionnaire_is_exported_once_at_its_corrected_score(
    tmp_path, finished, therapist
):
    original = finished.questionnaire_responses.get(instrument_code="PHQ9", session_number=3)
    measures.correct(
        response=original, answers=_phq9(4), reason="Entered from the wrong form", by=therapist
    )
    files = _export(tmp_path)
    phq9 = [r for r in files["measures.csv"] if r["measure"] == "PHQ9"]
    assert [r["total"] for r in phq9] == ["18", "12", "4"]
    assert phq9[-1]["version"] == "2"
    (row,) = files["outcomes.csv"]
    assert row["phq9_last"] == "4"


def test_the_outcome_of_a_recovered_course(tmp_path, finished):
    (row,) = _export(tmp_path)["outcomes.csv"]
    assert row["finished"] == "1" and row["paired"] == "1"
    assert (row["phq9_first"], row["phq9_last"]) == ("18", "6")
    assert (row["gad7_first"], row["gad7_last"]) == ("12", "5")
    assert row["anxiety_measure"] == "GAD7"
    assert row["caseness_at_start"] == "1" and row["recovered"] == "1"
    assert row["reliable_improvement"] == "1" and row["reliable_recovery"] == "1"
    assert row["reliable_deterioration"] == "0"
    assert row["ended_on"] == "2026-11-24"


def test_each_course_carries_its_primary_ipt_problem_area(tmp_path, finished, therapist, site):
    from ipt.formulations import services as formulations

    other = open_course(therapist=therapist, site=site)
    formulations.set_problem_area(course=finished, rank="primary", area="grief", by=therapist)
    formulations.set_problem_area(course=finished, rank="secondary", area="deficits", by=therapist)

    rows = {r["course_id"]: r for r in _export(tmp_path)["outcomes.csv"]}
    assert rows[str(finished.pk)]["ipt_problem_area"] == "grief"
    assert rows[str(other.pk)]["ipt_problem_area"] == ""


def test_a_finished_course_without_paired_scores_has_no_outcome_flags(tmp_path, course, therapist):
    _treat(course, therapist, [(18, 12), None, None])
    (row,) = _export(tmp_path)["outcomes.csv"]
    assert row["finished"] == "1" and row["paired"] == "0"
    assert (row["phq9_first"], row["phq9_last"]) == ("18", "")
    for flag in ("caseness_at_start", "recovered", "reliable_improvement", "reliable_recovery"):
        assert row[flag] == "0"


def test_an_assessment_and_one_session_is_not_a_finished_course(tmp_path, course, therapist):
    _treat(course, therapist, [(18, 12)], assessment=(20, 14), end="dropped_out")
    (row,) = _export(tmp_path)["outcomes.csv"]
    assert row["course_status"] == "dropped_out"
    assert row["attended_treatment_appointments"] == "1"
    assert row["finished"] == "0" and row["anxiety_measure"] == ""


def test_the_outcome_flags_equal_the_course_pages_for_every_course(
    tmp_path, therapist, other_therapist, site
):
    trajectories = [
        [(18, 12), (12, 9), (6, 5)],  # recovered
        [(14, 9), (13, 9), (15, 10)],  # no reliable change
        [(8, 6), (16, 12)],  # deterioration, not at caseness at the start
        [(20, 15), (19, 14), (12, 6)],  # reliable improvement, still at caseness
        [(16, None), (10, None)],  # no GAD-7 pair
        [(12, 9), None, None, (11, 8)],
    ]
    for n, scores in enumerate(trajectories):
        who = therapist if n % 2 else other_therapist
        # Scores at an assessment have no session number and never count towards outcomes.
        assessment = (22, 19) if n == 1 else None
        _treat(_open(who, site), who, scores, assessment=assessment, end="completed")
    _treat(_open(therapist, site), therapist, [(18, 12), (9, 6)], end=None)
    rows = _export(tmp_path)["outcomes.csv"]
    assert len(rows) == len(trajectories) + 1
    found = []
    for row in rows:
        course = Course.objects.get(pk=row["course_id"])
        expected = progress.outcome_of(course, progress.series_of(course))
        found.append(expected)
        assert _flags(row) == {
            "finished": expected.finished,
            "paired": expected.paired,
            "caseness_at_start": expected.caseness_at_start,
            "not_at_caseness": expected.not_at_caseness,
            "recovered": expected.recovery,
            "reliable_improvement": expected.reliable_improvement,
            "reliable_deterioration": expected.reliable_deterioration,
            "reliable_recovery": expected.reliable_recovery,
        }
    assert {o.recovery for o in found} == {True, False}
    assert any(o.reliable_deterioration for o in found)


def _flags(row: dict[str, str]) -> dict[str, bool]:
    names = (
        "finished",
        "paired",
        "caseness_at_start",
        "not_at_caseness",
        "recovered",
        "reliable_improvement",
        "reliable_deterioration",
        "reliable_recovery",
    )
    return {name: row[name] == "1" for name in names}


def test_the_period_keeps_the_appointments_and_questionnaires_on_its_days(tmp_path, finished):
    # Sessions on 2, 9 and 16 June 2026; the period covers the second only.
    files = _export(tmp_path, "--from", "2026-06-09", "--to", "2026-06-15")
    assert [r["appointment_date"] for r in files["appointments.csv"]] == ["2026-06-09"]
    assert {r["completed_on"] for r in files["measures.csv"]} == {"2026-06-09"}
    assert [r["session_number"] for r in files["appointments.csv"]] == ["2"]
    # The course was open in the period, so its referral and its outcome (as of now) are there.
    assert [r["course_id"] for r in files["outcomes.csv"]] == [str(finished.pk)]
    assert [r["referral_id"] for r in files["referrals.csv"]] == [str(finished.referral_id)]


def test_a_period_before_a_course_opened_leaves_it_out(tmp_path, finished):
    files = _export(tmp_path, "--to", "2020-12-31")
    assert all(not rows for rows in files.values())


def test_referrals_received_in_the_period_are_there_without_a_course(tmp_path, finished, site):
    from ipt.clients.tests.factories import ReferralFactory

    waiting = ReferralFactory(site=site, client__service=site.service, received_on=NOW.date())
    files = _export(tmp_path, "--from", "2026-11-01")
    rows = {int(r["referral_id"]): r for r in files["referrals.csv"]}
    assert rows[waiting.pk]["course_id"] == ""
    assert rows[waiting.pk]["status"] == "waiting_for_assessment"
    assert rows[finished.referral_id]["first_treatment_on"] == "2026-06-02"
    assert rows[finished.referral_id]["first_assessment_appointment_on"] == ""


def test_the_service_option_keeps_one_services_data(tmp_path, finished, service):
    other = ServiceFactory(name="Southshire Talking Therapies")
    by_name = _export(tmp_path / "a", "--service", "northshire talking therapies")
    assert len(by_name["outcomes.csv"]) == 1
    by_id = _export(tmp_path / "b", "--service", str(other.pk))
    assert all(not rows for rows in by_id.values())


def test_it_refuses_an_unknown_service_or_a_backwards_period(tmp_path, service):
    with pytest.raises(CommandError, match="No service 'Nowhere'"):
        call_command("export_dataset", str(tmp_path), "--service", "Nowhere")
    with pytest.raises(CommandError, match="on or before"):
        call_command("export_dataset", str(tmp_path), "--from", "2026-02-01", "--to", "2026-01-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_dataset", str(tmp_path), "--from", "1/2/2026")
    assert not list(tmp_path.iterdir())


def test_it_records_the_export_in_the_audit_trail(tmp_path, finished, service):
    _export(tmp_path, "--service", str(service.pk))
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.action == AuditEvent.Action.VIEW
    assert event.actor_label == "export_dataset command"
    assert event.summary.startswith("Exported the data set of Northshire Talking Therapies")
    assert "1 outcomes" in event.summary


def test_only_the_owner_can_read_the_files(tmp_path, finished):
    _export(tmp_path)
    for name in export.FILES:
        assert os.stat(tmp_path / name).st_mode & 0o077 == 0


def test_small_chunks_give_the_same_files(tmp_path, therapist, site):
    for _ in range(3):
        _treat(_open(therapist, site), therapist, [(18, 12), (9, 6)])
    _export(tmp_path / "big")
    _export(tmp_path / "small", "--chunk-size", "1")
    for name in export.FILES:
        assert (tmp_path / "big" / name).read_text() == (tmp_path / "small" / name).read_text()


def test_on_the_demo_data_the_flags_equal_the_course_pages_and_the_dashboard(tmp_path, db):
    call_command("load_demo", stdout=StringIO())
    started = time.perf_counter()
    rows = _export(tmp_path)["outcomes.csv"]
    print(f"export of the demo data took {time.perf_counter() - started:.2f} s")
    assert len(rows) == Course.objects.count()
    for row in rows:
        course = Course.objects.get(pk=row["course_id"])
        assert _flags(row) == _flags_of(progress.outcome_of(course, progress.series_of(course)))
    # The dashboard reads stored summaries: store them as `refresh_outcome_summaries` does.
    summaries.rebuild()
    service = Service.objects.get()
    ended = [dt.date.fromisoformat(r["ended_on"]) for r in rows if r["ended_on"]]
    period = dashboard.Filters(service_id=service.pk, start=min(ended), end=max(ended))
    exported = outcomes.rates(_outcome_from(row) for row in rows)
    assert dashboard.finished_rates(period) == exported
    assert exported.finished > 0 and exported.recovery.numerator > 0


def _flags_of(outcome: outcomes.Outcome) -> dict[str, bool]:
    return {
        "finished": outcome.finished,
        "paired": outcome.paired,
        "caseness_at_start": outcome.caseness_at_start,
        "not_at_caseness": outcome.not_at_caseness,
        "recovered": outcome.recovery,
        "reliable_improvement": outcome.reliable_improvement,
        "reliable_deterioration": outcome.reliable_deterioration,
        "reliable_recovery": outcome.reliable_recovery,
    }


def _outcome_from(row: dict[str, str]) -> outcomes.Outcome:
    """An Outcome carrying only a CSV row's flags, for `outcomes.rates`."""
    flags = _flags(row)
    return outcomes.Outcome(
        finished=flags["finished"],
        paired=flags["paired"],
        problem_descriptor=row["problem_descriptor"],
        anxiety_measure=row["anxiety_measure"] or None,
        adsm_fallback=row["adsm_fallback"] == "1",
        depression=None,
        anxiety=None,
        caseness_at_start=flags["caseness_at_start"],
        caseness_at_end=False,
        recovery=flags["recovered"],
        reliable_improvement=flags["reliable_improvement"],
        reliable_deterioration=flags["reliable_deterioration"],
        reliable_recovery=flags["reliable_recovery"],
        thresholds_version=row["thresholds_version"],
        thresholds_verified=row["thresholds_verified"] == "1",
        explanation="",
    )
