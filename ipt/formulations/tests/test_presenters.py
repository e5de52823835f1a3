"""Goal ratings validation, the goal chart, and display rows (no database)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from ipt.formulations import charts, presenters
from ipt.formulations.areas import ProblemArea

LABELS = {str(a.value): str(a.label) for a in ProblemArea}


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0), ("0", 0), (" 7 ", 7), ("10", 10), (10, 10)]
)
def test_check_score_accepts_whole_numbers_from_0_to_10(value, expected):
    assert presenters.check_score(value) == expected


@pytest.mark.parametrize("value", [-1, 11, "11", "-1", "7.5", "seven", "", None, True, "١"])
def test_check_score_refuses_anything_else(value):
    with pytest.raises(ValueError, match="The rating must be a whole number from 0 to 10"):
        presenters.check_score(value)


def _ratings(*scores):
    return [charts.Rating(score=s, when=f"day {i}") for i, s in enumerate(scores, start=1)]


def test_chart_points_run_left_to_right_with_10_at_the_top():
    points = charts.plot_points(_ratings(0, 5, 10))
    assert [p.x for p in points] == [28.0, 168.0, 308.0]
    bottom = charts.HEIGHT - charts.BOTTOM
    assert [p.y for p in points] == [bottom, (charts.TOP + bottom) / 2, charts.TOP]


def test_a_single_rating_sits_in_the_middle():
    (point,) = charts.plot_points(_ratings(4))
    assert point.x == (charts.LEFT + charts.WIDTH - charts.RIGHT) / 2


def test_the_goal_chart_has_a_point_per_rating_and_the_same_numbers_as_a_table():
    ratings = [
        charts.Rating(score=2, when="Monday 5 January 2026", session="Session 5"),
        charts.Rating(score=6, when="Monday 12 January 2026"),
    ]
    chart = charts.goal_chart(chart_id="goal-1", goal="See <friends>", ratings=ratings)
    assert chart.svg.count('class="ipt-chart__point"') == 2
    assert "<polyline" in chart.svg
    assert "See &lt;friends&gt;" in chart.svg
    assert 'aria-labelledby="goal-1-title goal-1-desc"' in chart.svg
    assert (
        '<desc id="goal-1-desc">Ratings out of 10, oldest first: 2 on Monday 5 January 2026 '
        "(Session 5); 6 on Monday 12 January 2026.</desc>"
    ) in chart.svg
    assert chart.caption == (
        "See <friends>: 2 ratings, from 2 on Monday 5 January 2026 to 6 on Monday 12 January 2026."
    )
    assert chart.rows == [
        {"when": "Monday 5 January 2026", "session": "Session 5", "score": "2"},
        {"when": "Monday 12 January 2026", "session": "", "score": "6"},
    ]


def test_an_unrated_goal_says_so():
    chart = charts.goal_chart(chart_id="goal-2", goal="Sleep better", ratings=[])
    assert chart.caption == "Sleep better: not rated yet."
    assert chart.rows == []
    assert "ipt-chart__point" not in chart.svg


def _focus(**fields):
    values = {
        "area": ProblemArea.ROLE_DISPUTE,
        "deceased": "",
        "inventory_person": "",
        "died_on": None,
        "dispute_with": "",
        "dispute_stage": "",
        "from_role": "",
        "to_role": "",
        "transition_on": None,
        "to_build": "",
        "chosen_on": dt.date(2026, 2, 2),
    }
    return SimpleNamespace(**(values | fields))


def _as_dict(rows):
    return {row["key"]["text"]: row["value"]["text"] for row in rows}


def test_a_dispute_shows_who_with_and_its_stage():
    rows = _as_dict(
        presenters.area_detail_rows(
            _focus(dispute_with="Her husband", dispute_stage="impasse"), LABELS
        )
    )
    assert rows == {
        "Problem area": "Role dispute",
        "With whom": "Her husband",
        "Stage": "Impasse",
        "Chosen on": "Monday 2 February 2026",
    }


def test_grief_shows_who_died_and_when_with_the_services_label():
    rows = _as_dict(
        presenters.area_detail_rows(
            _focus(area="grief", deceased="His wife", died_on=dt.date(2025, 6, 1)),
            LABELS | {"grief": "Complicated grief"},
        )
    )
    assert rows["Problem area"] == "Complicated grief"
    assert rows["Who died"] == "His wife"
    assert rows["When they died"] == "Sunday 1 June 2025"


def test_unstaged_disputes_and_empty_fields_say_so():
    rows = _as_dict(presenters.area_detail_rows(_focus(), LABELS))
    assert rows["Stage"] == "Not staged yet"
    assert rows["With whom"] == "Not recorded"


def test_strategy_items_tick_what_was_worked_on():
    done = [
        SimpleNamespace(
            area="role_dispute",
            code="stage",
            addressed_on=dt.date(2026, 3, 2),
            by=SimpleNamespace(display_name="Tessa Marlow"),
        )
    ]
    items = presenters.strategy_items("role_dispute", done)
    assert items[0]["checked"] and items[0]["text"] == "Stage the dispute"
    assert items[0]["hint"]["text"] == "Worked on since Monday 2 March 2026 (Tessa Marlow)"
    assert not any(item["checked"] for item in items[1:])
    assert len(items) == 6


def test_an_unrated_goal_chart_describes_no_ratings():
    chart = charts.goal_chart(chart_id="goal-3", goal="Sleep better", ratings=[])
    assert '<desc id="goal-3-desc">No ratings yet.</desc>' in chart.svg
