"""``runner``: the command line. A thin shell over runner.ops and api.

Exit codes: 0 success; 1 a model (or test) failed; 2 the project or an argument is
wrong (nothing ran); 3 the database is unreachable.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from typing import Any

from runner.errors import DatabaseError, RunnerError

EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = 1, 2, 3


def _common(parser: argparse.ArgumentParser, select: bool = False, vars: bool = False) -> None:
    parser.add_argument(
        "--project-dir", default=".", help="folder holding project.yml (default: .)"
    )
    parser.add_argument(
        "--database",
        help="database URL: sqlite:///path.db or postgresql://user@host:port/db "
        "(default: $DATABASE_URL, then project.yml, then sqlite:///target/store.db)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    if select:
        parser.add_argument(
            "--select",
            "-s",
            nargs="+",
            metavar="SELECTOR",
            help="models: NAME, +NAME (with ancestors), NAME+ (with descendants), tag:TAG",
        )
    if vars:
        parser.add_argument(
            "--vars", help='JSON object of vars and params, e.g. \'{"mode": "unique"}\''
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runner",
        description="Render and run the project's SQL models on SQLite or PostgreSQL.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser(
        "seed",
        help="load seeds/*.csv into tables (replacing them)",
        description="Load seeds/*.csv into tables, replacing them; report rows per seed.",
    )
    _common(p)
    p.add_argument("names", nargs="*", help="seed names (default: all)")
    p = sub.add_parser(
        "compile",
        help="render models to target/compiled/",
        description="Render the selected models and write target/compiled/<path>.sql.",
    )
    _common(p, select=True, vars=True)
    p = sub.add_parser(
        "run",
        help="build models in dependency order",
        description="Build the selected models in dependency order. With --vars the run "
        "uses temporary tables in one connection, invisible to any other run. Incremental "
        "models add the events that arrived since their last run (--full-refresh: rebuild).",
    )
    _common(p, select=True, vars=True)
    p.add_argument("--full-refresh", action="store_true",
                   help="rebuild incremental models from scratch")  # fmt: skip
    p = sub.add_parser(
        "test",
        help="run the data tests of the selected models",
        description="Run the data tests (YAML beside the models, SQL in data-tests/) against "
        "the built relations; PASS/FAIL each with the failing-row count and up to 5 failing "
        "rows. Exits 1 when any test fails.",
    )
    _common(p, select=True, vars=True)
    p.add_argument("--junit-xml", metavar="PATH", help="also write the results as JUnit XML")
    p = sub.add_parser(
        "unit",
        help="run model unit tests (given rows in, expected rows out)",
        description="Run the unit_tests: of the YAML beside the models. Each model runs on "
        "its given input rows (as TEMP tables), no parent is built. In-memory SQLite unless "
        "--database says otherwise. Prints a row diff on failure; exits 1 on any failure.",
    )
    _common(p, select=True)
    p = sub.add_parser(
        "build",
        help="seeds, models and their tests in DAG order",
        description="Load the seeds, then build each selected model and run its data tests "
        "right after it; a model that fails or whose tests fail stops its descendants "
        "(reported as SKIPPED). Exits 1 when anything failed.",
    )
    _common(p, select=True, vars=True)
    p = sub.add_parser(
        "lineage",
        help="upstream columns of MODEL.COLUMN down to the sources",
        description="Print the columns MODEL.COLUMN is computed from, through every upstream "
        "model (and its CTEs) down to the source columns, with sqlglot's lineage.",
    )
    _common(p)
    p.add_argument("target", metavar="MODEL.COLUMN")
    p = sub.add_parser(
        "docs",
        help="write a static documentation site to target/docs/",
        description="Write target/docs/: the DAG as a picture, and a page per model with its "
        "description, columns, tests, rendered SQL and upstream/downstream links.",
    )
    _common(p)
    p = sub.add_parser(
        "lint",
        help="static checks of the models (no database needed)",
        description="Check the models with sqlglot: unknown refs, columns an upstream model or "
        "source does not produce, ambiguous columns (errors); SELECT * in marts, models no test "
        "covers (warnings). One line per finding: path:line: level rule: message. Exits 1 on "
        "any error.",
    )
    _common(p, select=True)
    p = sub.add_parser(
        "ls",
        help="list models in execution order",
        description="List models in execution order: name, materialization, tags, parents.",
    )
    _common(p, select=True)
    p = sub.add_parser(
        "dashboard",
        help="print the dashboard JSON the endpoint would return",
        description="Compute the dashboard and print exactly the endpoint's JSON body. The "
        "period is read as the endpoint reads start and end (spec section 2), or --days N.",
    )
    _common(p)
    p.add_argument("--mode", default="total", help="total (default) or unique")
    p.add_argument("--as-of", help="ISO-8601 instant (default: now, UTC)")
    p.add_argument("--start", metavar="YYYY-MM-DD",
                   help="the admin page's period: N = end - start days (1-366)")  # fmt: skip
    p.add_argument("--end", metavar="YYYY-MM-DD",
                   help="today or later: as of now; earlier: as of the end of that day")  # fmt: skip
    p.add_argument("--days", type=int, metavar="N", help="the window's length N (default 7)")
    p = sub.add_parser(
        "serve",
        help="serve the API with gunicorn",
        description="Serve the dashboard API with gunicorn. Needs JWT_SECRET.",
    )
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p = sub.add_parser(
        "token",
        help="print a signed token for local use",
        description="Print an HS256 token signed with $JWT_SECRET (the store's Django "
        "SECRET_KEY), shaped like the store's own tokens.",
    )
    p.add_argument("--admin", action="store_true", help='add "is_admin": true')
    p.add_argument("--expires", default="1h", help="lifetime: 30m, 1h, 7d (default 1h)")
    p.add_argument("--user-id", default="1")
    p.add_argument("--shape", choices=("store", "simplejwt"), default="store",
                   help="store: what the store's login view signs (default); simplejwt: "
                   "an access token of djangorestframework-simplejwt")  # fmt: skip
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p = sub.add_parser(
        "up",
        help="the main job: seed, run, print the dashboard, serve",
        description="Load the seeds into the database, build every model, print the "
        "dashboard as of the fixtures' week, then serve the API with an admin token.",
    )
    _common(p)
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="stop after printing the dashboard")
    return parser


def exit_code(exc: RunnerError) -> int:
    """The one place errors become exit codes: the database unavailable or too slow 3, a
    statement that failed 1, anything wrong before running (a request value, the
    project, a template, the SQL, the graph) 2."""
    if isinstance(exc, DatabaseError):
        return EXIT_UNAVAILABLE if exc.unavailable else EXIT_FAILED
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RunnerError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc.format()}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        return 130


def _workspace(args, **options):
    from runner.ops import Workspace

    return Workspace.open(args.project_dir, args.database, **options)


def cmd_seed(args) -> int:
    from runner.ops import seed

    ws = _workspace(args)
    results = seed(
        ws,
        args.names,
        lambda r: print(f"seed {r.name}: {r.rows} rows into {r.table} ({r.seconds:.2f}s)"),
    )
    print(f"Loaded {len(results)} seeds into {ws.adapter.describe()}")
    return 0


def cmd_compile(args) -> int:
    from runner.ops import parse_vars, write_artifacts, write_compiled

    ws = _workspace(args)
    compiled = ws.compile(parse_vars(args.vars), bind=False)
    for path in write_compiled(compiled, args.select):
        print(f"compiled {path.relative_to(ws.project.root)}")
    write_artifacts(compiled, None, "compile")
    return 0


def cmd_test(args) -> int:
    from runner.ops import data_tests, parse_vars

    ws = _workspace(args)
    results = data_tests(ws, args.select, parse_vars(args.vars))
    if args.junit_xml:
        from runner.datatests import write_junit

        write_junit(results, args.junit_xml)
    for i, r in enumerate(results, start=1):
        extra = f" ({r.failures} failing rows)" if r.status == "FAIL" else ""
        print(f"[{i}/{len(results)}] {r.status} {r.name}{extra} {r.seconds:.2f}s")
        for row in r.rows:
            print(f"    {row}")
        if r.message:
            print(f"    {r.path}:{r.line}: {r.message}")
    counts = {s: sum(r.status == s for r in results) for s in ("PASS", "FAIL", "ERROR")}
    print(f"Done: {counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['ERROR']} ERROR")
    return EXIT_FAILED if counts["FAIL"] or counts["ERROR"] else 0


def cmd_run(args) -> int:
    from runner.ops import parse_vars, run

    ws = _workspace(args)
    start = time.perf_counter()
    results = run(
        ws, args.select, parse_vars(args.vars), _print_result, full_refresh=args.full_refresh
    )
    counts = {s: sum(r.status == s for r in results) for s in ("OK", "ERROR", "SKIPPED")}
    print(
        f"Done in {time.perf_counter() - start:.2f}s: {counts['OK']} OK, {counts['ERROR']} ERROR, "
        f"{counts['SKIPPED']} SKIPPED ({ws.dialect})"
    )
    return EXIT_FAILED if counts["ERROR"] or counts["SKIPPED"] else 0


def _print_result(index: int, total: int, result) -> None:
    rows = "-" if result.rows is None else str(result.rows)
    print(
        f"[{index}/{total}] {result.name} {result.materialized} {rows} {result.seconds:.2f}s {result.status}"
    )
    if result.error is not None:
        for line in result.error.format().splitlines():
            print(f"    {line}")


def cmd_unit(args) -> int:
    from runner.ops import Workspace
    from runner.unittests import run_unit_tests

    ws = Workspace.open(args.project_dir, args.database or "sqlite:///:memory:")
    results = run_unit_tests(ws, args.select)
    for i, r in enumerate(results, start=1):
        print(f"[{i}/{len(results)}] {r.status} {r.name} ({r.model}) {r.seconds:.2f}s")
        for line in r.diff:
            print(f"    {line}")
        if r.message:
            print("    " + r.message.replace("\n", "\n    "))
    bad = sum(r.status != "PASS" for r in results)
    print(f"Done ({ws.dialect}): {len(results) - bad} PASS, {bad} FAIL/ERROR")
    return EXIT_FAILED if bad else 0


def cmd_build(args) -> int:
    from runner.ops import build, parse_vars

    ws = _workspace(args)

    def show(result) -> None:
        if hasattr(result, "materialized"):
            rows = "-" if result.rows is None else result.rows
            print(
                f"{result.name} {result.materialized} {rows} {result.seconds:.2f}s {result.status}"
            )
            if result.error is not None:
                print("    " + result.error.format().replace("\n", "\n    "))
        else:
            extra = f" ({result.failures} failing rows)" if result.status == "FAIL" else ""
            print(f"  test {result.status} {result.name}{extra}")
            for row in result.rows:
                print(f"      {row}")

    results = build(ws, args.select, parse_vars(args.vars),
                    lambda r: print(f"seed {r.name}: {r.rows} rows"), show)  # fmt: skip
    bad = [r for r in results if r.status not in ("OK", "PASS")]
    print(f"Done: {len(results) - len(bad)} OK/PASS, {len(bad)} ERROR/FAIL/SKIPPED")
    return EXIT_FAILED if bad else 0


def cmd_lineage(args) -> int:
    from runner.lineage import column_lineage

    ws = _workspace(args)
    for line in column_lineage(ws.compile(bind=False), args.target):
        print(line)
    return 0


def cmd_docs(args) -> int:
    from runner.docs import write_docs

    ws = _workspace(args)
    out = write_docs(ws.compile(bind=False))
    print(f"wrote {out.relative_to(ws.project.root)}/index.html")
    return 0


def cmd_lint(args) -> int:
    from runner.lint import lint

    ws = _workspace(args)
    findings = lint(ws.project, ws.dialect, args.select)
    for finding in findings:
        print(finding.format())
    errors = sum(f.level == "error" for f in findings)
    print(f"{errors} errors, {len(findings) - errors} warnings")
    return EXIT_FAILED if errors else 0


def cmd_ls(args) -> int:
    ws = _workspace(args)
    compiled = ws.compile(bind=False)
    rows = [("name", "materialized", "tags", "parents")]
    for name in compiled.graph.select(args.select):
        m = compiled.models[name]
        rows.append((name, m.materialized, ",".join(m.tags) or "-", ",".join(m.refs) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    return 0


def cmd_dashboard(args) -> int:
    import json

    from api.dashboard import DashboardService
    from api.query import parse_query

    given = {"mode": args.mode, "as_of": args.as_of, "start": args.start, "end": args.end}
    query = parse_query({k: v for k, v in given.items() if v is not None}, days=args.days)
    service = DashboardService(_workspace(args))
    body = service.compute(query.mode, query.as_of, query.days)
    sys.stdout.buffer.write(json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n")
    return 0


def cmd_serve(args) -> int:
    from api.serve import serve

    return serve(args.project_dir, args.database, args.host, args.port, args.workers, args.threads)


def cmd_token(args) -> int:
    from api.auth import make_token, parse_duration

    lifetime = parse_duration(args.expires)
    print(make_token(admin=args.admin, lifetime=lifetime, user_id=args.user_id, shape=args.shape))
    return 0


def cmd_up(args) -> int:
    from api.serve import main_job

    return main_job(args, _print_result)


COMMANDS: dict[str, Any] = {
    "seed": cmd_seed,
    "compile": cmd_compile,
    "run": cmd_run,
    "ls": cmd_ls,
    "test": cmd_test,
    "build": cmd_build,
    "unit": cmd_unit,
    "lineage": cmd_lineage,
    "docs": cmd_docs,
    "lint": cmd_lint,
    "dashboard": cmd_dashboard,
    "serve": cmd_serve,
    "token": cmd_token,
    "up": cmd_up,
}
