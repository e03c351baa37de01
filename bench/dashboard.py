"""Dashboard benchmark at a real store's scale (issue 5).

    python -m bench.dashboard [--sizes 10000,100000,1000000] [--runs 5] [--json bench/results.json]

For each size (events in the 7-day window; as many again over the previous 113 days) it
generates deterministic traffic (bench/generate.py), loads it into SQLite (executemany)
and PostgreSQL (COPY), and measures, median of --runs after a warm-up, both modes:

* ``falcon``: a warm in-process request through the Falcon app (falcon.testing);
* ``overhead``: the part of that request spent outside the database (render, plan,
  stitching), measured by timing every adapter call;
* ``cli``: ``runner dashboard`` as a whole process;
* ``python``: baseline (a), the old approach: fetch the window's rows from the same
  database and compute the body in plain Python (bench/baseline.py: the tests'
  reference, tests/reference.py);
* ``duckdb``: baseline (b), the same models transpiled by sqlglot on a DuckDB copy.

It prints one table with the ratios to both baselines and writes everything as JSON.
No timing is asserted anywhere; tests/bench/test_smoke.py runs a tiny size in CI.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from api.service import EndpointService
from bench.duck import STATE
from runner.adapters import ConnectionSettings
from runner.serving import Session

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
AS_OF = "2024-05-22T12:00:00Z"
AS_OF_DT = datetime(2024, 5, 22, 12, tzinfo=timezone.utc)
SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
COLUMNS = ["id", "event_type", "session_id", "user_id", "product_slug", "product_name", "price",
           "metadata", "source", "error_message", "idempotency_key", "created_at"]  # fmt: skip


def median_time(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_csv(rows, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        out.writerows(["\\N" if v is None else v for v in row] for row in rows)


def ddl(ws) -> str:
    from runner.render.renderer import Renderer

    return Renderer(ws.project, ws.dialect).call_macro("create_events_table", ws.project.vars, {})


def load_sqlite(rows, size: int) -> tuple[str, dict]:
    import sqlite3

    from runner.tasks.build import ensure_source_indexes
    from runner.workspace import Workspace

    path = OUT / f"events_{size}.db"
    for stale in (path, *OUT.glob(f"events_{size}.analytics.db*")):
        stale.unlink(missing_ok=True)  # the models' file too: its state was of the old events
    url = f"sqlite:///{path}"
    ws = Workspace.open(REPO, url)
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(ddl(ws))
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    conn.execute("COMMIT")
    conn.close()
    with ws.adapter.connection() as c:
        ensure_source_indexes(ws, c)
        ws.adapter.execute(c, "ANALYZE")
    return url, {
        "load_seconds": round(time.perf_counter() - start, 2),
        "bytes": path.stat().st_size,
    }


def load_postgres(rows, size: int) -> tuple[str, dict]:
    import psycopg

    from runner.tasks.build import ensure_source_indexes
    from runner.workspace import Workspace

    name = f"bench_events_{size}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = SERVER.rpartition("/")[0] + f"/{name}"
    ws = Workspace.open(REPO, url)
    start = time.perf_counter()
    with ws.adapter.connection() as conn:
        ws.adapter.execute(conn, ddl(ws))
        ws.adapter.load_rows(conn, "events", COLUMNS, [list(r) for r in rows])
        ensure_source_indexes(ws, conn)
        ws.adapter.execute(conn, "ANALYZE events")
        size_bytes = ws.adapter.query(conn, "SELECT pg_total_relation_size('events')")[1][0][0]
    return url, {"load_seconds": round(time.perf_counter() - start, 2), "bytes": int(size_bytes)}


def drop_postgres(size: int) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS bench_events_{size} WITH (FORCE)")


class DbClock:
    """Times every adapter call, so the request's own overhead can be told apart."""

    def __init__(self, adapter) -> None:
        self.seconds = 0.0
        for method in ("execute", "query"):
            original = getattr(adapter, method)
            setattr(adapter, method, self._timed(original))

    def _timed(self, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def measure_engine(url: str, runs: int) -> dict:
    import falcon.testing

    from api.app import create_app
    from api.auth import make_token
    from api.config import Config
    from api.service import EndpointService
    from bench.baseline import fetch_rows, python_dashboard
    from runner.serving import Session
    from runner.workspace import Workspace

    secret = "bench-" + "x" * 60
    ws = Workspace.open(REPO, url, settings=ConnectionSettings(read_only=url.startswith("sqlite")))
    clock = DbClock(ws.adapter)
    service = EndpointService(Session(ws))
    client = falcon.testing.TestClient(create_app(Config(jwt_secret=secret), service.session))
    headers = {"Authorization": f"Bearer {make_token(admin=True, secret=secret)}"}
    result, bodies = {}, {}
    for mode in ("total", "unique"):

        def request(mode=mode):
            answer = client.simulate_get("/api/analytics/dashboard-stats/", headers=headers,
                                         params={"mode": mode, "as_of": AS_OF})  # fmt: skip
            assert answer.status_code == 200, answer.text
            bodies[mode] = answer.json

        falcon_s = median_time(request, runs)
        overheads = []
        for _ in range(runs):
            clock.seconds = 0.0
            start = time.perf_counter()
            request()
            overheads.append(time.perf_counter() - start - clock.seconds)
        cli = [sys.executable, "-m", "runner", "dashboard", "--project-dir", str(REPO), "--database", url,
               "--mode", mode, "--as-of", AS_OF]  # fmt: skip
        cli_s = median_time(
            lambda cli=cli: subprocess.run(cli, check=True, capture_output=True), runs
        )

        def python_baseline(mode=mode):
            with ws.adapter.connection() as conn:
                rows = fetch_rows(ws.adapter, conn, AS_OF_DT)
            return python_dashboard(rows, mode, AS_OF_DT)

        python_s = median_time(python_baseline, runs)
        assert python_baseline() == bodies[mode], "the reference disagrees with the endpoint"
        result[mode] = {"falcon": falcon_s, "overhead": statistics.median(overheads), "cli": cli_s,
                        "python": python_s}  # fmt: skip
    return result, bodies


def measure_duckdb(csv_path: Path, runs: int) -> dict:
    """DuckDB on the same models: the incremental tables built whole once (``build``,
    also reported), then the per-request part timed like the other engines' requests;
    ``from_raw`` = build + request, the dashboard computed from the events alone."""
    from bench.duck import build_state, compile_for_duckdb, load_duckdb, run_duckdb
    from runner.project.loader import load_project
    from runner.project.params import parse_timestamp

    start = time.perf_counter()
    con = load_duckdb(csv_path)
    load_s = time.perf_counter() - start
    project, as_of = load_project(REPO), parse_timestamp(AS_OF)
    out = {"load_seconds": round(load_s, 2)}
    start = time.perf_counter()
    build_state(con, compile_for_duckdb(project, "total"))
    out["build_seconds"] = time.perf_counter() - start
    for mode in ("total", "unique"):
        compiled = compile_for_duckdb(project, mode)
        out[mode] = median_time(lambda compiled=compiled: run_duckdb(con, compiled, as_of), runs)
        out[f"{mode}_from_raw"] = out["build_seconds"] + out[mode]
        out[f"{mode}_sales"] = run_duckdb(con, compiled, as_of)["sales_summary"][0][0]
    con.close()
    return out


def build_state(url: str) -> float:
    """`runner run -s <the incremental models>`: their tables, built whole."""
    from runner.tasks.build import run
    from runner.workspace import Workspace

    start = time.perf_counter()
    results = run(Workspace.open(REPO, url), list(STATE), None)
    assert {r.status for r in results} == {"OK"}, results
    return time.perf_counter() - start


def _arrivals(size: int) -> tuple[list, list]:
    """(a minute of traffic at this size's rate, all in the minute before as_of;
    1 % more events spread over W and the 113 days before it: late events)."""
    from bench.generate import generate

    now = AS_OF_DT.replace(tzinfo=None)
    minute = [
        (*row[:-1], (now - timedelta(seconds=59 - i % 60)).strftime("%Y-%m-%d %H:%M:%S.%f"))
        for i, row in enumerate(generate(max(size // 10080, 10), now, seed=13, history_events=0))
    ]
    return minute, list(generate(max(size // 100, 10), now, seed=11))


def measure_refresh(url: str, size: int) -> dict:
    """Append events, time the next request (it refreshes the incremental tables first),
    and check its body against the same request after `runner run --full-refresh`."""
    from runner.tasks.build import run
    from runner.workspace import Workspace

    ws = Workspace.open(REPO, url)
    service = EndpointService(
        Session(
            Workspace.open(
                REPO, url, settings=ConnectionSettings(read_only=url.startswith("sqlite"))
            )
        )
    )
    out = {}
    for name, rows in zip(("minute", "late"), _arrivals(size)):
        with ws.adapter.connection() as conn:
            last = ws.adapter.query(conn, "SELECT MAX(id) FROM events")[1][0][0]
            ws.adapter.load_rows(conn, "events", COLUMNS, [[r[0] + last, *r[1:]] for r in rows])
        start = time.perf_counter()
        body = service.answer({"mode": "unique", "as_of": AS_OF})
        out[name] = {"appended": len(rows), "request_seconds": time.perf_counter() - start}
    run(ws, list(STATE), None, full_refresh=True)
    assert service.answer({"mode": "unique", "as_of": AS_OF}) == body, "incremental != full refresh"
    return {"refresh": out}


def bench_size(size: int, runs: int, engines: list[str], history: int | None = None) -> dict:
    from bench.generate import generate

    OUT.mkdir(parents=True, exist_ok=True)
    rows = list(generate(size, AS_OF_DT.replace(tzinfo=None), history_events=history))
    csv_path = OUT / f"events_{size}.csv"
    write_csv(rows, csv_path)
    report = {"window_events": size, "total_events": len(rows), "engines": {}}
    duck = measure_duckdb(csv_path, runs)
    report["duckdb"] = duck
    bodies = {}
    for engine in engines:
        loader = load_sqlite if engine == "sqlite" else load_postgres
        url, load = loader(rows, size)
        try:
            load["build_seconds"] = build_state(url)
            timings, bodies[engine] = measure_engine(url, runs)
            report["engines"][engine] = {**load, **timings, **measure_refresh(url, size)}
        finally:
            if engine == "postgres":
                drop_postgres(size)  # a benchmark leaves no database behind
        for mode in ("total", "unique"):
            assert duck[f"{mode}_sales"] == bodies[engine][mode]["total_sales"], "DuckDB disagrees"
    if len(bodies) == 2:
        report["engines_agree"] = bodies["sqlite"] == bodies["postgres"]
    return report


def table(reports: list[dict]) -> str:
    head = ("| window events | total events | engine | mode | request ms | overhead ms | `runner dashboard` ms | "
            "python ms | duckdb ms | request / duckdb | python / request | duckdb from raw ms |")  # fmt: skip
    lines = [head, "|" + "---|" * 12]
    for rep in reports:
        for engine, data in rep["engines"].items():
            for mode in ("total", "unique"):
                m, duck = data[mode], rep["duckdb"][mode]
                lines.append(
                    f"| {rep['window_events']:,} | {rep['total_events']:,} | {engine} | {mode} | {m['falcon'] * 1000:.1f} | "
                    f"{m['overhead'] * 1000:.2f} | {m['cli'] * 1000:.0f} | {m['python'] * 1000:.0f} | "
                    f"{duck * 1000:.1f} | {m['falcon'] / duck:.2f}x | {m['python'] / m['falcon']:.1f}x | "
                    f"{rep['duckdb'][mode + '_from_raw'] * 1000:.0f} |"
                )
    lines += ["", "| window events | engine | build s (whole) | a minute of traffic: events, next request ms | "
              "late events: events, next request ms |", "|---|---|---|---|---|"]  # fmt: skip
    for rep in reports:
        for engine, data in rep["engines"].items():
            minute, late = data["refresh"]["minute"], data["refresh"]["late"]
            lines.append(f"| {rep['window_events']:,} | {engine} | {data['build_seconds']:.2f} | "
                         f"{minute['appended']:,}, {minute['request_seconds'] * 1000:.0f} | "
                         f"{late['appended']:,}, {late['request_seconds'] * 1000:.0f} |")  # fmt: skip
        lines.append(f"| {rep['window_events']:,} | duckdb | {rep['duckdb']['build_seconds']:.2f} | - | - |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Dashboard benchmark against DuckDB and plain Python"
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--history", type=int, help="events before W (default: as many as in W)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    reports = []
    for size in (int(s) for s in args.sizes.split(",")):
        reports.append(bench_size(size, args.runs, args.engines.split(","), args.history))
        print(table(reports[-1:]), flush=True)
    machine = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    print("\n" + table(reports))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": machine, "reports": reports}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
