"""Where a database error comes from: the model, its template file and line.

What runs is rarely a model's template as written: Jinja rendered it, its ephemeral
parents were put in front of it as CTEs (the compiler records that layout as ``Span``s),
and a statement may wrap it (``CREATE TABLE ... AS``, a ``LIMIT``). A driver points at
a character (PostgreSQL) or names an identifier (SQLite): either is traced back here,
through the layout, to the model whose SQL holds it, which may be an ephemeral parent
inlined into the model that ran, then to its template line. An identifier is looked for
among the rendered SQL's tokens (``runner.render.lines.token_line``), never in comments.
"""

from __future__ import annotations

from runner.compile.compiler import CompiledModel, CompiledProject, Span
from runner.errors import DatabaseError


def locate(
    compiled: CompiledProject,
    model: CompiledModel,
    error: DatabaseError,
    header_lines: int,
    spans: tuple[Span, ...] | None = None,
) -> DatabaseError:
    """The error located at the template line it comes from (the driver's message
    kept), by the statement position the driver gave (``header_lines`` lines precede
    the model's SQL in the statement that ran), else by the identifier it names.
    ``spans``: the layout of what ran, when it is not ``model.sql``'s."""
    spans = spans or model.spans or (Span(1, model.sql.count("\n") + 1, model.name),)
    found = _by_position(compiled, spans, error, header_lines) or _by_token(
        compiled, model, spans, error
    )
    error = _missing_hint(compiled, model, error)
    if found is None:
        return error.located(model=model.name, path=model.path)
    origin, line = found
    error = error.located(model=model.name, path=origin.path, line=line)
    error = error.located(snippet=origin.line_map().text(line))
    if origin.name != model.name:
        error = error.noting(f"in {origin.name}, inlined into {model.name} as a CTE")
    return error


def _by_position(
    compiled: CompiledProject, spans: tuple[Span, ...], error: DatabaseError, header: int
) -> tuple[CompiledModel, int] | None:
    if not error.sql_line:
        return None
    line = error.sql_line - header
    for span in spans:
        own = span.origin(line)
        if own is not None and span.exact:
            origin = compiled.models[span.model]
            return origin, origin.line_map().template_line(own)
    return None


def _by_token(
    compiled: CompiledProject, model: CompiledModel, spans: tuple[Span, ...], error: DatabaseError
) -> tuple[CompiledModel, int] | None:
    """The first of the model's own SQL, then its inlined parents', that names the
    identifier the message gives."""
    if not error.token:
        return None
    dialect = compiled.project.dialect or compiled.dialect
    names = dict.fromkeys([model.name, *(s.model for s in spans)])
    for name in names:
        origin = compiled.models[name]
        line = origin.line_map().line_of_token(error.token, dialect)
        if line is not None:
            return origin, line
    return None


def _missing_hint(
    compiled: CompiledProject, model: CompiledModel, error: DatabaseError
) -> DatabaseError:
    """What a relation the database did not find is, and what builds it: a model this
    run did not build (``--select`` builds only what it selects), or a source's table."""
    name = error.missing
    if name in compiled.models:
        return error.hinted(
            f"{name} is a model that is not built in this database: runner run -s {name} "
            f"builds it, runner build -s +{model.name} builds {model.name} with every "
            "model it reads"
        )
    source = next((s for s in compiled.project.sources.values() if s.identifier == name), None)
    if source is not None and not error.hint:
        return error.hinted(
            f"{name} is the table of source('{source.source}', '{source.name}'), and it is "
            "not in this database: load it (runner seed, when a seed provides it)"
        )
    return error
