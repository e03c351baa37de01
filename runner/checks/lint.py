"""``runner lint``: static checks of the models with sqlglot, before any database.

Each model's output columns are inferred through the DAG, starting from the columns
the sources declare in project.yml, so a column a model reads from an upstream model or
source that does not produce it is found without running anything. Rules (level):

* ``unknown-ref`` (error): ref() to a model that does not exist;
* ``unknown-column`` (error): a column no input of the query produces;
* ``ambiguous-column`` (error): an unqualified column more than one input produces;
* ``select-star-in-mart`` (warning): ``SELECT *`` in a model under a ``marts`` folder;
* ``untested-model`` (warning): a model with neither data tests nor unit tests;
* ``type-mismatch`` (error): arithmetic on a text column, which PostgreSQL refuses
  (runner/checks/lint_types.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify

from runner.checks.lint_types import type_findings
from runner.compile.columns import input_columns
from runner.compile.compiler import compile_project
from runner.errors import GraphError, RunnerError
from runner.project.loader import Project
from runner.render.introspection import Query
from runner.render.lines import LineMap
from runner.render.renderer import Renderer

#: sqlglot's two spellings of a column no input produces
UNRESOLVED = re.compile(r"Column '([^']+)' could not be resolved|Unknown column: ([\w.\"]+)")
STAR = re.compile(r"\bselect\s+(?:distinct\s+)?\*", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    level: str  # error | warning
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.level} {self.rule}: {self.message}"


def lint(
    project: Project, dialect: str, selectors: list[str] | None = None, query: Query | None = None
) -> list[Finding]:
    """``query``: for run_query()/statement() while rendering (a package's macros)."""
    try:
        renderer = Renderer(project, dialect, query=query)
        compiled = compile_project(project, dialect, {}, bind=False, renderer=renderer)
    except GraphError as exc:
        if exc.missing is None:
            raise  # a cycle: not a finding, the project cannot be read
        return [Finding(exc.path or "", exc.line or 1, "unknown-ref", "error", exc.message)]
    selected = set(compiled.graph.select(selectors))
    schema = input_columns(project)
    findings: list[Finding] = []
    for name in compiled.graph.order:
        model = compiled.models[name]
        expression = sqlglot.parse_one(model.sql, read=dialect)
        problem = _check_columns(name, expression, schema, dialect)
        if name not in selected:
            continue
        if problem:
            findings.append(_column_finding(model, problem, schema))
        if (
            "/marts/" in f"/{model.path}"
            and isinstance(expression, exp.Select)
            and expression.is_star
        ):
            findings.append(
                Finding(
                    model.path,
                    _star_line(model),
                    "select-star-in-mart",
                    "warning",
                    "marts list their columns; SELECT * hides what the API returns",
                )
            )
        props = project.properties.get(name)
        tested = (props and props.tests) or any(
            u.model == name for u in project.unit_tests.values()
        )
        if not tested:
            findings.append(
                Finding(
                    model.path,
                    1,
                    "untested-model",
                    "warning",
                    "no data test or unit test covers this model",
                )
            )
    typed = type_findings(project, selected, query, dialect)
    return findings + [Finding(path, line, "type-mismatch", "error", m) for path, line, m in typed]


def _star_line(model) -> int:
    """The template line of the outer query's ``SELECT *`` (the last one in the file)."""
    lines = [i for i, text in enumerate(model.template.splitlines(), 1) if STAR.search(text)]
    return lines[-1] if lines else 1


def _check_columns(name: str, expression: exp.Expression, schema: dict, dialect: str) -> str | None:
    """Qualify the model's columns against what its inputs produce and record its own
    output columns in ``schema``; the problem found, if any."""
    try:
        if _reads_unknown_columns(expression, schema):
            if not any(isinstance(s, exp.Star) for s in expression.selects):
                schema[name] = {c: "text" for c in expression.named_selects}
            return None
        qualified = qualify(
            expression.copy(), schema=schema, dialect=dialect, validate_qualify_columns=True
        )
        schema[name] = {c: "text" for c in qualified.named_selects}
    except (OptimizeError, RunnerError) as exc:
        return str(exc)
    return None


def _reads_unknown_columns(expression: exp.Expression, schema: dict) -> bool:
    """Whether the query reads a relation whose columns nobody declared (its columns
    cannot be checked, so they are not)."""
    ctes = {c.alias_or_name for c in expression.find_all(exp.CTE)}
    tables = {t.name for t in expression.find_all(exp.Table)} - ctes
    return any(t not in schema for t in tables)


def _column_finding(model, problem: str, schema: dict) -> Finding:
    match = UNRESOLVED.search(problem)
    lines = LineMap(model.template, model.rendered)
    if not match:
        return Finding(model.path, 1, "unknown-column", "error", problem.splitlines()[0])
    column = (match.group(1) or match.group(2)).replace('"', "").split(".")[-1]
    line = lines.line_of_token(column) or 1
    producers = sorted(
        t for t in model.refs + tuple(s[1] for s in model.sources) if column in schema.get(t, {})
    )
    if len(producers) > 1:
        return Finding(
            model.path,
            line,
            "ambiguous-column",
            "error",
            f"column '{column}' is produced by {', '.join(producers)}: qualify it",
        )
    inputs = ", ".join(model.refs + tuple(".".join(s) for s in model.sources)) or "its inputs"
    return Finding(
        model.path,
        line,
        "unknown-column",
        "error",
        f"column '{column}' is not produced by {inputs}",
    )
