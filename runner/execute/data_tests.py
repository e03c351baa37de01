"""Data tests: each is a query that selects failing rows; none selected means PASS.

Generic tests come from the YAML beside the models (runner/project/properties.py), singular
tests are SQL templates in data-tests/. They run against the relations a run built.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from runner.adapters.base import Adapter, quote
from runner.compile.compiler import CompiledProject
from runner.errors import ConfigError, DatabaseError, RunnerError, TemplateError
from runner.project.generic_tests import RELATION
from runner.project.properties import DataTest
from runner.render.renderer import Renderer

SHOW_ROWS = 5


@dataclass(frozen=True)
class DataTestCase:
    name: str
    models: tuple[str, ...]
    sql: str
    path: str
    line: int
    severity: str = "error"  # warn: failing rows make a WARN, which fails nothing
    #: dbt's fail_calc: the failure count over the selected rows (a package test's
    #: config(fail_calc=...), e.g. dbt_utils.equal_rowcount's sum of differences)
    fail_calc: str = "COUNT(*)"
    #: a package's test is rendered when it runs (after the models it reads are built)
    render: Callable[[], tuple[str, str]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DataTestResult:
    name: str
    status: str  # PASS | WARN | FAIL | ERROR
    failures: int
    seconds: float
    path: str
    line: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""


def _literal(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise RunnerError(f"accepted_values must be numbers or text, not {value!r}")
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def generic_sql(test: DataTest, sources: dict | None = None) -> str:
    """The failing rows of one generic test, as set queries an index can serve (a join
    and GROUP BYs, never a subquery per row). The column is SQL text, as in dbt."""
    model, col = quote(test.model), test.column
    if test.where:
        model = f"(SELECT * FROM {model} WHERE {test.where})"
    if test.kind == "not_null":
        return f"SELECT * FROM {model} AS tested WHERE {col} IS NULL"
    if test.kind == "unique":
        return (
            f"SELECT {col} AS unique_field, COUNT(*) AS n_records FROM {model} AS tested "
            f"WHERE {col} IS NOT NULL GROUP BY {col} HAVING COUNT(*) > 1"
        )
    if test.kind == "accepted_values":
        listed = ", ".join(_literal(v) for v in test.args["values"])
        return (
            f"SELECT {col} AS value_field, COUNT(*) AS n_records FROM {model} AS tested "
            f"GROUP BY {col} HAVING {col} NOT IN ({listed})"
        )
    if test.kind == "relationships":
        field_ = test.args["field"]
        return (
            f"SELECT child.{col} AS from_field FROM {model} AS child "
            f"LEFT JOIN {_parent(test, sources or {})} AS parent "
            f"ON child.{col} = parent.{field_} "
            f"WHERE child.{col} IS NOT NULL AND parent.{field_} IS NULL"
        )
    return f"SELECT * FROM {model} AS tested WHERE NOT ({test.args})"


def _parent(test: DataTest, sources: dict) -> str:
    source = test.args.get("to_source")
    if source:
        if tuple(source) not in sources:
            raise ConfigError(
                f"relationships: source('{source[0]}', '{source[1]}') is not declared",
                path=test.path,
                line=test.line,
            )
        return quote(sources[tuple(source)].identifier)
    return quote(test.args["to"])


def _models_of(test: DataTest) -> tuple[str, ...]:
    """The models a test reads (a relationships test reads its parent too)."""
    if test.kind == "relationships" and test.args.get("to"):
        return (test.model, test.args["to"])
    if "." in test.kind:  # a package test reads what its ref('x') arguments name too
        found = (RELATION.match(v) for v in test.args.values() if isinstance(v, str))
        return (test.model, *(m.group(2) for m in found if m and m.group(1) == "ref"))
    return (test.model,)


def collect(
    compiled: CompiledProject, selected: list[str], vars: dict, renderer: Renderer
) -> list[DataTestCase]:
    """Tests of the selected models, generic then singular, sorted by name."""
    from runner.compile.compiler import split_vars

    plain, _ = split_vars(compiled.project, vars)
    chosen = set(selected)
    tests = [
        t
        for props in compiled.project.properties.values()
        for t in props.tests
        if t.model in chosen
    ]
    sources = compiled.project.sources
    package_test = renderer.package_test(plain, compiled.params)
    cases = [
        DataTestCase(
            t.name,
            _models_of(t),
            "" if "." in t.kind else generic_sql(t, sources),
            t.path,
            t.line,
            t.severity,
            render=partial(package_test, t) if "." in t.kind else None,
        )
        for t in tests
    ]
    for name, rendered in renderer.render_tests(plain, compiled.params, bind=False).items():
        if not rendered.refs or set(rendered.refs) & chosen:
            cases.append(DataTestCase(name, rendered.refs, rendered.sql, rendered.path, 1))
    return sorted(cases, key=lambda c: c.name)


def run_tests(adapter: Adapter, conn: Any, cases: list[DataTestCase]) -> list[DataTestResult]:
    results = []
    for case in cases:
        start = time.perf_counter()
        try:
            test_sql, fail_calc = case.render() if case.render else (case.sql, case.fail_calc)
            sql = f"SELECT {fail_calc} FROM (\n{test_sql}\n) AS failing"
            count = int(adapter.query(conn, sql)[1][0][0] or 0)
            rows: list[dict] = []
            if count:
                columns, data = adapter.query(
                    conn, f"SELECT * FROM (\n{test_sql}\n) AS failing LIMIT {SHOW_ROWS}"
                )
                rows = [dict(zip(columns, r)) for r in data]
            status = "PASS" if not count else "WARN" if case.severity == "warn" else "FAIL"
            results.append(
                DataTestResult(
                    case.name,
                    status,
                    count,
                    time.perf_counter() - start,
                    case.path,
                    case.line,
                    rows,
                )
            )
        except (DatabaseError, TemplateError) as exc:  # a package test may not render
            results.append(
                DataTestResult(
                    case.name,
                    "ERROR",
                    0,
                    time.perf_counter() - start,
                    case.path,
                    case.line,
                    message=exc.message,
                )
            )
    return results


def write_junit(results: list[DataTestResult], path: str) -> None:
    """JUnit XML for CI systems: one testcase per data test, failures with their rows."""
    from xml.etree import ElementTree as ET

    failures = sum(r.status == "FAIL" for r in results)
    errors = sum(r.status == "ERROR" for r in results)
    suite = ET.Element(
        "testsuite",
        name="data-tests",
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname=r.path, name=r.name, time=f"{r.seconds:.3f}"
        )
        if r.status == "FAIL":
            node = ET.SubElement(case, "failure", message=f"{r.failures} failing rows")
            node.text = "\n".join(str(row) for row in r.rows)
        elif r.status == "ERROR":
            ET.SubElement(case, "error", message=r.message)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
