"""The runner's own commands: one function each, registered with ``@command``."""

from __future__ import annotations

import argparse
import sys
import time

from runner.cli.registry import EXIT_FAILED, SELECT, VARS, command, option, parse_vars, workspace


@command(
    "seed",
    "load seeds/*.csv into tables (replacing them)",
    "Load seeds/*.csv into tables, replacing them; report rows per seed.",
    option("names", nargs="*", help="seed names (default: all)"),
    VARS,
)
def seed_command(args: argparse.Namespace) -> int:
    from runner.tasks.build import seed

    ws = workspace(args)
    results = seed(ws, args.names, print_seed, parse_vars(args.vars))
    print(f"Loaded {plural(len(results), 'seed')} into {ws.adapter.describe()}")
    return 0


def print_seed(result) -> None:
    """``seed NAME: N rows into TABLE (s)``, and the incremental models its change
    dropped: their state no longer matches the seed, and a silent drop looked the same
    as a kept one."""
    print(
        f"seed {result.name}: {plural(result.rows, 'row')} into {result.table} "
        f"({result.seconds:.2f}s)"
    )
    if result.dropped:
        print(
            f"    it changed since it was last loaded: dropped {', '.join(result.dropped)} "
            "(incremental, built on its old rows); the next run or build that reads them "
            "builds them whole, with what reads them"
        )


def plural(count: int, noun: str) -> str:
    """``1 row``, ``2 rows``: a count as a person writes it."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@command(
    "compile",
    "render models to target/compiled/",
    "Render the selected models and write target/compiled/<path>.sql.",
    SELECT,
    VARS,
)
def compile_command(args: argparse.Namespace) -> int:
    from runner.tasks.artifacts import write_artifacts, write_compiled

    ws = workspace(args)
    compiled = ws.compile(parse_vars(args.vars), bind=False)
    for path in write_compiled(compiled, args.select):
        print(f"compiled {path.relative_to(ws.project.root)}")
    write_artifacts(compiled, None, "compile")
    return 0


@command(
    "run",
    "build models in dependency order",
    "Build the selected models in dependency order, persistent (with --vars too, as in "
    "dbt). --temp builds them as temporary tables in one connection instead, invisible to "
    "any other run and gone when it ends. Incremental models add the events that arrived "
    "since their last run (--full-refresh: rebuild).",
    SELECT,
    VARS,
    option("--full-refresh", action="store_true", help="rebuild incremental models from scratch"),
    option("--temp", action="store_true", help="build temporary tables only (a what-if run)"),
)
def run_command(args: argparse.Namespace) -> int:
    from runner.tasks.build import run

    ws = workspace(args)
    start = time.perf_counter()
    results = run(
        ws,
        args.select,
        parse_vars(args.vars),
        print_result,
        temp=args.temp,
        full_refresh=args.full_refresh,
        on_note=print_note,
    )
    counts = {s: sum(r.status == s for r in results) for s in ("OK", "ERROR", "SKIPPED")}
    print(
        f"Done in {time.perf_counter() - start:.2f}s: {counts['OK']} OK, "
        f"{counts['ERROR']} ERROR, {counts['SKIPPED']} SKIPPED ({ws.dialect})"
    )
    warn_empty(results)
    return EXIT_FAILED if counts["ERROR"] or counts["SKIPPED"] else 0


def print_note(note: str) -> None:
    print(f"note: {note}")


def warn_empty(results) -> None:
    """An empty table is usually a filter that matched nothing (a timestamp param that
    defaults to now over old data): said on stderr, never silent."""
    for r in results:
        if (
            getattr(r, "materialized", None) in ("table", "temp")
            and r.status == "OK"
            and r.rows == 0
        ):
            print(
                f"warning: {r.name} ({r.materialized}) holds no rows; if that is unexpected, "
                "check the params it reads (project.yml params:, --vars)",
                file=sys.stderr,
            )


def print_result(index: int, total: int, result) -> None:
    """``[i/n] name materialization rows seconds STATUS``, then the error if any."""
    rows = "-" if result.rows is None else str(result.rows)
    print(
        f"[{index}/{total}] {result.name} {result.materialized} {rows} "
        f"{result.seconds:.2f}s {result.status}"
    )
    if result.error is not None:
        for line in result.error.format().splitlines():
            print(f"    {line}")


@command(
    "test",
    "run the data tests of the selected models",
    "Run the data tests (YAML beside the models, SQL in data-tests/) against the built "
    "relations; PASS/FAIL each with the failing-row count and up to 5 failing rows. "
    "Exits 1 when any test fails.",
    SELECT,
    VARS,
    option("--junit-xml", metavar="PATH", help="also write the results as JUnit XML"),
)
def test_command(args: argparse.Namespace) -> int:
    from runner.execute.data_tests import write_junit
    from runner.tasks.build import data_tests

    results = data_tests(workspace(args), args.select, parse_vars(args.vars))
    if args.junit_xml:
        write_junit(results, args.junit_xml)
    for i, r in enumerate(results, start=1):
        extra = f" ({plural(r.failures, 'failing row')})" if r.status in ("FAIL", "WARN") else ""
        print(f"[{i}/{len(results)}] {r.status} {r.name}{extra} {r.seconds:.2f}s")
        for row in r.rows:
            print(f"    {row}")
        if r.message:
            print(f"    {r.path}:{r.line}: {r.message}")
    counts = {s: sum(r.status == s for r in results) for s in ("PASS", "WARN", "FAIL", "ERROR")}
    warned = f", {counts['WARN']} WARN" if counts["WARN"] else ""
    print(f"Done: {counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['ERROR']} ERROR{warned}")
    return EXIT_FAILED if counts["FAIL"] or counts["ERROR"] else 0


@command(
    "unit",
    "run model unit tests (given rows in, expected rows out)",
    "Run the unit_tests: of the YAML beside the models. Each model runs on its given "
    "input rows (as TEMP tables), no parent is built. In-memory SQLite unless --database "
    "says otherwise; --also URL runs them on another database too (repeatable), so one "
    "command catches SQL that only one engine accepts. Every database is checked before "
    "any test runs (a URL that is not supported: exit 2; one that does not answer: "
    "exit 3). Prints a row diff on failure; exits 1 on any failure.",
    SELECT,
    option(
        "--database",
        help="database URL to run the unit tests on (default: in-memory SQLite, "
        "sqlite:///:memory:; $DATABASE_URL and profiles.yml are not read: nothing is "
        "built, so no project database is needed)",
    ),
    option("--also", action="append", default=[], metavar="URL", help="another database"),
)
def unit_command(args: argparse.Namespace) -> int:
    from runner.execute.unit_tests import run_unit_tests

    databases = [args.database or "sqlite:///:memory:", *args.also]
    spaces = [workspace(args, database=database) for database in databases]
    for ws in spaces:  # every URL checked, and every database answering, before any test
        with ws.adapter.connection() as conn:
            ws.adapter.query(conn, "SELECT 1")
    bad = 0
    for ws in spaces:
        results = run_unit_tests(ws, args.select)
        for i, r in enumerate(results, start=1):
            print(f"[{i}/{len(results)}] {r.status} {r.name} ({r.model}) {r.seconds:.2f}s")
            for line in r.diff:
                print(f"    {line}")
            if r.message:
                print("    " + r.message.replace("\n", "\n    "))
        failed = sum(r.status != "PASS" for r in results)
        print(f"Done ({ws.dialect}): {len(results) - failed} PASS, {failed} FAIL/ERROR")
        bad += failed
    return EXIT_FAILED if bad else 0


@command(
    "build",
    "seeds, models and their tests in DAG order",
    "Load the seeds, then build each selected model and run its data tests right after "
    "it; a model that fails or whose tests fail stops its descendants (reported as "
    "SKIPPED). Exits 1 when anything failed.",
    SELECT,
    VARS,
)
def build_command(args: argparse.Namespace) -> int:
    from runner.tasks.build import build

    ws = workspace(args)
    start = time.perf_counter()
    results = build(
        ws,
        args.select,
        parse_vars(args.vars),
        on_seed=print_seed,
        on_result=_print_test,
        on_note=print_note,
        on_model=print_result,
    )
    bad = [r for r in results if r.status not in ("OK", "PASS", "WARN")]
    print(
        f"Done in {time.perf_counter() - start:.2f}s: {len(results) - len(bad)} OK/PASS, "
        f"{len(bad)} ERROR/FAIL/SKIPPED ({ws.dialect})"
    )
    warn_empty(results)
    return EXIT_FAILED if bad else 0


def _print_test(result) -> None:
    """A data test's line under the model it tests (models print through print_result)."""
    if hasattr(result, "materialized"):
        return
    extra = (
        f" ({plural(result.failures, 'failing row')})" if result.status in ("FAIL", "WARN") else ""
    )
    print(f"    test {result.status} {result.name}{extra} {result.seconds:.2f}s")
    for row in result.rows:
        print(f"        {row}")
    if result.message:
        print(f"        {result.path}:{result.line}: {result.message}")


@command(
    "show",
    "print the first rows of a model or an inline query",
    "Run MODEL's compiled SQL (or --inline SQL, which may use ref(), source(), var() and "
    "macros) and print its first rows as a table, as dbt show does. Writes nothing: "
    "parents are computed as temporary tables, incremental models are read as they are "
    "persisted, with a warning when one is behind its sources.",
    option("model", nargs="?", metavar="MODEL", help="the model to show"),
    option("--inline", metavar="SQL", help="a query to show instead of a model"),
    option("--limit", type=int, default=5, help="rows to print (default: 5)"),
    VARS,
)
def show_command(args: argparse.Namespace) -> int:
    from runner.tasks.show import format_table, show

    shown = show(workspace(args), args.model, args.inline, args.limit, parse_vars(args.vars))
    for line in format_table(shown):
        print(line)
    for note in shown.notes:
        print(f"warning: {note}", file=sys.stderr)
    return 0


@command(
    "lineage",
    "upstream columns of MODEL.COLUMN down to the sources",
    "Print the columns MODEL.COLUMN is computed from, through every upstream model (and "
    "its CTEs) down to the source columns, with sqlglot's lineage: a tree of model and "
    "source columns, each column's inputs printed once.",
    option("target", metavar="MODEL.COLUMN"),
    option(
        "--verbose",
        action="store_true",
        help="print sqlglot's full tree: every CTE, alias and UNION branch inside the models",
    ),
)
def lineage_command(args: argparse.Namespace) -> int:
    from runner.checks.lineage import column_lineage

    compiled = workspace(args).compile(bind=False)
    for line in column_lineage(compiled, args.target, verbose=args.verbose):
        print(line)
    return 0


@command(
    "docs",
    "write a static documentation site to target/docs/",
    "Write target/docs/: the DAG as a picture, and a page per model with its "
    "description, columns, tests, rendered SQL and upstream/downstream links. The SQL is "
    "compiled as the API runs it: bound params (as_of) stay placeholders, so the pages "
    "do not change with the hour they were written.",
    option(
        "action",
        nargs="?",
        choices=("generate",),
        help="dbt's spelling: `runner docs generate` is `runner docs`",
    ),
)
def docs_command(args: argparse.Namespace) -> int:
    from runner.docs.site import write_docs

    ws = workspace(args)
    out = write_docs(ws.compile(bind=True))
    print(f"wrote {out.relative_to(ws.project.root)}/index.html")
    return 0


@command(
    "lint",
    "static checks of the models (no database needed)",
    "Check the models with sqlglot: unknown refs, columns an upstream model or source does "
    "not produce, ambiguous columns (errors); SELECT * in marts, models no test covers "
    "(warnings). One line per finding: path:line: level rule: message. Exits 1 on any "
    "error.",
    SELECT,
)
def lint_command(args: argparse.Namespace) -> int:
    from runner.checks.lint import lint

    ws = workspace(args)
    findings = lint(ws.project, ws.dialect, args.select, query=ws.query)
    for finding in findings:
        print(finding.format())
    errors = sum(f.level == "error" for f in findings)
    print(f"{plural(errors, 'error')}, {plural(len(findings) - errors, 'warning')}")
    return EXIT_FAILED if errors else 0


@command(
    "ls",
    "list models in execution order",
    "List models in execution order: name, materialization, tags, parents.",
    SELECT,
)
def ls_command(args: argparse.Namespace) -> int:
    compiled = workspace(args).compile(bind=False)
    rows = [("name", "materialized", "tags", "parents")]
    for name in compiled.graph.select(args.select):
        m = compiled.models[name]
        rows.append((name, m.materialized, ",".join(m.tags) or "-", ",".join(m.refs) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    return 0
