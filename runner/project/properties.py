"""Model properties from YAML beside the models (``models/**/*.yml``), dbt's spelling:

    models:
      - name: stg_orders
        description: one row per event ...
        columns:
          - name: quantity
            description: ...
            tests:
              - not_null
              - expression: "quantity BETWEEN 1 AND 10000"
        tests:                       # model-level
          - expression: "in_window IN (0, 1)"

Column tests (``tests:`` or dbt >= 1.8's ``data_tests:``): ``not_null``, ``unique``,
``accepted_values: {values: [...]}``, ``relationships: {to: ref('model'), field: column}``,
``expression: <SQL predicate>``, with dbt 1.10's ``arguments:`` and ``config: {where,
severity}`` (runner/project/generic_tests.py). A model test is an ``expression`` every row must
satisfy, or a generic test with ``column_name``. ``{{ doc('name') }}`` in a description
is filled from the doc blocks; a key we would not act on is an error at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runner.errors import ConfigError
from runner.project.doc_blocks import load_doc_blocks, resolve_docs
from runner.project.generic_tests import DataTest, numbered, parse_test
from runner.project.yamlfile import compose
from runner.project.yamlfile import plain as node_value

__all__ = ["DataTest", "ModelProperties", "UnitTest", "load_properties", "load_unit_tests"]


@dataclass(frozen=True)
class UnitTest:
    """A model run on given input rows instead of its parents (dbt's ``unit_tests:``)."""

    name: str
    model: str
    given: tuple[tuple[str, tuple[dict, ...]], ...]  # (relation name, rows)
    expect: tuple[dict, ...]
    vars: dict[str, Any]
    ordered: bool
    path: str
    line: int


@dataclass(frozen=True)
class ModelProperties:
    name: str
    path: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # name -> description
    tests: tuple[DataTest, ...] = ()
    types: dict[str, str] = field(default_factory=dict)  # name -> portable data_type


def load_unit_tests(root: Path, dirs: list[str], sources: dict) -> dict[str, UnitTest]:
    """Every ``unit_tests:`` entry of the YAML files beside the models, by name."""
    found: dict[str, UnitTest] = {}
    for d in dirs:
        for path in sorted((root / d).glob("**/*.yml")):
            rel = path.relative_to(root).as_posix()
            tests = _get(_compose(path, rel), "unit_tests")
            for node in _seq(tests):
                test = _unit(node, rel, sources)
                if test.name in found:
                    raise ConfigError(
                        f"unit test '{test.name}' is defined twice", path=rel, line=test.line
                    )
                found[test.name] = test
    return found


INPUT = re.compile(r"""^\s*(ref|source)\(\s*'([^']+)'\s*(?:,\s*'([^']+)'\s*)?\)\s*$""")


def _unit(node, rel: str, sources: dict) -> UnitTest:
    line = node.start_mark.line + 1
    spec = node_value(node) or {}
    if not isinstance(spec, dict) or not {"name", "model", "expect"} <= set(spec):
        raise ConfigError("a unit test needs name, model, given and expect", path=rel, line=line)
    given = []
    for item in spec.get("given") or []:
        match = INPUT.match(str(item.get("input", "")))
        if not match:
            raise ConfigError(
                f"unit test {spec['name']}: input must be ref('m') or source('s', 't')",
                path=rel,
                line=line,
            )
        kind, first, second = match.groups()
        relation = first
        if kind == "source":
            if (first, second) not in sources:
                raise ConfigError(
                    f"unit test {spec['name']}: unknown source {first}.{second}",
                    path=rel,
                    line=line,
                )
            relation = sources[(first, second)].identifier
        given.append((relation, tuple(item.get("rows") or ())))
    expect = spec["expect"].get("rows", []) if isinstance(spec["expect"], dict) else spec["expect"]
    return UnitTest(
        spec["name"],
        spec["model"],
        tuple(given),
        tuple(expect),
        dict(spec.get("vars") or {}),
        bool(spec.get("ordered", False)),
        rel,
        line,
    )


def _compose(path: Path, rel: str):
    try:
        return compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {exc}", path=rel, line=mark.line + 1 if mark else None
        ) from None


#: exposures, macro and group descriptions document the project; nothing is built from
#: them. Semantic models, metrics and saved queries are MetricFlow's: ``dbt build``
#: does not build them either (they are read by the semantic layer), so they only document
FILE_KEYS = (
    "version",
    "models",
    "sources",
    "unit_tests",
    "exposures",
    "macros",
    "groups",
    "semantic_models",
    "metrics",
    "saved_queries",
)
MODEL_KEYS = ("name", "description", "columns", "tests", "data_tests", "meta", "docs")
COLUMN_KEYS = ("name", "description", "data_type", "tests", "data_tests", "meta", "tags", "quote")


def load_properties(root: Path, dirs: list[str]) -> dict[str, ModelProperties]:
    found: dict[str, ModelProperties] = {}
    blocks = load_doc_blocks(root, dirs)
    for d in dirs:
        for path in sorted((root / d).glob("**/*.yml")):
            rel = path.relative_to(root).as_posix()
            for props in _file(path, rel, blocks):
                if props.name in found:
                    raise ConfigError(
                        f"model '{props.name}' is described twice (also in "
                        f"{found[props.name].path})",
                        path=rel,
                    )
                found[props.name] = props
    return found


def _file(path: Path, rel: str, blocks: dict[str, str]) -> list[ModelProperties]:
    try:
        data = compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {exc}", path=rel, line=mark.line + 1 if mark else None
        ) from None
    if data is None:
        return []
    _known_keys(data, FILE_KEYS, rel, "a properties file")
    models = _get(data, "models")
    if models is None:
        return []
    return [_model(node, rel, blocks) for node in models.value]


def _known_keys(node, keys: tuple[str, ...], rel: str, what: str) -> None:
    """A key we would not act on is an error at its line: dbt would act on it."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key, _ in node.value:
        if key.value not in keys:
            raise ConfigError(
                f"'{key.value}' in {what} is not supported",
                path=rel,
                line=key.start_mark.line + 1,
                hint="supported here: "
                + ", ".join(keys)
                + ("; configs go in config() or the project file" if key.value == "config" else ""),
            )


def _get(node, key: str):
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if k.value == key:
            return v
    return None


def _model(node, rel: str, blocks: dict[str, str]) -> ModelProperties:
    plain = node_value(node)
    if not isinstance(plain, dict) or "name" not in plain:
        raise ConfigError(
            "each entry under models: needs a name", path=rel, line=node.start_mark.line + 1
        )
    _known_keys(node, MODEL_KEYS, rel, "a model's properties")
    name = plain["name"]
    tests = [_test(t, name, None, rel) for t in _tests(node, rel)]
    columns, types = {}, {}
    for col_node in _seq(_get(node, "columns")):
        _known_keys(col_node, COLUMN_KEYS, rel, "a column's properties")
        col = node_value(col_node)
        line = col_node.start_mark.line + 1
        where = f"{name}.{col['name']}"
        columns[col["name"]] = resolve_docs(col.get("description", ""), blocks, where, rel, line)
        if col.get("data_type"):
            types[col["name"]] = str(col["data_type"])
        tests += [_test(t, name, col["name"], rel) for t in _tests(col_node, rel)]
    line = node.start_mark.line + 1
    description = resolve_docs(plain.get("description", ""), blocks, name, rel, line)
    return ModelProperties(name, rel, description, columns, numbered(tests), types)


def _seq(node) -> list:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _test(node, model: str, column: str | None, rel: str) -> DataTest:
    value = node_value(node)
    return parse_test(value, model, column, rel, node.start_mark.line + 1)


def _tests(node, rel: str) -> list:
    """``data_tests:`` (dbt >= 1.8) and ``tests:``, the same list under two names."""
    both = [key for key in ("data_tests", "tests") if _get(node, key) is not None]
    if len(both) > 1:
        raise ConfigError(
            "both data_tests: and tests: here",
            path=rel,
            line=node.start_mark.line + 1,
            hint="they are the same list: keep data_tests:",
        )
    return _seq(_get(node, both[0])) if both else []
