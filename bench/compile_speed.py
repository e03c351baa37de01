"""Compile speed against dbt (issue 6, item 8).

    python -m bench.compile_speed [--sizes 10,100,1000] [--runs 5] [--dbt PATH/TO/venv/bin/dbt]

Generates projects of N chained models in dbt's spelling (ref, source, var, config, a
macro), the same files for both tools (dbt_project.yml, sources in models/sources.yml),
and times whole processes, median of --runs after a warm-up: ``runner compile`` vs ``dbt parse`` + ``dbt compile`` (dbt-core with the
dbt-sqlite adapter, installed in a separate virtual environment; partial parsing left on,
as an analyst has it). Writes bench/compile-results.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_project(root: Path, n: int) -> None:
    (root / "models").mkdir(parents=True)
    (root / "macros").mkdir()
    (root / "dbt_project.yml").write_text(
        "name: chain\nversion: '1.0'\nconfig-version: 2\nprofile: chain\nvars:\n  factor: 2\n"
    )
    (root / "profiles.yml").write_text(
        f"chain:\n  target: dev\n  outputs:\n    dev:\n      type: sqlite\n      threads: 1\n"
        f"      database: main\n      schema: main\n      schemas_and_paths:\n        main: {root}/chain.db\n"
        f"      schema_directory: {root}\n"
    )
    (root / "models/sources.yml").write_text(
        "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: items\n"
    )
    (root / "macros/twice.sql").write_text("{% macro twice(c) %}({{ c }} * 2){% endmacro %}\n")
    (root / "models/m0000.sql").write_text(
        "{{ config(materialized='view') }}\nselect id, qty from {{ source('shop', 'items') }}\n"
    )
    for i in range(1, n):
        (root / f"models/m{i:04d}.sql").write_text(
            "{{ config(materialized='view', tags=['chain']) }}\n"
            f"select id, {{{{ twice('qty') }}}} * {{{{ var('factor') }}}} as qty\n"
            f"from {{{{ ref('m{i - 1:04d}') }}}}\nwhere qty > {i}\n"
        )


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="runner compile vs dbt parse + compile")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dbt", default="/tmp/dbtvenv/bin/dbt")
    parser.add_argument("--json", default=str(REPO / "bench/compile-results.json"))
    args = parser.parse_args(argv)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        root = Path(tempfile.mkdtemp()) / f"chain{n}"
        make_project(root, n)
        ours = median_seconds([sys.executable, "-m", "runner", "compile", "--project-dir", str(root),
                               "--database", f"sqlite:///{root}/ours.db"], REPO, args.runs)  # fmt: skip
        dbt = [args.dbt, "--no-use-colors", "--log-level", "error"]
        flags = ["--profiles-dir", str(root), "--project-dir", str(root)]
        parse = median_seconds([*dbt, "parse", *flags], root, args.runs)
        compile_ = median_seconds([*dbt, "compile", *flags], root, args.runs)
        rows.append({"models": n, "runner_compile_s": round(ours, 3), "dbt_parse_s": round(parse, 3),
                     "dbt_compile_s": round(compile_, 3),
                     "ratio": round((parse + compile_) / ours, 1)})  # fmt: skip
        print(rows[-1], flush=True)
    Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
