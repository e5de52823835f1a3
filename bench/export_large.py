"""Time `export_dataset` on a generated service: wall time, peak memory, rows and bytes per file.

    .venv/bin/python bench/export_large.py sqlite|postgres [--from YYYY-MM-DD --to YYYY-MM-DD]

Reads the database `bench/synthetic_generation.py large …` built (/tmp/synth_large.sqlite3 or the
PostgreSQL database `ipt_synth`; `--database-url` picks another) and writes into a temporary folder,
deleted afterwards (the files hold synthetic NHS numbers, but they are large).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URLS = {
    "sqlite": "sqlite:////tmp/synth_large.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/ipt_synth",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--database-url")
    parser.add_argument("--from", dest="start")
    parser.add_argument("--to", dest="end")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url or DEFAULT_URLS[args.database]}
    out = Path(tempfile.mkdtemp(prefix="ipt-export-"))
    command = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py"), "export_dataset"]
    command.append(str(out))
    if args.start:
        command += ["--from", args.start]
    if args.end:
        command += ["--to", args.end]
    try:
        started = time.monotonic()
        subprocess.run(command, check=True, env=env, cwd=ROOT)  # noqa: S603
        wall = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"export_dataset on {args.database}: {wall:.1f} s wall, peak {peak_mb:.0f} MB")
        for path in sorted(out.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                rows = sum(1 for _ in csv.reader(handle)) - 1
            print(f"  {path.name}: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
