"""The timeline axis: dates to positions, markers numbered in date order, episodes as bands."""

import datetime as dt

from ipt.assessments.models import MoodEpisode, TimelineEvent
from ipt.assessments.timeline import LEFT, RIGHT, WIDTH, build_axis, when, x_for

TODAY = dt.date(2026, 11, 24)


def _event(day, kind="death", precision="exact", linked=False):
    return TimelineEvent(occurred_on=day, kind=kind, precision=precision, linked_to_onset=linked)


def test_x_runs_from_the_left_edge_to_the_right_in_proportion():
    start, end = dt.date(2026, 1, 1), dt.date(2026, 1, 11)
    assert x_for(start, start, end) == LEFT
    assert x_for(end, start, end) == WIDTH - RIGHT
    assert x_for(dt.date(2026, 1, 6), start, end) == (LEFT + WIDTH - RIGHT) / 2


def test_markers_are_numbered_in_date_order_and_keep_the_order_on_the_axis():
    events = [_event(dt.date(2026, 6, 1), "move"), _event(dt.date(2025, 2, 1), linked=True)]
    axis = build_axis(events=events, episodes=[], today=TODAY)

    assert [(m.number, m.kind) for m in axis.markers] == [(1, "Death"), (2, "Move")]
    assert axis.markers[0].x < axis.markers[1].x
    assert axis.markers[0].linked_to_onset and not axis.markers[1].linked_to_onset
    assert "2 life events (1 linked to the onset) and 0 episodes" in axis.description


def test_an_ongoing_episode_runs_to_today():
    episodes = [MoodEpisode(started_on=dt.date(2026, 5, 1), ended_on=None)]
    events = [_event(dt.date(2026, 3, 14))]
    axis = build_axis(events=events, episodes=episodes, today=TODAY)

    band = axis.bands[0]
    assert band.ongoing and band.when == "From 1 May 2026, still going on"
    assert band.x > axis.markers[0].x
    assert band.x + band.width <= WIDTH - RIGHT


def test_a_partial_date_reads_as_precisely_as_it_is_known():
    assert when(dt.date(2024, 3, 1), "month") == "March 2024"
    assert when(dt.date(2024, 1, 1), "year") == "2024"
    assert when(dt.date(2024, 3, 14)) == "14 March 2024"


def test_a_long_timeline_has_year_ticks_and_a_short_one_quarters():
    long_axis = build_axis(
        events=[_event(dt.date(2016, 5, 1)), _event(dt.date(2026, 5, 1))], episodes=[], today=TODAY
    )
    short_axis = build_axis(
        events=[_event(dt.date(2026, 1, 10)), _event(dt.date(2026, 9, 1))], episodes=[], today=TODAY
    )
    assert "2020" in [tick.label for tick in long_axis.ticks]
    assert [tick.label for tick in short_axis.ticks] == ["Jan 2026", "Apr 2026", "Jul 2026"]


def test_nothing_recorded_is_an_empty_axis():
    axis = build_axis(events=[], episodes=[], today=TODAY)
    assert axis.is_empty and axis.description == "No events or episodes yet."
