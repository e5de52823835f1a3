"""How long the client record and the course page take with all three charts over 104 sessions.

Run: .venv/bin/python bench/course_page_with_charts.py [REQUESTS]
A throwaway SQLite file; 104 attended weekly sessions, each with PHQ-9, GAD-7 and WSAS (312
responses). Reports the median and 90th percentile of REQUESTS page loads and the query count.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
workdir = tempfile.mkdtemp(prefix="ipt-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipt.config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipt.conftest import signed_in  # noqa: E402
from ipt.courses.tests.factories import add_appointment, open_course  # noqa: E402
from ipt.measures import services as measures  # noqa: E402
from ipt.organisations.models import Service, Site  # noqa: E402


def main(requests: int) -> None:
    call_command("migrate", verbosity=0)
    from ipt.accounts.tests.factories import UserFactory
    from ipt.courses.services import add_default_variants

    service = Service.objects.create(name="Bench service")
    add_default_variants(service=service, by=None)
    site = Site.objects.create(service=service, name="Bench site")
    tessa = UserFactory(username="tessa", service=service, is_therapist=True)
    course = open_course(therapist=tessa, site=site, by=tessa)
    start = timezone.now() - dt.timedelta(weeks=110)
    for week in range(104):
        appointment = add_appointment(course, starts_at=start + dt.timedelta(weeks=week))
        level = max(3, 20 - week // 6)
        measures.submit_set(
            appointment=appointment,
            answers_by_instrument={
                "PHQ9": {f"q{n}": min(3, level // 9 + (n <= level % 9)) for n in range(1, 10)}
                | {"q9": 0, "q10": 1},
                "GAD7": {f"q{n}": min(3, level // 10) for n in range(1, 8)},
                "WSAS": {f"q{n}": min(8, level // 4) for n in range(1, 6)},
            },
            entry_mode="therapist_in_session",
            by=tessa,
            effective_at=appointment.starts_at,
        )
    http = signed_in(tessa)
    for url in (
        reverse("clients:detail", args=[course.client_id]),
        reverse("courses:detail", args=[course.pk]),
    ):
        measure(http, url, requests)


def measure(http, url: str, requests: int) -> None:
    assert http.get(url).status_code == 200
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        response = http.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        page = http.get(url).content.decode()
    timings.sort()
    print(f"{url}: points drawn {page.count('ipt-chart__point')}; queries {len(queries)}")
    print(
        f"{requests} requests: median {statistics.median(timings):.1f} ms, "
        f"90th percentile {timings[int(len(timings) * 0.9) - 1]:.1f} ms, max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
