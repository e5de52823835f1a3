"""The client portal on a phone: what its pages make the browser download, and how long the
server takes to answer a questionnaire question.

Run: .venv/bin/python bench/portal.py [REQUESTS]
Size: every stylesheet and script a portal page links, followed through the scripts' static
imports, each gzipped at level 9 (what a server with compression sends). Time: a client signed
in answers PHQ-9 question 1 of tomorrow's set; the median and 90th percentile of REQUESTS loads
of that page on a throwaway SQLite file, with its query count.
"""

import datetime as dt
import gzip
import re
import sys
from pathlib import Path

import pages_with_charts  # sets up Django on a throwaway database

measure = pages_with_charts.measure

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipt.courses import services as courses  # noqa: E402
from ipt.courses.tests.factories import add_appointment, open_course  # noqa: E402
from ipt.diaries.tests.support import signed_in_client  # noqa: E402
from ipt.organisations.models import Service, Site  # noqa: E402

LINKED = re.compile(r'(?:href|src)="/static/([^"]+\.(?:css|m?js))"')
IMPORTED = re.compile(r'(?:import|from)\s*["\']([^"\']+\.m?js)["\']')


def _assets(page: str) -> list[str]:
    """Static paths the page links, plus the modules its scripts import."""
    found: list[str] = []
    todo = LINKED.findall(page)
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.append(path)
        if path.endswith(("js", "mjs")):
            text = Path(finders.find(path)).read_text()
            base = path.rsplit("/", 1)[0]
            for module in IMPORTED.findall(text):
                todo.append(_normal(f"{base}/{module}"))
    return found


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def main(requests: int) -> None:
    call_command("migrate", verbosity=0)
    from ipt.accounts.tests.factories import UserFactory
    from ipt.clients.tests.factories import ClientFactory

    service = Service.objects.create(name="Bench service")
    courses.add_default_variants(service=service, by=None)
    site = Site.objects.create(service=service, name="Bench site")
    tessa = UserFactory(username="tessa", service=service, is_therapist=True)
    client = ClientFactory(service=service, email="client@example.com", created_by=tessa)
    course = open_course(therapist=tessa, site=site, by=tessa, client=client)
    tomorrow = add_appointment(
        course, starts_at=timezone.now() + dt.timedelta(days=1), attendance=""
    )
    http = signed_in_client(client, invited_by=tessa)
    url = reverse("measures:portal_question", args=[tomorrow.pk, "PHQ9", "q1"])
    page = http.get(url).content.decode()
    total_raw = total_gzip = 0
    for path in sorted({_normal(p) for p in _assets(page)}):
        data = Path(finders.find(path)).read_bytes()
        packed = len(gzip.compress(data, compresslevel=9))
        total_raw, total_gzip = total_raw + len(data), total_gzip + packed
        print(f"  {path}: {len(data) / 1024:.1f} KB, gzipped {packed / 1024:.1f} KB")
    print(f"CSS + JS: {total_raw / 1024:.1f} KB, gzipped {total_gzip / 1024:.1f} KB")
    measure(http, url, requests)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
