"""Page latency under load: gunicorn (2 workers, production settings) driven by locust on loopback.

    .venv/bin/python bench/load_pages.py sqlite|postgres [--rounds 100] [--users 2] [--port 8765]

Reads a database built by `bench/synthetic_generation.py large sqlite|postgres`
(/tmp/synth_large.sqlite3 or the PostgreSQL database `ipt_synth`); `--database-url` picks another.
It writes only what signing in would write: a confirmed authenticator device for each user it
signs in (where the user has none) and their sessions, made directly with both factors verified
(the sign-in form and its TOTP step are covered by the tests, not timed here).

The pages, each opened by the user who would open it:
  caseload      /clients/                 the therapist with the most open courses
  client record /clients/<pk>/            that therapist's client with the most appointments
  diary         /courses/<pk>/diary/      that therapist's course with the most diary entries
  supervision   /supervision/             the supervisor with the most supervisees
  dashboard     /reports/                 a service manager, default filters (the last 12 months)
  dashboard, filtered  /reports/?site=…&ipt_problem_area=grief   one site and one problem area

Static files are collected into a temporary directory and served by WhiteNoise, as in production.
Each page is requested a few times before locust starts so both workers have compiled their
templates. Then USERS locust users each walk all the pages ROUNDS times with no pause, so each
page gets USERS x ROUNDS requests. Prints locust's figures per page (milliseconds) and exits
non-zero if any request failed (not a 200, or the page's heading missing).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DEFAULT_URLS = {
    "sqlite": "sqlite:////tmp/synth_large.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/ipt_synth",
}


def production_env(database_url: str, var_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ipt.config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "IPT_BASE_URL": "https://127.0.0.1",
        "IPT_VAR_DIR": var_dir,
        "IPT_STAFF_IDLE_MINUTES": "240",
    }


def signed_in_session(user) -> str:
    """A session key for `user` with both factors verified, as after the real sign-in."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ipt.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    now = timezone.now().timestamp()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    session.create()
    return session.session_key


def plan_pages() -> list[dict[str, str]]:
    """Choose who opens which page on the generated service; sign them in."""
    from django.db.models import Count, Q

    from ipt.accounts.models import User
    from ipt.courses.models import Course
    from ipt.courses.rules import OPEN_STATUSES
    from ipt.diaries.models import DiaryEntry
    from ipt.organisations.models import Site

    therapist = (
        User.objects.filter(is_therapist=True)
        .annotate(
            n=Count("courses", filter=Q(courses__status__in=[s.value for s in OPEN_STATUSES]))
        )
        .order_by("-n", "pk")
        .first()
    )
    open_courses = Course.objects.open().filter(therapist=therapist)
    record = (
        open_courses.annotate(n=Count("appointments")).order_by("-n", "pk").select_related("client")
    ).first()
    diary_course = (
        DiaryEntry.objects.filter(course__therapist=therapist)
        .values("course")
        .annotate(n=Count("pk"))
        .order_by("-n", "course")
        .first()
    )
    supervisor = (
        User.objects.filter(is_supervisor=True)
        .annotate(n=Count("supervisees"))
        .order_by("-n", "pk")
        .first()
    )
    manager = User.objects.filter(is_service_manager=True).order_by("pk").first()
    site = Site.objects.filter(service=manager.service).order_by("pk").first()
    if not (therapist and record and diary_course and supervisor and manager and site):
        sys.exit("This database has no synthetic service: run bench/synthetic_generation.py first")
    sessions = {u.pk: signed_in_session(u) for u in {therapist, supervisor, manager}}
    print(
        f"therapist {therapist.username}: {open_courses.count()} open courses; client record "
        f"{record.client_id}: {record.n} appointments; diary of course {diary_course['course']}: "
        f"{diary_course['n']} entries; supervisor {supervisor.username}: {supervisor.n} "
        f"supervisees; manager {manager.username}; site {site.name}",
        file=sys.stderr,
    )
    pages = [
        {"name": "caseload", "path": "/clients/", "user": therapist, "marker": "<h1>Clients</h1>"},
        {
            "name": "client record",
            "path": f"/clients/{record.client_id}/",
            "user": therapist,
            "marker": f"Reference {record.client.reference}",
        },
        {
            "name": "diary",
            "path": f"/courses/{diary_course['course']}/diary/",
            "user": therapist,
            "marker": "</span> Diary</h1>",
        },
        {
            "name": "supervision",
            "path": "/supervision/",
            "user": supervisor,
            "marker": "<h1>Supervision</h1>",
        },
        {
            "name": "dashboard",
            "path": "/reports/",
            "user": manager,
            "marker": "<h1>Service dashboard</h1>",
        },
        {
            "name": "dashboard, one site and problem area",
            "path": f"/reports/?site={site.pk}&ipt_problem_area=grief",
            "user": manager,
            "marker": "<h1>Service dashboard</h1>",
        },
    ]
    return [
        {**page, "user": page["user"].username, "session": sessions[page["user"].pk]}
        for page in pages
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--users", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ipt-load-"))
    env = production_env(args.database_url or DEFAULT_URLS[args.database], str(work))
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("collectstatic", "--no-input", verbosity=0)
    pages = plan_pages()
    connections.close_all()
    plan = work / "plan.json"
    plan.write_text(
        json.dumps(
            {"rounds": args.rounds, "users": args.users, "cookie_name": "sessionid", "pages": pages}
        ),
        "utf-8",
    )
    reference = machine_reference()
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "ipt.config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            base[7:],
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_serving(f"{base}/health/")
        for page in pages * 4:  # both workers compile their templates before timing
            fetch(base + page["path"], page["session"])
        run = subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "--locustfile",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--host",
                base,
                "--run-time",
                "30m",
            ],
            env={**env, "LOAD_PLAN": str(plan), "LOAD_FIGURES": str(work / "figures.json")},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(work / "figures.json", args, reference)
    sys.exit(run.returncode)


def fetch(url: str, session: str) -> bytes:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url, headers={"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.read()


def wait_until_serving(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            fetch(url, "")
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def machine_reference() -> float:
    """Milliseconds for a fixed piece of pure Python (the fastest of five): this virtual
    machine's speed drifts by a third and more within an hour, so each table carries it, and
    two tables are compared after scaling by it."""
    took = []
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        took.append((time.perf_counter() - started) * 1000)
    return min(took)


def report(figures: Path, args, reference: float) -> None:
    pages = json.loads(figures.read_text("utf-8"))
    print(
        f"| page | requests | failures | p50 ms | p95 ms | p99 ms | max ms |  ({args.database}, "
        f"{args.users} users; machine reference {reference:.0f} ms before the run)"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, f in pages.items():
        cells = [f["requests"], f["failures"], f["p50"], f["p95"], f["p99"], round(f["max"])]
        print(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")


if __name__ == "__main__":
    main()
