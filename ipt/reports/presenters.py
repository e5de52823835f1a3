"""The dashboard's figures as tables (shown on the page and downloaded as CSV) and a bar chart.
Pure: no database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from ipt.core.dates import MONTHS, long_date
from ipt.measures.outcomes import Rate, Rates

from .dashboard import Attendance, Caseload, Distribution


@dataclass(frozen=True)
class Table:
    name: str  # used in the CSV link and file name
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)

    def csv(self) -> str:
        """The table as CSV for a spreadsheet: a byte-order mark so Excel reads UTF-8 (accented
        names), and text that a spreadsheet would run as a formula made plain text."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([spreadsheet_safe(cell) for cell in self.headers])
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in self.rows)
        return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?%?")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as written: text starting like a formula (a therapist's name
    typed as `=HYPERLINK(…)`, say) gets a leading apostrophe; numbers are left as they are."""
    text = str(cell)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def percentage(rate: Rate) -> str:
    value = rate.percentage
    return "Not applicable" if value is None else f"{value:.1f}%"


def _days(value: float | int | None) -> str:
    if value is None:
        return "None"
    return f"{value:g}"


def _share(part: int | None, whole: int) -> str:
    return percentage(Rate(part or 0, whole))


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1][:3]} {month.year}"


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{long_date(start)} to {long_date(end)}"


def referrals_table(months: list[tuple[dt.date, int]]) -> Table:
    return Table(
        name="referrals",
        caption="Referrals received by month",
        headers=["Month", "Referrals received"],
        rows=[[month_label(m), str(n)] for m, n in months]
        + [["Total", str(sum(n for _, n in months))]],
        numeric=[False, True],
    )


def waits_table(waiting: Distribution, assessment: Distribution, treatment: Distribution) -> Table:
    def row(label: str, d: Distribution, shares: bool) -> list[str]:
        return [
            label,
            str(d.count),
            _days(d.median),
            _days(d.p90),
            _share(d.within_6_weeks, d.count) if shares else "Not applicable",
            _share(d.within_18_weeks, d.count) if shares else "Not applicable",
        ]

    return Table(
        name="waits",
        caption="Waiting times in days",
        headers=[
            "Wait",
            "Referrals",
            "Median (days)",
            "90th percentile (days)",
            "Within 6 weeks",
            "Within 18 weeks",
        ],
        rows=[
            row("Waiting now, not yet seen", waiting, False),
            row("Referral to first appointment (assessment)", assessment, True),
            row("Referral to first treatment appointment", treatment, True),
        ],
        numeric=[False, True, True, True, True, True],
    )


def caseloads_table(rows: list[Caseload]) -> Table:
    body = [[r.therapist, str(r.assessment), str(r.treatment), str(r.total)] for r in rows]
    body.append(
        [
            "All therapists",
            str(sum(r.assessment for r in rows)),
            str(sum(r.treatment for r in rows)),
            str(sum(r.total for r in rows)),
        ]
    )
    return Table(
        name="caseloads",
        caption="Caseloads by therapist now: open courses",
        headers=["Therapist", "In assessment", "In treatment", "Open courses"],
        rows=body,
        numeric=[False, True, True, True],
    )


def appointments_table(a: Attendance) -> Table:
    return Table(
        name="appointments",
        caption="Appointments in the period",
        headers=["Measure", "Number", "Rate"],
        rows=[
            ["Appointments booked", str(a.booked), ""],
            ["Attended", str(a.attended), f"{percentage(a.attendance_rate)} of {a.expected}"],
            [
                "Did not attend (including arrived too late to be seen)",
                str(a.did_not_attend),
                f"{percentage(a.dna_rate)} of {a.expected}",
            ],
            ["Cancelled by the client or the service", str(a.cancelled), ""],
            ["Outcome not yet recorded", str(a.not_recorded), ""],
        ],
        numeric=[False, True, True],
    )


def outcomes_table(r: Rates) -> Table:
    at_caseness = "finished courses at caseness at the start"
    finished = "finished courses"

    def rate(label: str, value: Rate, of: str) -> list[str]:
        return [label, str(value.numerator), str(value.denominator), of, percentage(value)]

    return Table(
        name="outcomes",
        caption="Outcomes of courses finished in the period",
        headers=["Measure", "Courses", "Out of", "Denominator", "Rate"],
        rows=[
            ["Finished a course of treatment", str(r.finished), "", "", ""],
            ["Not at caseness at the start", str(r.not_at_caseness), "", "", ""],
            ["Finished without paired scores", str(r.unpaired), "", "", ""],
            rate("Recovery", r.recovery, at_caseness),
            rate("Reliable recovery", r.reliable_recovery, at_caseness),
            rate("Reliable improvement", r.reliable_improvement, finished),
            rate("Reliable deterioration", r.reliable_deterioration, finished),
        ],
        numeric=[False, True, True, False, True],
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value) for the horizontal grid lines


def bar_chart(title: str, values: list[tuple[str, int]], *, width=640, height=240) -> BarChart:
    """Bars for each (label, value), scaled to the largest, for a server-drawn SVG."""
    left, top, bottom = 40, 10, 40
    plot_height = height - top - bottom
    biggest = max((v for _, v in values), default=0)
    scale_top = max(1, biggest)
    step = (width - left - 10) / max(1, len(values))
    bars = []
    for n, (label, value) in enumerate(values):
        bar_height = plot_height * value / scale_top
        bars.append(
            Bar(
                x=round(left + n * step + step * 0.15, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(step * 0.7, 1),
                height=round(bar_height, 1),
                label=label,
                value=value,
            )
        )
    ticks = [
        (round(top + plot_height - plot_height * t / scale_top, 1), t)
        for t in sorted({0, scale_top // 2, scale_top})
    ]
    return BarChart(
        title=title,
        width=width,
        height=height,
        baseline=top + plot_height,
        bars=bars,
        ticks=ticks,
    )
