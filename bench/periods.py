"""Periods (issue 10): what a 7-, 30- and 90-day request cost at a steady weekly rate.

    python -m bench.periods [--per-week 100000] [--engines sqlite,postgres] [--runs 5]
                            [--json bench/periods-results.json]

Events at ``--per-week`` over the 120 days before the fixtures' instant (the 7-day
window plus 113 days of history at the same rate, bench/generate.py), loaded into each
engine, the incremental state built, then the median of ``--runs`` warm in-process
requests (DashboardService.compute, both modes) for N = 7, 30 and 90 days. Whole days
come from the daily rollup, so N should cost little more than 7: the table prints each
N's ratio to the 7-day request. Nothing is asserted: these are measurements.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

from bench import dashboard as bd
from bench.generate import generate

DAYS = (7, 30, 90)


def warm(url: str, runs: int) -> dict:
    """Median seconds per (mode, days) after one warm-up request each."""
    from api.service import EndpointService
    from runner.serving import Session
    from runner.workspace import Workspace

    service = EndpointService(Session(Workspace.open(bd.REPO, url)))
    out = {}
    for mode in ("total", "unique"):
        for days in DAYS:
            service.answer({"mode": mode, "as_of": bd.AS_OF}, days=days)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                service.answer({"mode": mode, "as_of": bd.AS_OF}, days=days)
                times.append(time.perf_counter() - start)
            out[f"{mode}/{days}"] = statistics.median(times)
    return out


def bench_engine(engine: str, rows: list[tuple], per_week: int, runs: int) -> dict:
    key = f"periods_{per_week}"
    loader = bd.load_sqlite if engine == "sqlite" else bd.load_postgres
    url, load = loader(rows, key)
    try:
        load["build_seconds"] = round(bd.build_state(url), 2)
        return {"engine": engine, **load, "seconds": warm(url, runs)}
    finally:
        if engine == "postgres":
            bd.drop_postgres(key)  # a benchmark leaves no database behind


def table(per_week: int, total: int, reports: list[dict]) -> str:
    lines = [
        f"{per_week:,} events per week, {total:,} events in all",
        "",
        "| engine | mode | 7 days ms | 30 days ms | 90 days ms | 30 / 7 | 90 / 7 |",
        "|---|---|---|---|---|---|---|",
    ]
    for rep in reports:
        for mode in ("total", "unique"):
            ms = [rep["seconds"][f"{mode}/{d}"] * 1000 for d in DAYS]
            lines.append(
                f"| {rep['engine']} | {mode} | {ms[0]:.1f} | {ms[1]:.1f} | {ms[2]:.1f} "
                f"| {ms[1] / ms[0]:.2f}x | {ms[2] / ms[0]:.2f}x |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-week", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    bd.OUT.mkdir(parents=True, exist_ok=True)
    history = args.per_week * 113 // 7  # the same weekly rate over the 113 days before W
    rows = list(generate(args.per_week, bd.AS_OF_DT.replace(tzinfo=None), history_events=history))
    reports = [bench_engine(e, rows, args.per_week, args.runs) for e in args.engines.split(",")]
    print(table(args.per_week, len(rows), reports))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": platform.platform(), "per_week": args.per_week,
                       "events": len(rows), "reports": reports}, fh, indent=2)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
