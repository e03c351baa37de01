"""Whole-command timings: `runner build` against `dbt build` on a jaffle shop.

Each command runs as a user runs it (a fresh process: start-up, parsing, seeds, models,
data tests) on a fresh copy of the fixture (``--fixture``: dbt's classic jaffle_shop,
or jaffle_shop_packages, the newer one with dbt_utils and dbt_date, PostgreSQL only),
`--runs` times; the medians are printed. dbt runs only when its executable is given
(install it in a virtual environment of its own; it is no dependency of this project):

    python -m bench.dbt_build --server postgresql://postgres@127.0.0.1:5432/postgres \\
        --dbt /tmp/dbtvenv/bin/dbt [--fixture jaffle_shop_packages]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures"
#: per fixture: dbt profile name, extra arguments of both commands, SQLite or not
SETTINGS = {
    "jaffle_shop": ("jaffle_shop", [], True),
    # its seeds are enabled by a var and load into a custom schema (PostgreSQL only)
    "jaffle_shop_packages": ("default", ["--vars", '{"load_source_data": true}'], False),
}
PROFILE = """{profile}:
  target: dev
  outputs:
    dev: {{type: postgres, host: "{host}", port: {port}, user: "{user}", password: "",
          dbname: "{db}", schema: public, threads: 1}}
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(runs: int, make_command, label: str, fixture: str = "jaffle_shop") -> float:
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(shutil.copytree(FIXTURES / fixture, Path(tmp) / fixture))
            seconds.append(timed(make_command(project, Path(tmp)), Path(tmp)))
    value = statistics.median(seconds)
    print(f"{label}: median {value:.2f} s of {runs} ({', '.join(f'{s:.2f}' for s in seconds)})")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--dbt", help="dbt's executable (its own virtual environment)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fixture", choices=sorted(SETTINGS), default="jaffle_shop")
    args = parser.parse_args(argv)
    profile_name, extra, on_sqlite = SETTINGS[args.fixture]
    import psycopg

    db = f"bench_jaffle_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.server, autocommit=True)
    admin.execute(f'CREATE DATABASE "{db}"')
    url = args.server.rsplit("/", 1)[0] + f"/{db}"
    runner = [sys.executable, "-m", "runner", "build", *extra, "--project-dir"]
    fixture = args.fixture
    try:
        if on_sqlite:
            median_of(
                args.runs,
                lambda p, t: [*runner, str(p), "--database", f"sqlite:///{t}/j.db"],
                "runner build, SQLite",
                fixture,
            )
        median_of(
            args.runs,
            lambda p, t: [*runner, str(p), "--database", url],
            "runner build, PostgreSQL",
            fixture,
        )
        if args.dbt:
            u = urlparse(args.server)
            profile = PROFILE.format(
                profile=profile_name, host=u.hostname, port=u.port or 5432, user=u.username, db=db
            )

            def dbt(project: Path, tmp: Path) -> list[str]:
                (tmp / "profiles.yml").write_text(profile)
                return [args.dbt, "build", *extra, "--project-dir", str(project)] + [
                    "--profiles-dir",
                    str(tmp),
                ]

            # the runner's build left the seeds there: dbt build (which runs the models,
            # reading the seeds as sources, before it reloads them) finds them too
            median_of(args.runs, dbt, "dbt build, PostgreSQL", fixture)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
