"""SQLite as the embedded default: several processes writing at once lose nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WORKERS, WRITES_EACH = 4, 25

WORKER = """
import django, sys
django.setup()
from django.db import transaction
from ipt.core import audit
from ipt.organisations.models import Service
worker = sys.argv[1]
for n in range(int(sys.argv[2])):
    with transaction.atomic():
        # Like our services: read first (a duplicate check), then write.
        assert not Service.objects.filter(name=f"worker {worker} service {n}").exists()
        service = Service.objects.create(name=f"worker {worker} service {n}")
        audit.record(by=None, action=audit.Action.CREATE, obj=service, summary="concurrent write")
"""

COUNT = """
import django
django.setup()
from ipt.core import audit
from ipt.core.models import AuditEvent
from ipt.organisations.models import Service
print(Service.objects.count(), AuditEvent.objects.count(), audit.verify_chain().intact)
"""


@pytest.fixture
def sqlite_file(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ipt.config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    return env


def test_concurrent_writers_wait_for_each_other_and_lose_nothing(sqlite_file):
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(n), str(WRITES_EACH)],
            cwd=ROOT,
            env=sqlite_file,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * WORKERS, errors

    counted = subprocess.run(
        [sys.executable, "-c", COUNT],
        cwd=ROOT,
        env=sqlite_file,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert counted == [str(WORKERS * WRITES_EACH), str(WORKERS * WRITES_EACH), "True"]
