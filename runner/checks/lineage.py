"""Column lineage through the DAG down to source columns, with sqlglot's lineage.

The trace goes model by model: each model's own SQL (its ephemeral parents are not
inlined) is qualified once against its parents' output columns (runner/compile/
columns.py), and sqlglot's lineage of one of its columns ends at the relations it reads.
A relation that is a model is traced the same way, once per (model, column): the edges
are memoised, so a column reached by many paths costs one trace, and no model's SQL is
copied with every ancestor inlined (a trace took seconds that way; it takes a fraction
of one now).

sqlglot's tree names every step inside a model: CTE aliases, numbered UNION branches.
An analyst asks "which model columns and which source columns does this come from", so
the default view is the tree of ``model.column`` nodes, each node's inputs printed once;
the detailed tree of every CTE and branch stays available (``verbose``) for debugging a
model's own SQL.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.lineage import Node, lineage
from sqlglot.optimizer import build_scope
from sqlglot.optimizer.qualify import qualify

from runner.compile.columns import input_columns
from runner.compile.compiler import CompiledProject
from runner.errors import GraphError, closest


def column_lineage(compiled: CompiledProject, target: str, verbose: bool = False) -> list[str]:
    """Indented lines: ``model.column`` first, then what it reads, down to sources.

    The default is the compact tree of model and source columns; ``verbose`` keeps
    sqlglot's every CTE and UNION branch inside each model.
    """
    model, _, column = target.partition(".")
    if not column:
        raise GraphError(f"no model column {target!r}", hint="write MODEL.COLUMN; see `runner ls`")
    if model not in compiled.models:
        raise GraphError(
            f"no model named '{model}'",
            hint=closest(model, compiled.models) or "write MODEL.COLUMN; see `runner ls`",
        )
    tracer = Tracer(compiled, model)
    columns = tracer.columns(model)
    if columns and column not in columns:
        raise GraphError(
            f"{model} has no column '{column}'",
            model=model,
            path=compiled.models[model].path,
            hint=closest(column, columns) or f"its columns: {', '.join(columns)}",
        )
    lines: list[str] = []
    if verbose:
        tracer.print_verbose(model, column, 0, lines)
    else:
        tracer.print_compact(f"{model}.{column}", 0, lines, set())
    return lines


class Tracer:
    """Traces (model, column) pairs, each once."""

    def __init__(self, compiled: CompiledProject, model: str) -> None:
        self.compiled = compiled
        self.dialect = compiled.dialect
        self.schema = {
            t: dict.fromkeys(c, "UNKNOWN") for t, c in input_columns(compiled.project).items()
        }
        self.sources = {
            s.identifier: f"{s.source}.{s.name}" for s in compiled.project.sources.values()
        }
        self._scopes: dict = {}
        self._nodes: dict[tuple[str, str], Node] = {}
        self._edges: dict[str, list[str]] = {}
        needed = compiled.graph.ancestors(model) | {model}
        for name in compiled.graph.order:  # parents first: each model is qualified once,
            if name in needed:  # against its parents' output columns
                self._qualify(name)

    def node(self, model: str, column: str) -> Node:
        """sqlglot's lineage of one column inside the model's own SQL."""
        key = (model, column)
        if key not in self._nodes:
            try:
                scope = self._scope(model)
                self._nodes[key] = lineage(
                    column,
                    scope.expression,
                    self.schema,
                    dialect=self.dialect,
                    scope=scope,
                    trim_selects=False,
                    copy=False,
                )
            except Exception as exc:  # noqa: BLE001 - sqlglot raises several kinds
                path = self.compiled.models[model].path
                raise GraphError(
                    f"cannot trace {model}.{column}: {exc}", model=model, path=path
                ) from None
        return self._nodes[key]

    def _scope(self, model: str):
        return self._scopes[model]

    def columns(self, model: str) -> list[str]:
        """The model's output columns ([] when it selects * from an unknown input)."""
        selects = self._scope(model).expression.named_selects
        return [] if "*" in selects else selects

    def _qualify(self, model: str) -> None:
        """The model's own SQL (ephemeral parents read by name, not inlined), qualified;
        its output columns join the schema its children are qualified against."""
        own = self.compiled.models[model].checked_sql or self.compiled.models[model].rendered
        expression = sqlglot.parse_one(own, read=self.dialect)
        try:
            expression = qualify(
                expression,
                schema=self.schema,
                dialect=self.dialect,
                validate_qualify_columns=False,
                identify=False,
            )
        except Exception as exc:  # noqa: BLE001 - sqlglot raises several kinds
            path = self.compiled.models[model].path
            raise GraphError(f"cannot trace {model}: {exc}", model=model, path=path) from None
        self._scopes[model] = build_scope(expression)
        if not any(s.is_star for s in expression.selects):
            self.schema[model] = dict.fromkeys(expression.named_selects, "UNKNOWN")

    def reads(self, node: Node) -> list[tuple[str, str]]:
        """(relation, column) at the leaves of a model's own trace: what it reads."""
        found = []
        for step in node.walk():
            if isinstance(step.source, exp.Table) and not step.downstream:
                found.append((step.source.name, step.name.split(".")[-1]))
        return list(dict.fromkeys(found))

    def label(self, relation: str, column: str) -> str:
        if relation in self.compiled.models:
            return f"{relation}.{column}"
        kind = "source" if relation in self.sources else "seed"
        return f"{self.sources.get(relation, relation)}.{column}  ({kind})"

    def edges(self, key: str) -> list[str]:
        """The model and source columns ``model.column`` is computed from (memoised)."""
        if key not in self._edges:
            model, _, column = key.partition(".")
            if model not in self.compiled.models:
                self._edges[key] = []
            else:
                reads = self.reads(self.node(model, column))
                self._edges[key] = sorted({self.label(r, c) for r, c in reads})
        return self._edges[key]

    def print_compact(self, key: str, depth: int, lines: list[str], shown: set[str]) -> None:
        # a column already expanded above is named again without its inputs
        children = self.edges(key) if "  (" not in key else []
        again = key in shown and children
        lines.append("  " * depth + key + ("  (inputs above)" if again else ""))
        if again:
            return
        shown.add(key)
        for child in children:
            self.print_compact(child, depth + 1, lines, shown)

    def print_verbose(self, model: str, column: str, depth: int, lines: list[str]) -> None:
        """sqlglot's steps inside each model; at a relation the model reads, that model's
        own steps, so every CTE and UNION branch on the way is shown."""
        root = self.node(model, column)
        self._walk(root, depth, lines, f"{model}.{column}")

    def _walk(self, node: Node, depth: int, lines: list[str], label: str | None = None) -> None:
        if isinstance(node.source, exp.Table) and not node.downstream:
            relation, column = node.source.name, node.name.split(".")[-1]
            if relation in self.compiled.models:
                self.print_verbose(relation, column, depth, lines)
            else:
                lines.append("  " * depth + f"{relation}.{column}  (source)")
            return
        lines.append("  " * depth + (label or node.name))
        for child in node.downstream:
            self._walk(child, depth + 1, lines)
