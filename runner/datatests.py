"""Data tests: each is a query that selects failing rows; none selected means PASS.

Generic tests come from the YAML beside the models (runner/properties.py), singular
tests are SQL templates in data-tests/. They run against the relations a run built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from runner.adapters.base import Adapter, quote
from runner.compile import CompiledProject
from runner.errors import DatabaseError, RunnerError
from runner.properties import DataTest
from runner.render import Renderer

SHOW_ROWS = 5


@dataclass(frozen=True)
class DataTestCase:
    name: str
    models: tuple[str, ...]
    sql: str
    path: str
    line: int


@dataclass(frozen=True)
class DataTestResult:
    name: str
    status: str  # PASS | FAIL | ERROR
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


def generic_sql(test: DataTest) -> str:
    """The failing rows of one generic test."""
    model, col = quote(test.model), quote(test.column) if test.column else None
    if test.kind == "not_null":
        return f"SELECT * FROM {model} WHERE {col} IS NULL"
    if test.kind == "unique":
        return (
            f"SELECT {col}, COUNT(*) AS occurrences FROM {model} WHERE {col} IS NOT NULL "
            f"GROUP BY {col} HAVING COUNT(*) > 1"
        )
    if test.kind == "accepted_values":
        values = test.args.get("values", []) if isinstance(test.args, dict) else test.args
        listed = ", ".join(_literal(v) for v in values)
        return f"SELECT * FROM {model} WHERE {col} IS NOT NULL AND {col} NOT IN ({listed})"
    if test.kind == "relationships":
        parent, field_ = quote(str(test.args["to"])), quote(str(test.args["field"]))
        return (
            f"SELECT child.* FROM {model} AS child WHERE child.{col} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} AS parent WHERE parent.{field_} = child.{col})"
        )
    return f"SELECT * FROM {model} WHERE NOT ({test.args})"


def _models_of(test: DataTest) -> tuple[str, ...]:
    """The models a test reads (a relationships test reads its parent too)."""
    if test.kind == "relationships" and isinstance(test.args, dict) and "to" in test.args:
        return (test.model, str(test.args["to"]))
    return (test.model,)


def collect(
    compiled: CompiledProject, selected: list[str], vars: dict, renderer: Renderer
) -> list[DataTestCase]:
    """Tests of the selected models, generic then singular, sorted by name."""
    chosen = set(selected)
    cases = [
        DataTestCase(t.name, _models_of(t), generic_sql(t), t.path, t.line)
        for props in compiled.project.properties.values()
        for t in props.tests
        if t.model in chosen
    ]
    from runner.compile import split_vars

    plain, _ = split_vars(compiled.project, vars)
    for name, rendered in renderer.render_tests(plain, compiled.params, bind=False).items():
        if not rendered.refs or set(rendered.refs) & chosen:
            cases.append(DataTestCase(name, rendered.refs, rendered.sql, rendered.path, 1))
    return sorted(cases, key=lambda c: c.name)


def run_tests(adapter: Adapter, conn: Any, cases: list[DataTestCase]) -> list[DataTestResult]:
    results = []
    for case in cases:
        start = time.perf_counter()
        try:
            count = adapter.query(conn, f"SELECT COUNT(*) FROM (\n{case.sql}\n) AS failing")[1][0][
                0
            ]
            rows: list[dict] = []
            if count:
                columns, data = adapter.query(
                    conn, f"SELECT * FROM (\n{case.sql}\n) AS failing LIMIT {SHOW_ROWS}"
                )
                rows = [dict(zip(columns, r)) for r in data]
            status = "FAIL" if count else "PASS"
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
        except DatabaseError as exc:
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
