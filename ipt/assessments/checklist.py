"""The tasks of the initial phase of IPT (ipt-and-measures.md §1.3), each done or still to do.

Shown on the assessment overview and on initial-phase session notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from ipt.courses.models import Course
from ipt.formulations import queries as formulations

from .models import Assessment
from .queries import assessment_for


@dataclass(frozen=True)
class Task:
    label: str
    done: bool
    url_name: str
    href: str | None = None  # the page where the task is recorded (None if it does not exist)

    @property
    def status(self) -> str:
        return "Done" if self.done else "To do"


def _href(url_name: str, course: Course) -> str | None:
    try:
        return reverse(url_name, kwargs={"pk": course.pk})
    except NoReverseMatch:
        return None


def _assessment_done(assessment: Assessment | None) -> dict[str, bool]:
    if assessment is None:
        return dict.fromkeys(("symptoms", "medication", "education", "sick_role", "risk"), False)
    return {
        "symptoms": bool(assessment.symptom_review and assessment.diagnosis),
        "medication": assessment.medication_considered is True,
        "education": assessment.psychoeducation_given is True,
        "sick_role": assessment.sick_role_discussed is True,
        "risk": bool(assessment.risk_narrative and assessment.safety_plan),
    }


def initial_phase_tasks(course: Course) -> list[Task]:
    """The tasks of the initial phase (§1.3, with the inventory's start and the contract), in
    the order they are usually done."""
    done = _assessment_done(assessment_for(course))
    rows = [
        ("Symptom review and diagnosis", done["symptoms"], "assessments:overview"),
        ("Need for medication considered", done["medication"], "assessments:overview"),
        ("Psychoeducation given", done["education"], "assessments:overview"),
        ("Sick role discussed", done["sick_role"], "assessments:overview"),
        ("Risk assessment and safety plan", done["risk"], "assessments:overview"),
        (
            "Interpersonal inventory started",
            course.inventory_entries.current().exists(),
            "assessments:inventory",
        ),
        (
            "Onset linked to life events",
            course.timeline_events.filter(linked_to_onset=True).exists(),
            "assessments:timeline",
        ),
        (
            "Problem area chosen",
            bool(formulations.primary_area_code(course)),
            "formulations:overview",
        ),
        (
            "Formulation agreed with the client",
            formulations.formulation_agreed(course),
            "formulations:formulation",
        ),
        ("Treatment contract agreed", course.contracts.exists(), "courses:detail"),
    ]
    return [Task(label, is_done, name, _href(name, course)) for label, is_done, name in rows]
