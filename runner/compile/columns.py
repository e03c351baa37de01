"""The columns each model outputs, inferred through the DAG without a database.

Starting from what models read but do not build (sources that declare their columns in
the project file or YAML, seeds by their CSV header), sqlglot qualifies each model in
DAG order against what its inputs produce. A model that reads a relation nobody
declared has only the columns it names itself (none when it selects ``*``). ``runner
lint`` checks models against these, and a unit test fills the columns its given rows
leave out with NULL, as dbt does.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError, SqlglotError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from runner.compile.compiler import CompiledProject
from runner.errors import RunnerError
from runner.project.loader import Project


def input_columns(project: Project) -> dict[str, dict[str, str]]:
    """Columns of what models read but do not build: sources that declare theirs (one
    that declares none is not checked) and seeds (their CSV header)."""
    schema = {s.identifier: {c: "text" for c in s.columns} for s in project.sources.values()}
    schema = {name: columns for name, columns in schema.items() if columns}
    for seed in project.seeds.values():
        if seed.table not in schema:
            with seed.path.open(newline="", encoding="utf-8") as fh:
                header = next(csv.reader(fh), [])
            if header:
                schema[seed.table] = {c: "text" for c in header}
    return schema


def output_columns(
    compiled: CompiledProject, names: Iterable[str], typed: bool = True
) -> dict[str, dict[str, str]]:
    """The output columns of ``names`` and of every ancestor they need, in DAG order, each
    with its type in the compiled dialect where sqlglot can tell it ("" otherwise, and
    always without ``typed``, which saves most of the time), from the types the sources
    declare."""
    return ColumnInference(compiled, typed).of(names)


class ColumnInference:
    """Output columns of a compiled project's models, each model inferred once (a caller
    asking for several keeps one of these)."""

    def __init__(self, compiled: CompiledProject, typed: bool = True) -> None:
        self.compiled, self.typed = compiled, typed
        self.schema: dict[str, dict[str, str]] = {
            table: dict.fromkeys(columns, "UNKNOWN")
            for table, columns in input_columns(compiled.project).items()
        }
        for source in compiled.project.sources.values():
            if source.identifier in self.schema:
                self.schema[source.identifier].update(dict(source.column_types))
        self.found: dict[str, dict[str, str]] = {}

    def of(self, names: Iterable[str]) -> dict[str, dict[str, str]]:
        """``names`` and the built ancestors their SQL reads (an ephemeral ancestor is
        inlined in it, so only a model asked for by name is inferred when ephemeral)."""
        graph, models = self.compiled.graph, self.compiled.models
        wanted = set(names)
        wanted |= {
            a
            for n in set(wanted)
            for a in graph.ancestors(n)
            if models[a].materialized != "ephemeral"
        }
        for name in graph.order:
            if name in wanted and name not in self.found:
                key = tuple((t, tuple(c.items())) for t, c in sorted(self.schema.items()))
                sql, dialect = models[name].sql, self.compiled.dialect
                self.found[name] = dict(_columns(sql, key, dialect, self.typed))
                self.schema[name] = {c: t or "UNKNOWN" for c, t in self.found[name].items()}
        return {n: self.found[n] for n in graph.order if n in wanted}


@functools.lru_cache(maxsize=1024)
def _columns(sql: str, schema_key: tuple, dialect: str, typed: bool) -> tuple[tuple[str, str], ...]:
    """(column, type) of a query's output: a pure function of the SQL and the columns of
    what it reads, kept for the process (the same models are inferred again for each
    compiled variant of a project: per unit test's vars, per API mode)."""
    return tuple(_infer(sql, {t: dict(c) for t, c in schema_key}, dialect, typed).items())


def _infer(sql: str, schema: dict, dialect: str, typed: bool) -> dict[str, str]:
    try:
        expression = sqlglot.parse_one(sql, read=dialect)
    except ParseError:
        return {}
    ctes = {c.alias_or_name for c in expression.find_all(exp.CTE)}
    tables = {t.name for t in expression.find_all(exp.Table)} - ctes
    if all(t in schema for t in tables):
        try:
            expression = qualify(
                expression, schema=schema, dialect=dialect, validate_qualify_columns=False
            )
            if typed:
                rules = _metadata(dialect)
                expression = annotate_types(
                    expression, schema=schema, dialect=dialect, expression_metadata=rules
                )
        except (OptimizeError, RunnerError, SqlglotError):
            pass
    if any(s.is_star for s in expression.selects):
        return {}
    return {s.alias_or_name: _type(s, dialect) for s in expression.selects}


def _type(select: exp.Expression, dialect: str) -> str:
    return select.type.sql(dialect=dialect) if _is_known(select.type) else ""


def _metadata(dialect: str) -> dict:
    """The dialect's type rules, plus date_trunc: the type of what it truncates (sqlglot
    leaves it untyped for PostgreSQL and SQLite; an hour of a timestamp is a timestamp)."""
    rules = dict(sqlglot.Dialect.get_or_raise(dialect).EXPRESSION_METADATA)
    for kind in (exp.TimestampTrunc, exp.DateTrunc):
        rules.setdefault(kind, {"annotator": lambda self, e: self._annotate_by_args(e, "this")})
    rules[exp.Case] = {"annotator": _case}
    return rules


def _case(annotator, case: exp.Case) -> exp.Case:
    """CASE's type from its branches, as sqlglot does; where a branch is untyped (a column
    of an untyped expression), the first typed branch's."""
    branches = [i.args["true"] for i in case.args["ifs"]] + [case.args.get("default")]
    annotator._annotate_by_args(case, *branches)
    if case.type is None or case.type.is_type(exp.DataType.Type.UNKNOWN):
        typed = [b.type for b in branches if b is not None and _is_known(b.type)]
        if typed:
            annotator._set_type(case, typed[0])
    return case


def _is_known(kind: exp.DataType | None) -> bool:
    return kind is not None and not kind.is_type(exp.DataType.Type.UNKNOWN, exp.DataType.Type.NULL)
