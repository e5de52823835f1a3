"""Production refuses to start half-configured, and passes Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ipt.config.settings.production",
    "SECRET_KEY": "p9Kx!2vL#8qRz@5mWn$7tYb^3cJh&6fGd*4sAe(1uIo)0pQ-yTrEwZxCvBnM",
    "ALLOWED_HOSTS": "ipt.example.nhs.uk",
    "DATABASE_URL": "postgres://ipt@db.example.internal:5432/ipt",
    "IPT_BASE_URL": "https://ipt.example.nhs.uk",
}


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_each_required_setting():
    for missing in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "IPT_BASE_URL"):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = _manage("check", env=env)
        assert result.returncode != 0
        assert f"Set the {missing} environment variable" in result.stderr


def test_production_passes_the_deployment_checks_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_never_installs_the_demo_data():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print('ipt.nonprod' in settings.INSTALLED_APPS)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_sqlite_waits_for_writers_instead_of_failing():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
    else:
        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_pages_render_with_productions_hashed_static_files(tmp_path, client):
    """Production serves collected, hashed files; a page that names a static path the manifest
    lacks would fail with a server error on every request."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.urls import reverse

    storages = {**settings.STORAGES}
    storages["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--no-input", verbosity=0)
        response = client.get(reverse("accounts:sign_in"))
    assert response.status_code == 200
    page = response.content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="/static/(ipt\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the stylesheet is linked by its hashed name"
    icons = re.findall(r'href="/static/(nhsuk/assets/[^"]+)"', page)
    assert "nhsuk/assets/images/favicon.ico" in icons
    for icon in icons:
        assert (tmp_path / icon).is_file(), f"{icon} was not collected"


def test_postgresql_connections_are_kept_and_checked_but_sqlite_ones_are_not(monkeypatch):
    from ipt.config.settings.base import database_from_env

    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://ipt@db.example.internal:5432/ipt")
    postgres = database_from_env("sqlite://:memory:")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")
    opted_out = database_from_env("sqlite://:memory:")
    monkeypatch.delenv("DATABASE_URL")
    sqlite = database_from_env("sqlite://:memory:")

    assert (postgres["CONN_MAX_AGE"], postgres["CONN_HEALTH_CHECKS"]) == (60, True)
    assert opted_out["CONN_MAX_AGE"] == 0
    assert sqlite["CONN_MAX_AGE"] == 0
