import re

from ipt.measures.charts import Band, Point, progress_chart

PHQ9_BANDS = [
    Band(0, 4, "minimal"),
    Band(5, 9, "mild"),
    Band(10, 14, "moderate"),
    Band(15, 19, "moderately severe"),
    Band(20, 27, "severe"),
]


def _chart(points, **kwargs):
    return progress_chart(
        title="PHQ-9",
        points=points,
        max_score=27,
        bands=PHQ9_BANDS,
        caseness=10,
        reliable_change=6,
        initial_last=4,
        middle_last=12,
        planned_sessions=16,
        **kwargs,
    )


def _circles(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for x, y in re.findall(r'<circle class="ipt-chart__point" cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]


def test_it_draws_one_point_per_score_higher_scores_higher_up():
    chart = _chart([Point(1, 18), Point(2, 15), Point(3, 9)])
    points = _circles(chart.svg)
    assert len(points) == 3
    xs, ys = zip(*points, strict=True)
    assert xs[0] < xs[1] < xs[2]
    assert ys[0] < ys[1] < ys[2]  # SVG y grows downwards: 18 sits above 9


def test_it_puts_the_first_and_last_session_at_the_edges_of_the_plot():
    chart = _chart([Point(1, 0), Point(16, 27)])
    (x1, y1), (x16, y16) = _circles(chart.svg)
    assert (x1, y16) == (44.0, 16.0)
    assert x16 == 640 - 16
    assert y1 == 260 - 40


def test_it_draws_the_caseness_line_and_the_phase_boundaries():
    svg = _chart([Point(1, 12)]).svg
    assert svg.count('class="ipt-chart__caseness"') == 1
    assert "caseness 10" in svg
    assert svg.count('class="ipt-chart__phase"') == 2
    assert "middle phase" in svg and "ending phase" in svg


def test_it_shades_no_reliable_change_around_the_first_score():
    svg = _chart([Point(1, 18), Point(2, 17)]).svg
    band = re.search(
        r'ipt-chart__no-reliable-change" x="44" y="([\d.]+)" width="\d+" height="([\d.]+)"', svg
    )
    top, height = float(band.group(1)), float(band.group(2))
    per_point = (260 - 40 - 16) / 27
    assert round(height / per_point) == 10  # 13 to 23: changes of 5 or less either way
    assert round((260 - 40 - top) / per_point) == 23


def test_it_describes_itself_and_gives_the_numbers_as_a_table():
    chart = _chart([Point(1, 18, "2 March 2026"), Point(2, 7, "9 March 2026")])
    assert "PHQ-9: 2 scores, from 18 at session 1 to 7 at session 2." in chart.svg
    assert 'role="img"' in chart.svg
    assert chart.rows == [
        {"session": "1", "when": "2 March 2026", "score": "18", "band": "moderately severe"},
        {"session": "2", "when": "9 March 2026", "score": "7", "band": "mild"},
    ]


def test_it_says_when_there_are_no_scores_yet():
    chart = _chart([])
    assert "PHQ-9: no scores yet." in chart.svg
    assert _circles(chart.svg) == []
    assert chart.rows == []


def test_it_extends_the_axis_for_sessions_beyond_the_plan():
    chart = _chart([Point(1, 10), Point(18, 5)])
    assert ">18</text>" in chart.svg


def test_it_escapes_what_it_is_given():
    chart = progress_chart(
        title="<script>", points=[Point(1, 3, "<b>")], max_score=27, bands=PHQ9_BANDS
    )
    assert "<script>" not in chart.svg
    assert "<b>" not in chart.svg
