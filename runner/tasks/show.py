"""``runner show``: a model's rows (or an inline query's) without writing anything.

Like ``dbt show``: the model's compiled SQL runs with its non-incremental ancestors as
temporary tables (runner/execute/reading.py) and its incremental ancestors read as they are, so
it shows what the model would hold after a run with these vars, and the database is
left as it was. An ephemeral model is shown as the query it is; an incremental model as
it is persisted. Show never writes, so it never brings an incremental model up to date:
it says which ones it read behind their sources (``Shown.notes``); one never built is
computed whole for the show, as its first run would build it, and said so with the
command that builds it (so show works on a fresh clone too). ``--inline`` SQL may use
``ref()``, ``source()``, ``var()`` and the project's macros; it is compiled as a model
of its own, named ``inline_query``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from runner.compile.compiler import CompiledProject
from runner.errors import GraphError, ParamError, closest
from runner.execute.reading import query_models
from runner.execute.refresh import Behind, staleness
from runner.project.loader import ModelFile
from runner.workspace import Workspace

INLINE = "inline_query"


@dataclass(frozen=True)
class Shown:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: what a person must know about the rows: incremental models read behind
    notes: tuple[str, ...] = ()


def show(
    ws: Workspace,
    model: str | None = None,
    inline: str | None = None,
    limit: int = 5,
    vars: dict[str, Any] | None = None,
) -> Shown:
    """The first ``limit`` rows of ``model`` or of the ``inline`` query."""
    if (model is None) == (inline is None):
        raise ParamError("name a model or pass --inline SQL (one of them)", param="model")
    if limit < 1:
        raise ParamError("--limit must be at least 1", param="--limit")
    if inline is not None:
        files = {**ws.project.models, INLINE: ModelFile(INLINE, "<inline>", inline)}
        ws = replace(ws, project=replace(ws.project, models=files))
        model = INLINE
    compiled = ws.compile(vars, bind=True)
    if model not in compiled.models:
        raise GraphError(
            f"no model named '{model}'",
            hint=closest(model, compiled.models) or "runner ls lists the models",
        )
    with ws.adapter.connection() as conn:
        behind = staleness(ws.adapter, conn, compiled, [model])
        unbuilt = _unbuilt(compiled, behind)
        rows = query_models(ws.adapter, conn, compiled, [model], limit=limit, compute=unbuilt)
    rows = rows[model]
    columns = tuple(rows[0]) if rows else ()
    notes = tuple(_behind_note(b) for b in behind)
    return Shown(columns, tuple(tuple(r.values()) for r in rows), notes)


def _unbuilt(compiled: CompiledProject, behind: list[Behind]) -> set[str]:
    """The incremental models never built, and the incremental ones that read them
    (what they hold, if anything, was built from another state): computed whole."""
    missing = {b.model for b in behind if b.rows is None}
    found = set(missing)
    for name in missing:
        found |= {
            d
            for d in compiled.graph.descendants(name)
            if compiled.models[d].materialized == "incremental"
        }
    return found


def _behind_note(behind: Behind) -> str:
    if behind.rows is None:
        return (
            f"{behind.model} (incremental) is not built: computed from its sources for this "
            f"show only, with what reads it; runner run -s {behind.model}+ builds them"
        )
    rows = f"{behind.rows} row{'s' if behind.rows != 1 else ''}"
    return (
        f"{behind.model} is behind its sources ({rows} waiting for its next run): shown "
        f"as it is; runner run -s {behind.model}+ brings it and what reads it up to date"
    )


def format_table(shown: Shown) -> list[str]:
    """dbt show's look: a header, a rule, one line per row; NULL spelled out."""
    if not shown.columns:
        return ["(no rows)"]
    cells = [list(shown.columns)]
    cells += [[_cell(v) for v in row] for row in shown.rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(shown.columns))]
    lines = ["| " + " | ".join(v.ljust(w) for v, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return lines


def _cell(value: Any) -> str:
    """A value as a person reads it: NULL spelled out, a whole number without ``.0``
    (a driver may hand one engine's integer sum over as a float: 55.0 beside 55)."""
    if value is None:
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
