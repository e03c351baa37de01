"""What the docs site says about models beyond their SQL: doc blocks and column types.

Doc blocks are dbt's way to write a long description once, in Markdown beside the
models, and use it from any YAML description::

    {% docs revenue %}Price times quantity of purchase events.{% enddocs %}   (models/x.md)
    description: "{{ doc('revenue') }}"                                       (models/x.yml)

Column types: a column's declared ``data_type`` wins; otherwise sqlglot annotates the
compiled SQL, model by model in DAG order so each model sees its parents' types. What
neither knows stays blank rather than guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import sqlglot
import yaml
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from runner.compile import CompiledProject
from runner.errors import ConfigError
from runner.project import find_project_file

DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)


def load_doc_blocks(root: Path) -> dict[str, str]:
    """Every ``{% docs name %}`` block of the ``.md`` files under the model paths."""
    config = yaml.safe_load(find_project_file(root).read_text(encoding="utf-8")) or {}
    blocks: dict[str, str] = {}
    for folder in config.get("model-paths", ["models"]):
        for path in sorted((root / folder).glob("**/*.md")):
            for name, text in DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
                if name in blocks:
                    rel = path.relative_to(root).as_posix()
                    raise ConfigError(f"doc block '{name}' is defined twice", path=rel)
                blocks[name] = text.strip()
    return blocks


def render_description(
    text: str, blocks: dict[str, str], where: str, path: str | None = None
) -> str:
    """``text`` with each ``{{ doc('name') }}`` replaced by its block; an unknown name is
    an error naming the known ones, as a typo would otherwise print an empty description."""
    if "{{" not in text:
        return text

    def doc(name: str) -> str:
        if name not in blocks:
            known = ", ".join(sorted(blocks)) or "none"
            raise ConfigError(
                f"unknown doc block '{name}' in {where}", path=path, hint=f"known: {known}"
            )
        return blocks[name]

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        return env.from_string(text).render(doc=doc)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"invalid description in {where}: {exc}", path=path) from None


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
