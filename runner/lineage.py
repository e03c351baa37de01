"""Column lineage through the DAG down to source columns, with sqlglot's lineage.

Every model's compiled SQL is handed to sqlglot as a named source, so the trace walks
through ref()s (and the models' own CTEs) to the declared source tables.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.lineage import Node, lineage

from runner.compile import CompiledProject
from runner.errors import GraphError


def column_lineage(compiled: CompiledProject, target: str) -> list[str]:
    """Indented lines: ``model.column`` first, then what it reads, down to sources."""
    model, _, column = target.partition(".")
    if model not in compiled.models or not column:
        raise GraphError(f"no model column {target!r}", hint="write MODEL.COLUMN; see `runner ls`")
    project = compiled.project
    schema = {s.identifier: {c: "text" for c in s.columns} for s in project.sources.values()}
    sources = {n: m.sql for n, m in compiled.models.items() if n != model}
    try:
        root = lineage(
            column,
            compiled.models[model].sql,
            schema=schema,
            sources=sources,
            dialect=compiled.dialect,
        )
    except Exception as exc:  # noqa: BLE001 - sqlglot raises several kinds; all mean "cannot trace"
        raise GraphError(
            f"cannot trace {target}: {exc}", model=model, path=compiled.models[model].path
        ) from None
    lines: list[str] = []
    _walk(root, 0, lines, f"{model}.{column}")
    return lines


def _walk(node: Node, depth: int, lines: list[str], label: str | None = None) -> None:
    name = label or node.name
    if isinstance(node.source, exp.Table) and not node.downstream:
        name = f"{node.source.name}.{node.name.split('.')[-1]}  (source)"
    lines.append("  " * depth + name)
    for child in node.downstream:
        _walk(child, depth + 1, lines)
