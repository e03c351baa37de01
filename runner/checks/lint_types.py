"""``type-mismatch``: arithmetic on text, which SQLite accepts and PostgreSQL refuses.

SQLite converts text to a number wherever arithmetic asks for one, so
``MAX(traffic_source / 2)`` runs there and fails on PostgreSQL (``operator does not
exist: text / integer``). Running both engines catches it; this rule catches it before
either runs: the models are compiled for every strict dialect, their expressions typed
with sqlglot's ``annotate_types`` from the column types the sources declare in
project.yml (``columns: {name: type}``) and flowing through the DAG, and any ``+ - * /``
with a text operand is an error at its template line.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from runner.compile.compiler import compile_project
from runner.errors import RunnerError
from runner.project.loader import Project
from runner.render.introspection import Query
from runner.render.renderer import Renderer

#: dialects that refuse arithmetic on text (SQLite converts instead)
STRICT = ("postgres",)
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div)
TEXT = exp.DataType.TEXT_TYPES


def type_findings(
    project: Project, selected: set[str], query: Query | None = None, queried: str = ""
) -> list[tuple[str, int, str]]:
    """(path, line, message) for each arithmetic on text, per strict dialect. ``query``
    runs a package's run_query() while rendering, for the ``queried`` dialect."""
    findings = []
    for dialect in STRICT:
        for model, node, side in _text_arithmetic(
            project, dialect, query if dialect == queried else None
        ):
            column = side.name
            if model.name in selected:
                message = (
                    f"{node.sql(dialect=dialect)}: arithmetic on text ({column}) fails on "
                    f"{dialect}; cast it, e.g. CAST({column} AS NUMERIC)"
                )
                findings.append((model.path, _line(model, side, project.dialect), message))
    return findings


def _text_arithmetic(project: Project, dialect: str, query: Query | None):
    """(compiled model, node, text column) for each arithmetic node with a text operand."""
    renderer = Renderer(project, dialect, query=query)
    compiled = compile_project(project, dialect, {}, bind=False, renderer=renderer)
    schema = {
        s.identifier: {c: dict(s.column_types).get(c, "UNKNOWN") for c in s.columns}
        for s in project.sources.values()
    }
    for name in compiled.graph.order:
        try:
            # its own SQL: an ephemeral parent is typed, and reported, in its own file
            tree = sqlglot.parse_one(compiled.models[name].checked_sql, read=dialect)
            qualified = qualify(tree, schema=schema, dialect=dialect)
            typed = annotate_types(qualified, schema=schema, dialect=dialect)
        except (OptimizeError, RunnerError, sqlglot.errors.SqlglotError):
            continue  # unknown columns are the other rules' findings
        schema[name] = {s.alias_or_name: _type(s) for s in typed.selects}
        for node in typed.find_all(*ARITHMETIC):
            for side in (node.this, node.expression):
                if isinstance(side, exp.Column) and side.type and side.type.is_type(*TEXT):
                    yield compiled.models[name], node, side


def _line(model, column: exp.Column, written: str | None) -> int:
    """The template line of the text column: sqlglot's line in the model's own SQL when
    that is its rendered SQL line for line, else where the rendered SQL names it."""
    lines = model.line_map()
    line = column.this.meta.get("line")
    if line and model.checked_sql == model.rendered:
        return lines.template_line(line)
    return lines.line_of_token(column.name, written) or 1


def _type(select: exp.Expression) -> str:
    return select.type.sql() if select.type else "UNKNOWN"
