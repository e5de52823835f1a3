"""How long the clinical record's busiest pages take on a long, fully written course.

Run: .venv/bin/python bench/clinical_record.py [REQUESTS]
A throwaway SQLite file; one course of 20 attended sessions, each with a signed note and a
homework task reviewed at the next session; 30 people in the inventory (10 per ring); 40 life
events and 3 episodes on the timeline. Reports the median and 90th percentile of REQUESTS loads
of the notes list, a note, the inventory (with its circle) and the timeline, and their queries.
"""

import datetime as dt
import sys

import pages_with_charts  # sets up Django on a throwaway database

measure = pages_with_charts.measure

from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipt.assessments import services as assessments  # noqa: E402
from ipt.conftest import signed_in  # noqa: E402
from ipt.courses import services as courses  # noqa: E402
from ipt.courses.tests.factories import add_appointment, open_course  # noqa: E402
from ipt.formulations import services as formulations  # noqa: E402
from ipt.notes import services as notes  # noqa: E402
from ipt.organisations.models import Service, Site  # noqa: E402


def main(requests: int) -> None:
    call_command("migrate", verbosity=0)
    from ipt.accounts.tests.factories import UserFactory

    service = Service.objects.create(name="Bench service")
    courses.add_default_variants(service=service, by=None)
    site = Site.objects.create(service=service, name="Bench site")
    tessa = UserFactory(username="tessa", service=service, is_therapist=True)
    course = open_course(therapist=tessa, site=site, by=tessa, planned_sessions=20)
    formulations.set_problem_area(course=course, rank="primary", area="role_dispute", by=tessa)
    version = formulations.write_formulation(
        course=course, clinician_text="Bench.", client_text="Bench.", by=tessa
    )
    today = timezone.localdate()
    formulations.agree_formulation(formulation=version, agreed_on=today, by=tessa)
    for n in range(30):
        assessments.add_person(
            course=course, by=tessa, name=f"Person {n}", relationship="friend", ring=n % 3 + 1
        )
    for n in range(40):
        assessments.add_event(
            course=course,
            by=tessa,
            occurred_on=today - dt.timedelta(days=30 * n),
            kind="conflict",
            description=f"Event {n}",
        )
    for n in range(3):
        start = today - dt.timedelta(days=400 * (n + 1))
        assessments.add_episode(course=course, by=tessa, started_on=start)
    start = timezone.now() - dt.timedelta(weeks=21)
    task = None
    for week in range(20):
        appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        note = notes.start_note(
            appointment=appointment, content={"narrative": f"Session {week + 1}."}, by=tessa
        )
        notes.sign_note(note=note, by=tessa)
        if task is not None:
            notes.review_homework(task=task, at=appointment, outcome="done", by=tessa)
        task = notes.set_homework(appointment=appointment, description="Diary", by=tessa)
    http = signed_in(tessa)
    for url in (
        reverse("notes:list", args=[course.pk]),
        reverse("notes:note", args=[appointment.pk]),
        reverse("assessments:inventory", args=[course.pk]),
        reverse("assessments:timeline", args=[course.pk]),
    ):
        measure(http, url, requests)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
