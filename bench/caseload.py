"""How long a therapist's caseload takes when it checks every open course is on track.

Run: .venv/bin/python bench/caseload.py [REQUESTS]
A throwaway SQLite file; one therapist with 50 open courses, each with 12 attended weekly
sessions carrying PHQ-9 and GAD-7 (1,200 responses), a fifth of them deteriorating. Reports
the median and 90th percentile of REQUESTS loads of the client list and its query count.
"""

import datetime as dt
import sys

import pages_with_charts  # sets up Django on a throwaway database

measure = pages_with_charts.measure

from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipt.conftest import signed_in  # noqa: E402
from ipt.courses import services as courses  # noqa: E402
from ipt.courses.tests.factories import add_appointment, open_course  # noqa: E402
from ipt.measures import services as measures  # noqa: E402
from ipt.organisations.models import Service, Site  # noqa: E402


def main(requests: int) -> None:
    call_command("migrate", verbosity=0)
    from ipt.accounts.tests.factories import UserFactory

    service = Service.objects.create(name="Bench service")
    courses.add_default_variants(service=service, by=None)
    site = Site.objects.create(service=service, name="Bench site")
    tessa = UserFactory(username="tessa", service=service, is_therapist=True)
    start = timezone.now() - dt.timedelta(weeks=14)
    for n in range(50):
        course = open_course(therapist=tessa, site=site, by=tessa)
        for week in range(12):
            appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
            level = 1 + week // 4 if n % 5 == 0 else max(0, 2 - week // 4)
            measures.submit_set(
                appointment=appointment,
                answers_by_instrument={
                    "PHQ9": {f"q{i}": level for i in range(1, 9)} | {"q9": 0, "q10": 1},
                    "GAD7": {f"q{i}": min(3, level) for i in range(1, 8)},
                },
                entry_mode="therapist_in_session",
                by=tessa,
                effective_at=appointment.starts_at,
            )
    page = signed_in(tessa).get(reverse("clients:list")).content.decode()
    print(
        f"reasons given for a reliable deterioration (10 courses, PHQ-9 and GAD-7): {page.count('a reliable deterioration (')}"
    )
    measure(signed_in(tessa), reverse("clients:list"), requests)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
