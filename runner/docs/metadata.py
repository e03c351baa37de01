"""What the docs site says about models beyond their SQL: column types.

(Descriptions, with dbt's ``{{ doc() }}`` blocks resolved, come from the YAML beside the
models: runner/project/properties.py and runner/project/doc_blocks.py.)

Column types: a column's declared ``data_type`` wins; otherwise sqlglot annotates the
compiled SQL, model by model in DAG order so each model sees its parents' types. What
neither knows stays blank rather than guessed.
"""

from __future__ import annotations

import sqlglot
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from runner.compile.compiler import CompiledProject


def column_types(compiled: CompiledProject) -> dict[str, dict[str, tuple[str, bool]]]:
    """model → column → (type, declared?) for every output column of every model."""
    schema: dict[str, dict[str, str]] = {
        s.identifier: {c: "unknown" for c in s.columns} for s in compiled.project.sources.values()
    }
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    for name in compiled.graph.order:
        inferred = _inferred(compiled.models[name].sql, schema, compiled.dialect)
        props = compiled.project.properties.get(name)
        declared = props.types if props else {}
        types = {c: (t, False) for c, t in inferred.items()}
        types.update({c: (t, True) for c, t in declared.items()})
        found[name] = types
        schema[name] = {c: t or "unknown" for c, (t, _) in types.items()}
    return found


def _inferred(sql: str, schema: dict[str, dict[str, str]], dialect: str) -> dict[str, str]:
    try:
        tree = qualify(
            sqlglot.parse_one(sql, dialect=dialect),
            schema=schema,
            dialect=dialect,
            validate_qualify_columns=False,
        )
        tree = annotate_types(tree, schema=schema, dialect=dialect)
    except Exception:  # noqa: BLE001 - a model sqlglot cannot type just shows no types
        return {}
    types = {}
    for select in tree.selects:
        kind = select.type.sql(dialect).lower() if select.type else ""
        types[select.alias_or_name] = "" if kind == "unknown" else kind
    return types
