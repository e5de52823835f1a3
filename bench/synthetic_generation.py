"""Time `generate_synthetic` into a fresh database.

    .venv/bin/python bench/synthetic_generation.py small|large sqlite|postgres [--seed N]

SQLite: a new file under /tmp (kept afterwards for page benchmarks). PostgreSQL: drops and
creates the database `ipt_synth` on 127.0.0.1 as user postgres. Migrations are not timed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", choices=["small", "large"])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.database == "sqlite":
        path = Path(f"/tmp/synth_{args.size}.sqlite3")  # noqa: S108 (a throwaway database)
        for leftover in path.parent.glob(f"{path.name}*"):
            leftover.unlink()
        url = f"sqlite:///{path}"
    else:
        subprocess.run(["dropdb", *PG, "--if-exists", "ipt_synth"], check=True)  # noqa: S603, S607
        subprocess.run(["createdb", *PG, "ipt_synth"], check=True)  # noqa: S603, S607
        url = "postgres://postgres@127.0.0.1:5432/ipt_synth"
    env = {**os.environ, "DATABASE_URL": url}
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)  # noqa: S603
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [*manage, "generate_synthetic", "--size", args.size, "--seed", str(args.seed), "-v2"],
        check=True,
        env=env,
    )
    print(
        f"{args.size} on {args.database}: {time.monotonic() - started:.1f} s wall", file=sys.stderr
    )


if __name__ == "__main__":
    main()
