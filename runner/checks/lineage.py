"""Column lineage through the DAG down to source columns, with sqlglot's lineage.

Every model's compiled SQL is handed to sqlglot as a named source, so the trace walks
through ref()s (and the models' own CTEs) to the declared source tables.

sqlglot's tree names every step inside a model: CTE aliases, numbered UNION branches,
the same CTE reached by several paths. An analyst asks "which model columns and which
source columns does this come from", so the default view collapses each model's
internals into one ``model.column`` node and prints each node's inputs once; the
detailed sqlglot tree stays available (``verbose``) for debugging a model's own SQL.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.lineage import Node, lineage

from runner.compile.columns import input_columns
from runner.compile.compiler import CompiledProject
from runner.errors import GraphError


def column_lineage(compiled: CompiledProject, target: str, verbose: bool = False) -> list[str]:
    """Indented lines: ``model.column`` first, then what it reads, down to sources.

    The default is the compact tree of model and source columns; ``verbose`` keeps
    sqlglot's every CTE and UNION branch.
    """
    model, _, column = target.partition(".")
    if model not in compiled.models or not column:
        raise GraphError(f"no model column {target!r}", hint="write MODEL.COLUMN; see `runner ls`")
    root = _trace(compiled, model, column)
    top = f"{model}.{column}"
    lines: list[str] = []
    if verbose:
        _walk(root, 0, lines, top)
    else:
        edges = _model_columns(root, top, compiled)
        _print_tree(top, edges, 0, lines, set())
    return lines


def _trace(compiled: CompiledProject, model: str, column: str) -> Node:
    project = compiled.project
    schema = input_columns(project)  # sources and seeds: the trace ends at their columns
    # only the model's ancestors: a CTE of the model named like another model (jaffle_shop's
    # customers has an `orders` CTE, and there is a model orders) must stay the CTE
    ancestors = compiled.graph.select([f"+{model}"])
    sources = {n: compiled.models[n].sql for n in ancestors if n != model}
    try:
        return lineage(
            column,
            compiled.models[model].sql,
            schema=schema,
            sources=sources,
            dialect=compiled.dialect,
        )
    except Exception as exc:  # noqa: BLE001 - sqlglot raises several kinds; all mean "cannot trace"
        raise GraphError(
            f"cannot trace {model}.{column}: {exc}", model=model, path=compiled.models[model].path
        ) from None


def _source_names(compiled: CompiledProject) -> dict[str, str]:
    """Table identifier → ``source.table``, the name the project's YAML gives it."""
    return {s.identifier: f"{s.source}.{s.name}" for s in compiled.project.sources.values()}


def _column_name(node: Node, compiled: CompiledProject, outputs: dict[str, list[str]]) -> str:
    """A UNION branch's node is named by the column's position: the model's own output
    names (its first branch's) say which column that is."""
    if not node.name.isdigit():
        return node.name.split(".")[-1]
    model = node.source_name
    if model not in outputs:
        query = sqlglot.parse_one(compiled.models[model].sql, dialect=compiled.dialect)
        outputs[model] = query.named_selects
    return outputs[model][int(node.name)]


def _model_columns(root: Node, top: str, compiled: CompiledProject) -> dict[str, set[str]]:
    """The lineage between model and source columns only: each sqlglot node belongs to
    the model it was expanded from (``source_name``), so a node whose model differs from
    its parent's starts a new ``model.column``; CTE and branch steps fold into it."""
    sources = _source_names(compiled)
    outputs: dict[str, list[str]] = {}
    edges: dict[str, set[str]] = {top: set()}
    seen: set[tuple[int, str]] = set()
    stack = [(root, top)]
    while stack:
        node, key = stack.pop()
        for child in node.downstream:
            if isinstance(child.source, exp.Table) and not child.downstream:
                table = child.source.name
                kind = "source" if table in sources else "seed"
                child_key = f"{sources.get(table, table)}.{child.name.split('.')[-1]}  ({kind})"
            elif child.source_name and child.source_name != node.source_name:
                child_key = f"{child.source_name}.{_column_name(child, compiled, outputs)}"
            else:
                child_key = key
            if child_key != key:
                edges[key].add(child_key)
                edges.setdefault(child_key, set())
            if (id(child), child_key) not in seen:
                seen.add((id(child), child_key))
                stack.append((child, child_key))
    return edges


def _print_tree(
    key: str, edges: dict[str, set[str]], depth: int, lines: list[str], shown: set[str]
) -> None:
    # a column already expanded above is named again without its inputs
    again = key in shown and edges[key]
    lines.append("  " * depth + key + ("  (inputs above)" if again else ""))
    if again:
        return
    shown.add(key)
    for child in sorted(edges[key]):
        _print_tree(child, edges, depth + 1, lines, shown)


def _walk(node: Node, depth: int, lines: list[str], label: str | None = None) -> None:
    name = label or node.name
    if isinstance(node.source, exp.Table) and not node.downstream:
        name = f"{node.source.name}.{node.name.split('.')[-1]}  (source)"
    lines.append("  " * depth + name)
    for child in node.downstream:
        _walk(child, depth + 1, lines)
