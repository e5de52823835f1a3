"""The mood chart and the entry cards, without a database."""

import datetime as dt
from types import SimpleNamespace

from ipt.diaries import charts, presenters


def _entry(**values):
    written = dt.datetime(2026, 3, 2, 18, 30, tzinfo=dt.UTC)
    defaults = {
        "pk": 7,
        "happened_on": dt.date(2026, 3, 2),
        "what_happened": "Went to the allotment with Dad",
        "who_with": "",
        "feelings": "",
        "mood": 6,
        "created_at": written,
        "updated_at": written,
    }
    defaults.update(values)
    entry = SimpleNamespace(**defaults)
    entry.can_change_on = lambda today: today == dt.date(2026, 3, 2)
    return entry


def test_the_chart_draws_a_point_per_entry_from_low_to_high():
    chart = charts.mood_chart([(dt.date(2026, 3, 5), 9), (dt.date(2026, 3, 1), 1)])

    assert chart.svg.count('class="ipt-chart__point"') == 2
    assert "polyline" in chart.svg
    assert chart.caption == (
        "Mood: 2 diary entries, from 1 out of 10 on Sunday 1 March 2026 "
        "to 9 out of 10 on Thursday 5 March 2026."
    )
    assert chart.rows == [
        {"when": "Sunday 1 March 2026", "mood": "1"},
        {"when": "Thursday 5 March 2026", "mood": "9"},
    ]
    # 0 sits at the bottom, 10 at the top: the low mood is drawn lower (a larger y).
    low_y = float(chart.svg.split('cy="')[1].split('"')[0])
    high_y = float(chart.svg.split('cy="')[2].split('"')[0])
    assert low_y > high_y


def test_the_chart_says_when_there_is_nothing_to_draw():
    chart = charts.mood_chart([])

    assert chart.caption == "Mood: no diary entries yet."
    assert chart.rows == []
    assert "polyline" not in chart.svg


def test_a_single_entry_is_a_point_without_a_line():
    chart = charts.mood_chart([(dt.date(2026, 3, 5), 4)])

    assert chart.caption == "Mood: 1 diary entry, 4 out of 10 on Thursday 5 March 2026."
    assert "polyline" not in chart.svg


def test_a_card_shows_only_what_was_written_and_can_change_on_the_day():
    card = presenters.entry_card(
        _entry(feelings="Calm"), today=dt.date(2026, 3, 2), for_client=True
    )

    assert card.heading == "Monday 2 March 2026"
    assert [row["key"]["text"] for row in card.rows] == ["Mood", "What happened", "How you felt"]
    assert card.rows[0]["value"]["text"] == "6 out of 10"
    assert card.can_change
    assert card.written == "Written Monday 2 March 2026 at 18:30"


def test_a_card_cannot_change_the_next_day_nor_for_staff():
    entry = _entry()

    assert not presenters.entry_card(entry, today=dt.date(2026, 3, 3), for_client=True).can_change
    assert not presenters.entry_card(entry, today=dt.date(2026, 3, 2), for_client=False).can_change


def test_a_changed_entry_says_when_it_was_changed():
    entry = _entry(updated_at=dt.datetime(2026, 3, 2, 20, 5, tzinfo=dt.UTC))

    card = presenters.entry_card(entry, today=dt.date(2026, 3, 2), for_client=True)

    assert card.written == "Written Monday 2 March 2026 at 18:30, changed at 20:05"


def test_the_timeline_label_is_short():
    label = presenters.timeline_label(_entry(what_happened="word " * 40))

    assert label.startswith("Diary: word word")
    assert len(label) <= len("Diary: ") + 60
