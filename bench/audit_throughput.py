"""How fast the audit chain accepts writes, and how long verifying it takes.

Run: .venv/bin/python bench/audit_throughput.py [N]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipt_bench .venv/bin/python bench/audit_throughput.py
Uses a throwaway SQLite file (or the DATABASE_URL database, which it migrates and leaves).
"""

import os
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
from django.db import connection, transaction  # noqa: E402

from ipt.accounts.models import User  # noqa: E402
from ipt.core import audit  # noqa: E402


def main(count: int) -> None:
    call_command("migrate", verbosity=0)
    actor, _ = User.objects.get_or_create(username="bench")
    start = time.perf_counter()
    for n in range(count):
        with transaction.atomic():
            audit.record(
                by=actor,
                action=audit.Action.VIEW,
                obj=actor,
                summary=f"bench {n}",
                changes={"field": [n, n + 1]},
            )
    written = time.perf_counter() - start
    start = time.perf_counter()
    report = audit.verify_chain()
    verified = time.perf_counter() - start
    print(f"database: {connection.vendor}")
    print(
        f"appended {count} events in {written:.2f} s: {count / written:,.0f} events/s "
        f"({written / count * 1000:.2f} ms each, one transaction each)"
    )
    print(
        f"verified {report.checked} events in {verified:.2f} s: "
        f"{report.checked / verified:,.0f} events/s; {report}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
