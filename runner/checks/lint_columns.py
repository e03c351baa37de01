"""``unknown-column`` and ``ambiguous-column``: every column a model reads that its
inputs do not produce, each at its own template line.

sqlglot's own validation stops at the first column it cannot resolve and names only
that column; a person fixing a model wants them all. So the model's own SQL (its
ephemeral parents are inputs like any other model, checked in their own files) is
qualified without validation, and each scope's columns are checked here: an unqualified
column no input (or more than one) produces, a qualifier that names no relation of the
FROM (``nope.views``), a qualified column its relation does not produce, with that
relation's name in the message (a table, a model, a CTE, a subquery).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope

from runner.errors import RunnerError


@dataclass(frozen=True)
class ColumnProblem:
    rule: str  # unknown-column | ambiguous-column
    message: str
    line: int | None  # of the SQL checked, None when sqlglot did not say
    name: str  # the column, to find it in the SQL when the line is unknown


def check_columns(
    name: str, sql: str, schema: dict, dialect: str, labels: dict[str, str]
) -> list[ColumnProblem]:
    """The column problems of model ``name`` (its own ``sql``), after recording its
    output columns in ``schema`` (its children are checked against them). ``labels``:
    how a relation is named in messages (a source as ``source.table``)."""
    expression = sqlglot.parse_one(sql, read=dialect)
    if _reads_unknown_columns(expression, schema):
        if not any(isinstance(s, exp.Star) for s in expression.selects):
            schema[name] = {c: "text" for c in expression.named_selects}
        return []
    try:
        qualified = qualify(
            expression,
            schema=schema,
            dialect=dialect,
            validate_qualify_columns=False,
            allow_partial_qualification=True,
            identify=False,
        )
    except (OptimizeError, RunnerError, SqlglotError) as exc:
        schema[name] = {c: "text" for c in expression.named_selects if c != "*"}
        return [ColumnProblem("unknown-column", str(exc).splitlines()[0], 1, "")]
    schema[name] = {c: "text" for c in qualified.named_selects}
    problems: dict[ColumnProblem, None] = {}  # one per place, in order
    for scope in traverse_scope(qualified):
        if isinstance(scope.expression, exp.Select):
            for column in scope.columns:
                problem = _problem(column, scope, schema, labels)
                if problem is not None:
                    problems[problem] = None
    return list(problems)


def _reads_unknown_columns(expression: exp.Expression, schema: dict) -> bool:
    """Whether the query reads a relation whose columns nobody declared (its columns
    cannot be checked, so they are not)."""
    ctes = {c.alias_or_name for c in expression.find_all(exp.CTE)}
    tables = {t.name for t in expression.find_all(exp.Table)} - ctes
    return any(t not in schema for t in tables)


def _problem(
    column: exp.Column, scope: Scope, schema: dict, labels: dict[str, str]
) -> ColumnProblem | None:
    name, table = column.name, column.table
    if name == "*" or isinstance(column.this, exp.Star):
        return None
    line = column.this.meta.get("line")
    read = list(scope.selected_sources)  # in its FROM and JOINs (CTEs are not, unless read)
    if not table:
        producers = [a for a in read if name in (_produced(scope, a, schema) or ())]
        if len(producers) == 1:
            return None
        if producers:
            named = ", ".join(_label(scope, a, labels) for a in producers)
            return ColumnProblem(
                "ambiguous-column",
                f"column '{name}' is produced by {named}: qualify it",
                line,
                name,
            )
        inputs = ", ".join(_label(scope, a, labels) for a in read) or "no input"
        return ColumnProblem(
            "unknown-column", f"column '{name}' is not produced by {inputs}", line, name
        )
    if table not in read:
        if _outer_source(scope, table):
            return None  # a correlated subquery reading its outer query
        inputs = ", ".join(_label(scope, a, labels) for a in read) or "nothing"
        return ColumnProblem(
            "unknown-column",
            f"{table}.{name}: '{table}' names no relation this query reads (it reads {inputs})",
            line,
            name,
        )
    produced = _produced(scope, table, schema)
    if produced is None or name in produced:
        return None
    message = f"column '{name}' is not produced by {_label(scope, table, labels)}"
    return ColumnProblem("unknown-column", message, line, name)


def _produced(scope: Scope, alias: str, schema: dict) -> list[str] | None:
    """The columns the relation read as ``alias`` produces; None when unknown."""
    source = scope.sources.get(alias)
    if isinstance(source, exp.Table):
        columns = schema.get(source.name)
        return list(columns) if columns is not None else None
    if isinstance(source, Scope):
        selects = source.expression.named_selects
        return None if "*" in selects else selects
    return None


def _label(scope: Scope, alias: str, labels: dict[str, str]) -> str:
    """A relation as a person knows it: the model or source, the CTE, the subquery."""
    source = scope.sources.get(alias)
    if isinstance(source, exp.Table):
        named = labels.get(source.name, source.name)
        return named if alias in (source.name, named) else f"{named} (as {alias})"
    if isinstance(source, Scope) and source.is_cte:
        return f"the CTE {alias}"
    return f"the subquery {alias}"


def _outer_source(scope: Scope, table: str) -> bool:
    outer = scope.parent
    while outer is not None:
        if table in outer.selected_sources:
            return True
        outer = outer.parent
    return False
