"""Generic data tests as the YAML beside the models declares them (dbt's spelling).

    columns:
      - name: customer_id
        data_tests:                     # or tests: (dbt < 1.8)
          - not_null
          - relationships:
              arguments: {to: ref('customers'), field: customer_id}   # dbt 1.10
              config: {where: "order_date > '2018-01-01'", severity: warn}

Arguments may also sit beside ``config`` (dbt < 1.10). A test, an argument or a config
we do not run is an error at its line: skipping it would pass a project that fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from runner.errors import ConfigError

TEST_KINDS = ("not_null", "unique", "accepted_values", "relationships", "expression")
ARGUMENTS = {
    "not_null": (),
    "unique": (),
    "accepted_values": ("values", "quote"),
    "relationships": ("to", "field"),
    "expression": (),
}
CONFIGS = ("where", "severity", "description", "meta", "tags", "enabled")
RELATION = re.compile(
    r"""^\s*(ref|source)\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$"""
)


@dataclass(frozen=True)
class DataTest:
    kind: str
    model: str
    column: str | None
    args: Any
    path: str
    line: int
    where: str | None = None
    severity: str = "error"  # warn: a failure is reported, and fails nothing
    suffix: str = ""  # "_2", "_3": a second test of the same name on the same model

    @property
    def name(self) -> str:
        column = f"_{self.column}" if self.column else ""
        suffix = ""
        if self.kind == "expression":
            suffix = "_" + "".join(c if c.isalnum() else "_" for c in str(self.args))[:40].strip(
                "_"
            )
        name = f"{self.kind}_{self.model}{column}{suffix}"
        return "".join(c if c.isalnum() else "_" for c in name) + self.suffix


def numbered(tests: list[DataTest]) -> tuple[DataTest, ...]:
    """Tests whose names repeat (two accepted_values on one column) get _2, _3...: a
    result and its artifacts are found by name."""
    seen: dict[str, int] = {}
    out = []
    for test in tests:
        seen[test.name] = seen.get(test.name, 0) + 1
        out.append(replace(test, suffix=f"_{seen[test.name]}") if seen[test.name] > 1 else test)
    return tuple(out)


def parse_test(value: Any, model: str, column: str | None, rel: str, line: int) -> DataTest:
    """One entry of a ``tests:``/``data_tests:`` list."""
    if isinstance(value, str):
        kind, body = value, {}
    elif isinstance(value, dict) and len(value) == 1:
        kind, body = next(iter(value.items()))
    else:
        raise ConfigError(
            f"a test must be a name or {{name: arguments}}, not {value!r}", path=rel, line=line
        )
    _check_kind(kind, model, column, rel, line)
    if kind == "expression":
        return DataTest(kind, model, column, body, rel, line)
    args, config = _split(kind, body, rel, line)
    if "." in kind:  # <package>.<test>: its arguments are the test macro's business
        column = column or args.pop("column_name", None)
        return DataTest(kind, model, column, args, rel, line, *_where_severity(config, rel, line))
    if column is None:
        column = args.pop("column_name", None)
        if column is None:
            raise ConfigError(f"{kind} on model {model} needs column_name", path=rel, line=line)
    _check_keys(kind, args, config, rel, line)
    if kind == "relationships":
        args = _relationship(args, rel, line)
    return DataTest(kind, model, column, args, rel, line, *_where_severity(config, rel, line))


def _split(kind: str, body: Any, rel: str, line: int) -> tuple[dict, dict]:
    """A test's arguments and its config (``arguments:`` of dbt 1.10, or beside it)."""
    body = dict(body or {}) if isinstance(body, dict) else {"values": body}
    config = dict(body.pop("config", None) or {})
    args = dict(body.pop("arguments", None) or {})
    for key in ("where", "severity"):  # dbt < 1.10 also took these beside the arguments
        if key in body:
            config[key] = body.pop(key)
    args.update(body)
    args.pop("name", None)  # a test's custom name: ours is derived
    for key in config:
        if key not in CONFIGS:
            raise ConfigError(
                f"{kind}: test config {key!r} is not supported",
                path=rel,
                line=line,
                hint="supported: " + ", ".join(CONFIGS),
            )
    return args, config


def _where_severity(config: dict, rel: str, line: int) -> tuple[str | None, str]:
    severity = str(config.get("severity", "error")).lower()
    if severity not in ("error", "warn"):
        raise ConfigError(f"severity must be error or warn, not {severity!r}", path=rel, line=line)
    where = config.get("where")
    return (str(where) if where else None), severity


def _check_kind(kind: Any, model: str, column: str | None, rel: str, line: int) -> None:
    """A test of ours, or ``<package>.<test>`` (checked against the installed packages
    once they are known)."""
    if kind in TEST_KINDS or (isinstance(kind, str) and kind.count(".") == 1):
        return
    hint = "use " + ", ".join(TEST_KINDS) + ", a package's test (dbt_utils.x), "
    hint += "or a singular test (SQL in the test paths)"
    raise ConfigError(f"unknown test {kind!r} on {model}", path=rel, line=line, hint=hint)


def _check_keys(kind: str, args: dict, config: dict, rel: str, line: int) -> None:
    for key in args:
        if key not in ARGUMENTS[kind]:
            raise ConfigError(
                f"{kind}: unknown argument {key!r}",
                path=rel,
                line=line,
                hint=f"{kind} takes " + (", ".join(ARGUMENTS[kind]) or "no arguments"),
            )
    if kind == "accepted_values" and not isinstance(args.get("values"), list):
        raise ConfigError("accepted_values needs values: [...]", path=rel, line=line)


def _relationship(args: dict, rel: str, line: int) -> dict:
    """``to``: a model name, ``ref('m')`` or ``source('s', 't')``."""
    if not {"to", "field"} <= set(args):
        raise ConfigError("relationships needs to and field", path=rel, line=line)
    target = str(args["to"])
    match = RELATION.match(target)
    if match:
        kind, first, second = match.groups()
        if kind == "source" and not second:
            raise ConfigError(f"relationships: bad to {target!r}", path=rel, line=line)
        to = first if kind == "ref" else None
        return {
            "to": to,
            "to_source": (first, second) if kind == "source" else None,
            "field": str(args["field"]),
        }
    if "(" in target:
        raise ConfigError(
            f"relationships: bad to {target!r}",
            path=rel,
            line=line,
            hint="to: ref('model') or source('source', 'table')",
        )
    return {"to": target, "to_source": None, "field": str(args["field"])}
