"""Where a page's time goes, without a server: the load benchmark's pages through Django's test
client with production settings, on the database `bench/synthetic_generation.py large` built.

    .venv/bin/python bench/pages_in_process.py sqlite|postgres [PAGE ...]

For each page (all six of `load_pages.py`, or those named): two warm-up loads, then the median,
fastest and slowest of eight, and the query count and time spent in the database of one more.
The rest of a page's time is Python: middleware, the view and rendering.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import load_pages  # noqa: E402 (a sibling script)


def main() -> None:
    database, only = sys.argv[1], sys.argv[2:]
    os.environ.update(
        load_pages.production_env(load_pages.DEFAULT_URLS[database], tempfile.mkdtemp())
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    print(f"machine reference {load_pages.machine_reference():.0f} ms (see load_pages.py)")
    for page in load_pages.plan_pages():
        if only and page["name"] not in only:
            continue
        http = Client()
        http.cookies["sessionid"] = page["session"]
        for _ in range(2):
            assert http.get(page["path"]).status_code == 200
        took = []
        for _ in range(8):
            started = time.perf_counter()
            http.get(page["path"])
            took.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            http.get(page["path"])
        in_database = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"{page['name']:38} median {statistics.median(took):4.0f} ms "
            f"(fastest {min(took):.0f}, slowest {max(took):.0f}); "
            f"{len(queries.captured_queries)} queries, {in_database:.0f} ms in the database"
        )


if __name__ == "__main__":
    main()
