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

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from runner.checks.lint_columns import ColumnProblem, check_columns
from runner.checks.lint_types import type_findings
from runner.compile.columns import input_columns
from runner.compile.compiler import compile_project
from runner.errors import GraphError
from runner.project.loader import Project
from runner.render.introspection import Query
from runner.render.renderer import Renderer


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
    labels = {s.identifier: f"{s.source}.{s.name}" for s in project.sources.values()}
    findings: list[Finding] = []
    for name in compiled.graph.order:  # parents first: each records its output columns
        model = compiled.models[name]
        problems = check_columns(name, model.checked_sql, schema, dialect, labels)
        if name in selected:
            written = project.dialect or dialect  # what the rendered SQL is written in
            findings += [_column_finding(model, p, written) for p in problems]
            findings += _model_findings(project, model, dialect, written)
    typed = type_findings(project, selected, query, dialect)
    return findings + [Finding(path, line, "type-mismatch", "error", m) for path, line, m in typed]


def _model_findings(project: Project, model, dialect: str, written: str) -> list[Finding]:
    """The warnings about a model as a whole: SELECT * in a mart, no test."""
    findings = []
    star = _star_line(model, dialect, written)
    if "/marts/" in f"/{model.path}" and star is not None:
        findings.append(
            Finding(
                model.path,
                star,
                "select-star-in-mart",
                "warning",
                "marts list their columns; SELECT * hides what the API returns",
            )
        )
    props = project.properties.get(model.name)
    tested = (props and props.tests) or any(
        u.model == model.name for u in project.unit_tests.values()
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
    return findings


def _star_line(model, dialect: str, written: str) -> int | None:
    """The template line of the outer query's ``SELECT *`` or ``SELECT p.*``; None when
    the outer query names its columns. Which query is decided on the parsed SQL; its
    line is the last SELECT followed by a star among the rendered SQL's tokens (the
    outer query comes last), so never a comment."""
    outer = sqlglot.parse_one(model.checked_sql, read=dialect)
    if not (isinstance(outer, exp.Select) and outer.is_star):
        return None
    try:
        tokens = sqlglot.Dialect.get_or_raise(written).tokenize(model.rendered)
    except SqlglotError:
        return 1
    stars = [
        star.line
        for i, t in enumerate(tokens)
        if t.token_type == TokenType.SELECT and (star := _leading_star(tokens[i + 1 : i + 5]))
    ]
    return model.line_map().template_line(stars[-1]) if stars else 1


def _leading_star(tokens: list):
    """The star token of ``*`` or ``p.*`` first in a select list (after DISTINCT)."""
    if tokens[:1] and tokens[0].token_type == TokenType.DISTINCT:
        tokens = tokens[1:]
    kinds = [t.token_type for t in tokens]
    if kinds[:1] == [TokenType.STAR]:
        return tokens[0]
    if kinds[1:3] == [TokenType.DOT, TokenType.STAR]:
        return tokens[2]
    return None


def _column_finding(model, problem: ColumnProblem, dialect: str) -> Finding:
    """At the template line of the column: sqlglot's line in the model's own SQL when
    that is its rendered SQL line for line, else where the rendered SQL names it."""
    lines = model.line_map()
    if problem.line and model.checked_sql == model.rendered:
        line = lines.template_line(problem.line)
    else:
        line = (lines.line_of_token(problem.name, dialect) if problem.name else None) or 1
    return Finding(model.path, line, problem.rule, "error", problem.message)
