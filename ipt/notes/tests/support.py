"""Set-up shared by the notes tests: sessions of a course in each phase, notes and homework,
all made through the real services."""

from __future__ import annotations

import re

from ipt.courses.tests.factories import add_appointment, attend
from ipt.formulations import services as formulations
from ipt.notes import services

MIDDLE_CONTENT = {
    "interval_history": "Argued with Dev about the school run twice",
    "events_and_mood": "Mood dropped after each argument",
    "techniques": ["exploration", "role_play"],
    "rp_scenario": "Asking Dev to share the school run",
    "rp_how_it_went": "Spoke calmly the second time",
    "rp_what_to_try": "Say what she needs before it builds up",
    "narrative": "Worked on the dispute with Dev.",
}


def sessions(course, count: int) -> list:
    """`count` attended treatment sessions, a week apart; session n is index n - 1."""
    attend(course, count)
    return list(course.appointments.order_by("starts_at", "pk"))


def ready_for_middle(course, by, *, area: str = "role_dispute") -> None:
    """The primary problem area chosen and the middle-phase gate confirmed."""
    formulations.set_problem_area(course=course, rank="primary", area=area, by=by)
    formulations.override_middle_phase_gate(
        course=course, by=by, reason="Formulation to be agreed next session"
    )


def middle_note(course, by, *, content=None):
    """A draft note of session 6 (middle phase), the course made ready for it."""
    appointment = sessions(course, 6)[5]
    ready_for_middle(course, by)
    return services.start_note(appointment=appointment, content=content or MIDDLE_CONTENT, by=by)


def booster(course):
    return add_appointment(course, kind="booster")


def text(response) -> str:
    """The page's words without markup, spaces collapsed: what a reader sees."""
    page = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#39;", "'")
