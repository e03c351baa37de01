"""A live store (issue 11): requests while the storefront keeps writing.

    python -m bench.live [--sizes 100000,1000000] [--engines sqlite,postgres]
                         [--seconds 30] [--json bench/live-results.json]

For each size (events in the 7-day window, as many over the 113 days before) and engine:
generated traffic is loaded, the incremental state is built (timed: "first build", and
DuckDB's build of the same models on the same events), and ``runner serve`` starts with
its defaults. Then, each phase ``--seconds`` long:

1. warm: three admins reload the admin page's analytics tab with no writes: its four
   calls in turn, the dashboard (7 days, both modes, as the page asks) and the funnel,
   alerts and RFM (no query string), each call timed per endpoint;
2. storefront alone: one insert per transaction at 40/s on its own connection
   (bench/storefront.py, a separate process);
3. live: both at once, the storefront bursting to 400/s for 10 s in the middle.

Then each endpoint's answer as of a pinned instant after the writes is checked against
the plain-Python baseline over every row (bench/baseline.py), a 1 % late batch spread over
four months is applied (timed), and one reconciliation pass with the source is timed.
Prints the table with every ratio, a table per endpoint (warm and live p50/p99, and
each endpoint's warm figures against the dashboard's) and writes JSON. Nothing is
asserted: these are measurements.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench import dashboard as bd
from bench.live_profile import WaitSampler, server_timing
from bench.load import SECRET, start_server
from bench.storefront import Plan, write

REPO = Path(__file__).resolve().parent.parent
PATH = "/api/analytics/dashboard-stats/"
#: the admin page's other calls when its analytics tab opens (no query string)
OTHERS = {name: f"/api/analytics/{name}/" for name in ("funnel", "alerts", "rfm")}
ENDPOINTS = ("dashboard-stats", *OTHERS)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def summary(seconds: list[float]) -> dict:
    return {"n": len(seconds), "p50_ms": round(percentile(seconds, 0.5) * 1000, 1),
            "p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
            "max_ms": round(max(seconds, default=0) * 1000, 1)}  # fmt: skip


def page_path(mode: str, days: int = 7) -> str:
    """What the admin page asks: end = today (UTC), start = today - N."""
    today = datetime.now(timezone.utc).date()
    return f"{PATH}?mode={mode}&start={today - timedelta(days=days)}&end={today}"


def page_calls(i: int) -> tuple[str, str]:
    """The ``i``-th call of an admin reloading the analytics tab: (endpoint, path). The
    dashboard alternates modes from one reload to the next."""
    name = ENDPOINTS[i % len(ENDPOINTS)]
    if name == "dashboard-stats":
        return name, page_path(("total", "unique")[i // len(ENDPOINTS) % 2])
    return name, OTHERS[name]


def readers(
    port: int, token: str, seconds: float, count: int = 3, steps: list | None = None
) -> tuple[dict[str, list[float]], list[str]]:
    """``count`` admins reloading the analytics tab back to back (its four calls in
    turn); (latencies per endpoint, errors). ``steps`` gets each answer's endpoint and
    Server-Timing steps (bench/live_profile.py)."""
    latencies: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    errors, lock = [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def admin(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = n
        while time.monotonic() < stop_at:
            name, path = page_calls(i)
            started = time.perf_counter()
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            resp.read()
            with lock:
                latencies[name].append(time.perf_counter() - started)
                if steps is not None:
                    timing = server_timing(resp.getheader("Server-Timing"))
                    steps.append({"endpoint": name, **timing})
                if resp.status != 200:
                    errors.append(f"{name}: {resp.status}")
            i += 1
        conn.close()

    threads = [threading.Thread(target=admin, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def storefront(url: str, plan: Plan) -> tuple[multiprocessing.Process, Path]:
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    proc = multiprocessing.get_context("spawn").Process(target=write, args=(url, plan, out))
    proc.start()
    return proc, out


def inserts(proc: multiprocessing.Process, out: Path, plan: Plan) -> dict:
    proc.join()
    data = json.loads(out.read_text())
    out.unlink()
    asked = plan.rate * plan.seconds + (plan.burst_rate - plan.rate) * plan.burst_seconds
    return {**summary(data["latencies"]), "failures": len(data["failures"]),
            "failure_examples": data["failures"][:3], "inserted": data["inserted"],
            "rate_reached": round(data["inserted"] / asked, 3)}  # fmt: skip


def load(engine: str, rows: list[tuple], size: int) -> tuple[str, dict]:
    """The events as the storefront's table: loaded, WAL on SQLite (runner seed/run set
    it), the id sequence after the loaded ids on PostgreSQL."""
    from runner.workspace import Workspace

    url, info = (bd.load_sqlite if engine == "sqlite" else bd.load_postgres)(rows, size)
    ws = Workspace.open(REPO, url)
    with ws.adapter.connection() as conn:
        ws.adapter.prepare_sources(conn)
        if engine == "postgres":
            ws.adapter.query(conn, "SELECT setval(pg_get_serial_sequence('events', 'id'), "
                             "(SELECT MAX(id) FROM events))")  # fmt: skip
    return url, info


def first_build(url: str) -> float:
    from bench.duck import STATE
    from runner.tasks.build import run
    from runner.workspace import Workspace

    start = time.perf_counter()
    results = run(Workspace.open(REPO, url), list(STATE), None)
    assert all(r.status == "OK" for r in results), [r.error for r in results]
    return time.perf_counter() - start


def duckdb_build(rows: list[tuple], size: int) -> float:
    """DuckDB building the same incremental models from the same events (its first run)."""
    from bench.duck import build_state, compile_for_duckdb, load_duckdb
    from runner.project.loader import load_project

    csv_path = bd.OUT / f"live_{size}.csv"
    bd.write_csv(rows, csv_path)
    con = load_duckdb(csv_path)
    compiled = compile_for_duckdb(load_project(REPO), "total")
    start = time.perf_counter()
    build_state(con, compiled)
    seconds = time.perf_counter() - start
    con.close()
    csv_path.unlink()
    return seconds


def exact(url: str, port: int, token: str, stopped: datetime) -> dict:
    """Each endpoint's answer as of now (writes stopped) against the plain-Python
    baseline over every row, the dashboard in both modes, once the server says every
    event committed before the writes stopped is counted (``X-Events-Through``; the wait
    is ``catch_up_seconds``). Says why when it is not exact: the HTTP status (a 503 is an
    answer that did not come, not a wrong one) and the fields that differ."""
    from bench.baseline import python_admin, python_dashboard, select_list
    from runner.workspace import Workspace

    ws = Workspace.open(REPO, url)
    with ws.adapter.connection() as conn:
        rows = ws.adapter.query(conn, f"SELECT {select_list(ws.adapter.DIALECT)} FROM events")[1]
    asked = [
        (f"dashboard.{m}", f"{PATH}?mode={m}&", lambda a, m=m: python_dashboard(rows, m, a))
        for m in ("total", "unique")
    ]
    asked += [(n, f"{path}?", lambda a, n=n: python_admin(rows, n, a))
              for n, path in OTHERS.items()]  # fmt: skip
    out: dict = {"ok": True, "statuses": [], "differing_fields": []}
    waited = time.monotonic()
    for name, path, reference in asked:
        status, body, as_of = _caught_up(port, token, path, stopped, waited)
        out.setdefault("catch_up_seconds", round(time.monotonic() - waited, 2))
        expected = reference(as_of)
        differing = [k for k in expected if body.get(k) != expected[k]]
        out["statuses"].append(status)
        out["differing_fields"] += [f"{name}.{k}" for k in differing]
        out["ok"] = out["ok"] and status == 200 and not differing
    return out


def _caught_up(port: int, token: str, path: str, stopped: datetime, since: float):
    """(status, body, as_of) of the first answer, as of the time it is asked, that counts
    every event committed before ``stopped`` (its ``X-Events-Through``); gives up after
    120 s from ``since``."""
    while True:
        as_of = datetime.now(timezone.utc)
        pinned = f"as_of={as_of.isoformat().replace('+', '%2B')}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", path + pinned, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        body = json.loads(resp.read())
        through = resp.getheader("X-Events-Through")
        conn.close()
        done = through is not None and datetime.fromisoformat(through) >= stopped
        if resp.status != 200 or done or time.monotonic() - since > 120:
            return resp.status, body, as_of
        time.sleep(0.2)


def late_batch(url: str, size: int) -> dict:
    """1 % more events spread over W and the 113 days before it (ids after the last),
    then the refresh that applies them, timed in process."""
    from api.service import EndpointService
    from bench.generate import generate
    from runner.serving import Session
    from runner.workspace import Workspace

    ws = Workspace.open(REPO, url)
    rows = list(
        generate(max(size // 100, 10), datetime.now(timezone.utc).replace(tzinfo=None), seed=11)
    )
    with ws.adapter.connection() as conn:
        last = ws.adapter.query(conn, "SELECT MAX(id) FROM events")[1][0][0]
        ws.adapter.load_rows(conn, "events", bd.COLUMNS, [[r[0] + last, *r[1:]] for r in rows])
    service = EndpointService(Session(ws))
    service.session.compiled()
    start = time.perf_counter()
    written = service.refresh()
    apply_s = time.perf_counter() - start
    start = time.perf_counter()
    service.refresh(reconcile=True)
    return {"events": len(rows), "rows_written": written, "apply_seconds": round(apply_s, 3),
            "reconcile_seconds": round(time.perf_counter() - start, 3)}  # fmt: skip


def scenario(engine: str, size: int, rows: list[tuple], seconds: float) -> dict:
    from api.auth import make_token

    url, loaded = load(engine, rows, size)
    report = {"engine": engine, "window_events": size, "load": loaded,
              "first_build_seconds": round(first_build(url), 2)}  # fmt: skip
    proc, port = start_server(url, workers=2, threads=4)
    token = make_token(admin=True, lifetime=3600, secret=SECRET)
    try:
        readers(port, token, 5)  # warm-up: caches, compiled projects, pools
        warm_steps: list[dict] = []
        warm, warm_errors = readers(port, token, seconds, steps=warm_steps)
        report["warm_profile"] = {"steps": step_summary(warm_steps)}
        alone_plan = Plan(rate=40, seconds=seconds)
        alone = inserts(*storefront(url, alone_plan), alone_plan)
        live_plan = Plan(
            rate=40, seconds=seconds, burst_rate=400, burst_at=seconds / 3, burst_seconds=10
        )
        writer, out = storefront(url, live_plan)
        live_steps: list[dict] = []
        with WaitSampler(url) as waits:
            live, live_errors = readers(port, token, seconds, steps=live_steps)
        report["live_profile"] = {"waits": waits.report(), "steps": step_summary(live_steps)}
        report["inserts_live"] = inserts(writer, out, live_plan)
        report["exact_check"] = exact(url, port, token, datetime.now(timezone.utc))
        report["exact"] = report["exact_check"]["ok"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    report |= {"warm": summary(warm["dashboard-stats"]), "live": summary(live["dashboard-stats"]),
               "endpoints": {n: {"warm": summary(warm[n]), "live": summary(live[n])}
                             for n in ENDPOINTS},
               "inserts_alone": alone, "errors": warm_errors + live_errors,
               "late": late_batch(url, size)}  # fmt: skip
    if engine == "postgres":
        bd.drop_postgres(size)
    return report


def step_summary(steps: list[dict]) -> dict:
    """p50/p99 ms of each Server-Timing step over the phase's answers, per endpoint."""
    found: dict = {}
    for endpoint in sorted({s["endpoint"] for s in steps}):
        mine = [s for s in steps if s["endpoint"] == endpoint]
        names = sorted({n for s in mine for n in s} - {"endpoint"})
        found[endpoint] = {n: summary([s[n] for s in mine if n in s]) for n in names}
    return found


def ratios(rep: dict) -> dict:
    warm, live = rep["warm"], rep["live"]
    a, b = rep["inserts_alone"], rep["inserts_live"]
    return {"p50": live["p50_ms"] / warm["p50_ms"], "p99": live["p99_ms"] / warm["p99_ms"],
            "insert_p99": b["p99_ms"] / max(a["p99_ms"], 0.001),
            "build": rep["first_build_seconds"] / rep["duckdb_build_seconds"]}  # fmt: skip


def table(reports: list[dict]) -> str:
    lines = ["| window events | engine | warm p50 / p99 ms | live p50 / p99 ms | live / warm p50, p99 | "
             "insert p99 alone / live ms | insert ratio | insert max ms, rate reached, failures | "
             "late 1 % applied s | reconcile s | first build s (DuckDB s, ratio) | exact | "
             "non-200 answers | caught up s |",
             "|" + "---|" * 14]  # fmt: skip
    for r in reports:
        q, w, lv, a, b = ratios(r), r["warm"], r["live"], r["inserts_alone"], r["inserts_live"]
        lines.append(
            f"| {r['window_events']:,} | {r['engine']} | {w['p50_ms']} / {w['p99_ms']} | "
            f"{lv['p50_ms']} / {lv['p99_ms']} | {q['p50']:.2f}x, {q['p99']:.2f}x | "
            f"{a['p99_ms']} / {b['p99_ms']} | {q['insert_p99']:.2f}x | {b['max_ms']}, "
            f"{b['rate_reached']:.2f}, {b['failures']} | {r['late']['apply_seconds']} | "
            f"{r['late']['reconcile_seconds']} | {r['first_build_seconds']} "
            f"({r['duckdb_build_seconds']:.2f}, {q['build']:.1f}x) | {r['exact']} | "
            f"{len(r['errors'])} | {r['exact_check'].get('catch_up_seconds', '-')} |"
        )
    return "\n".join(lines)


def endpoint_table(reports: list[dict]) -> str:
    """Per endpoint: warm and live p50 / p99 under the same mixed load, live against
    warm, and the endpoint's warm figures against the dashboard's (the issue's bound:
    at most the dashboard's cost)."""
    lines = ["| window events | engine | endpoint | requests warm / live | warm p50 / p99 ms | "
             "live p50 / p99 ms | live / warm p50, p99 | warm / dashboard's warm p50, p99 |",
             "|" + "---|" * 8]  # fmt: skip
    for r in reports:
        dash = r["endpoints"]["dashboard-stats"]["warm"]
        for name, e in r["endpoints"].items():
            w, lv = e["warm"], e["live"]
            lines.append(
                f"| {r['window_events']:,} | {r['engine']} | {name} | {w['n']} / {lv['n']} | "
                f"{w['p50_ms']} / {w['p99_ms']} | {lv['p50_ms']} / {lv['p99_ms']} | "
                f"{_ratio(lv['p50_ms'], w['p50_ms'])}, {_ratio(lv['p99_ms'], w['p99_ms'])} | "
                f"{_ratio(w['p50_ms'], dash['p50_ms'])}, {_ratio(w['p99_ms'], dash['p99_ms'])} |"
            )
    return "\n".join(lines)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def main(argv: list[str] | None = None) -> int:
    from bench.generate import generate

    parser = argparse.ArgumentParser(
        description="A live store: requests while the storefront writes"
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    bd.OUT.mkdir(parents=True, exist_ok=True)
    reports = []
    for size in (int(s) for s in args.sizes.split(",")):
        as_of = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=5)
        rows = list(generate(size, as_of))
        duck = round(duckdb_build(rows, size), 2)
        for engine in args.engines.split(","):
            reports.append(
                {**scenario(engine, size, rows, args.seconds), "duckdb_build_seconds": duck}
            )
            print(table(reports[-1:]), endpoint_table(reports[-1:]), sep="\n", flush=True)
    print("\n" + table(reports) + "\n\n" + endpoint_table(reports))
    if args.json:
        machine = {"cpus": os.cpu_count(), "platform": platform.platform(),
                   "python": platform.python_version()}  # fmt: skip
        Path(args.json).write_text(
            json.dumps({"machine": machine, "reports": reports}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
