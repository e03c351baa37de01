"""Response contracts: each field of an endpoint's JSON body declared once.

A field names its JSON key, the mart (and columns) it comes from, its JSON types and
the modes it exists in. From that one declaration come the stitching (mart rows ->
body), the OpenAPI schema of the body (api/openapi.py) and the shape checks of any body
(tests compare the golden files with it). Lists the project declares once (event types,
RFM's segments in project.yml) are referred to by name and read from the project.

This module is the machinery; the declarations are ``DASHBOARD``
(api/dashboard_contract.py, spec section 3's body) and the admin page's funnel, alerts
and RFM (api/admin_contracts.py). A new endpoint is a new ``Contract`` and its marts.
The values of a request's params (``mode``'s choices, N's bounds) are the project's
(``params:`` in project.yml), read at binding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from runner.errors import ConfigError
from runner.serving import Project


@dataclass(frozen=True)
class JsonType:
    """A JSON scalar type: its schema and how a database value becomes it."""

    schema: dict[str, Any]
    coerce: Callable[[Any], Any]


def instant(value: Any) -> str:
    """A database instant (a UTC datetime from PostgreSQL, canonical UTC text from
    SQLite) written as the admin endpoints write instants: YYYY-MM-DDTHH:MM:SS.ffffff+00:00,
    always six fraction digits and the offset (admin-endpoints section 1)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


INT = JsonType({"type": "integer", "minimum": 0}, int)
NUMBER = JsonType({"type": "number", "minimum": 0}, float)
TEXT = JsonType({"type": "string"}, str)
DATE = JsonType({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, str)
INSTANT = JsonType(
    {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$"},
    instant,
)


def one_of(*choices: str) -> JsonType:
    """Text that is one of ``choices`` (the spec's fixed words: an alert's severity)."""
    return JsonType({"type": "string", "enum": list(choices)}, str)


@dataclass(frozen=True)
class Column:
    """A JSON key filled from a mart column (``column``, by default the key)."""

    key: str
    type: JsonType
    column: str | None = None
    modes: tuple[str, ...] | None = None  # the mode param's values it exists in; None: all
    const_var: str | None = None  # always the value of this project var (period_days)
    optional: bool = False  # left out of an item where the mart gives NULL (product_slug)
    #: text that is one of the values of a list the project declares: a ``vars`` path,
    #: and where its items are mappings the key to read (``rfm_segments.name``)
    enum_var: str | None = None

    @property
    def source(self) -> str:
        return self.column or self.key


@dataclass(frozen=True)
class Each:
    """One integer column per value of a list the project declares (``vars`` path such
    as ``event_types.funnel``), resolved when the contract is bound to the project."""

    var_path: tuple[str, ...]
    type: JsonType = INT


@dataclass(frozen=True)
class Field:
    key: str
    #: "param" (the request's value of the param ``param`` names), "value" (one row, one
    #: column), "record" (one row, an object), "rows" (a list of objects), "list" (a list
    #: of one column's values)
    kind: str
    mart: str | None = None
    columns: tuple[Column | Each, ...] = ()
    max_items: int | None = None
    per_window_day: bool = False  # one item per window day: N + 1 of them
    param: str | None = None  # kind "param": the project param it echoes
    min_items: int = 0
    #: one item per value of a list the project declares (a ``vars`` path), in its order,
    #: the first column holding the value (the funnel's steps)
    one_per: str | None = None


def param(key: str, name: str | None = None) -> Field:
    """The request's value of the project param ``name`` (default: the key), echoed."""
    return Field(key, "param", param=name or key)


def value(key: str, mart: str, type: JsonType, column: str | None = None) -> Field:
    return Field(key, "value", mart, (Column(key, type, column),))


def record(key: str, mart: str, *columns: Column | Each) -> Field:
    return Field(key, "record", mart, columns)


def rows(
    key: str,
    mart: str,
    *columns: Column | Each,
    max_items: int | None = None,
    per_window_day: bool = False,
    min_items: int = 0,
    one_per: str | None = None,
) -> Field:
    return Field(
        key, "rows", mart, columns, max_items, per_window_day, min_items=min_items, one_per=one_per
    )


def values(key: str, mart: str, column: Column, max_items: int | None = None) -> Field:
    return Field(key, "list", mart, (column,), max_items)


def each(path: str, type: JsonType = INT) -> Each:
    return Each(tuple(path.split(".")), type)


@dataclass(frozen=True)
class Contract:
    name: str
    fields: tuple[Field, ...]
    mode_param: str = "mode"  # the choice param a Column's ``modes`` are values of
    window_param: str = "window_days"  # N, for fields with one item per window day

    def with_fields(self, *extra: Field) -> Contract:
        """The same contract with more fields at the end (a new metric, in a test)."""
        return Contract(self.name, self.fields + extra, self.mode_param, self.window_param)

    def bind(self, project: Project) -> BoundContract:
        """Resolve the lists the project declares; the result is what code uses."""
        return BoundContract(self, project)


@dataclass(frozen=True)
class BoundContract:
    contract: Contract
    project: Project
    fields: tuple[Field, ...] = field(init=False)

    def __post_init__(self) -> None:
        bound = tuple(replace(f, columns=self._columns(f)) for f in self.contract.fields)
        object.__setattr__(self, "fields", bound)
        self._check_params()

    def _check_params(self) -> None:
        """Every param and list the contract names is the project's, so a renamed choice
        is a ConfigError when the project loads, not a KeyError in a request."""
        for f in self.fields:
            if f.one_per is not None:
                self.declared(f.one_per)
            if f.kind == "param" and f.param not in self.project.params:
                raise ConfigError(f"{self.contract.name}.{f.key}: no param {f.param!r}")
            for c in f.columns:
                if c.modes is not None and not set(c.modes) <= set(self.modes):
                    raise ConfigError(
                        f"{self.contract.name}.{f.key}.{c.key}: modes {list(c.modes)} are "
                        f"not all choices of the param {self.contract.mode_param!r}",
                        hint=f"its choices are {list(self.modes)} (project.yml params)",
                    )

    @property
    def modes(self) -> tuple[str, ...]:
        """The mode param's choices, from the project's params."""
        spec = self.project.params.get(self.contract.mode_param)
        return spec.choices if spec is not None else ()

    def _columns(self, f: Field) -> tuple[Column, ...]:
        out: list[Column] = []
        for c in f.columns:
            if isinstance(c, Each):
                out.extend(Column(name, c.type) for name in self._var(c.var_path))
            elif c.enum_var is not None:
                schema = {**c.type.schema, "enum": self.declared(c.enum_var)}
                out.append(replace(c, type=JsonType(schema, c.type.coerce)))
            else:
                out.append(c)
        return tuple(out)

    def _var(self, path: tuple[str, ...]) -> Any:
        value: Any = self.project.vars
        for part in path:
            value = value[part]
        return value

    def declared(self, path: str) -> list[Any]:
        """The values of a list the project declares: ``event_types.funnel_steps``; or,
        where the path's last part names a key of the list's mappings, that key's
        values (``rfm_segments.name``)."""
        parts = tuple(path.split("."))
        try:
            try:
                return list(self._var(parts))
            except TypeError:  # a list of mappings, then the key of each
                return [item[parts[-1]] for item in self._var(parts[:-1])]
        except (KeyError, TypeError):
            raise ConfigError(
                f"{self.contract.name}: project.yml vars declare no list {path!r}"
            ) from None

    @property
    def marts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.mart for f in self.fields if f.mart))

    def stitch(
        self, data: dict[str, list[dict[str, Any]]], values: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Mart rows -> the body, keys in declaration order, JSON types fixed; ``values``:
        the request's params (echoed by param fields; the mode picks mode columns)."""
        body: dict[str, Any] = {}
        mode = values.get(self.contract.mode_param)
        for f in self.fields:
            if f.kind == "param":
                body[f.key] = values[f.param]
                continue
            found = data[f.mart]
            if f.kind == "value":
                body[f.key] = self._item(found[0], f.columns, mode)[f.columns[0].key]
            elif f.kind == "record":
                body[f.key] = self._item(found[0], f.columns, mode)
            elif f.kind == "rows":
                body[f.key] = [self._item(row, f.columns, mode) for row in found]
            else:
                column = f.columns[0]
                body[f.key] = [column.type.coerce(row[column.source]) for row in found]
        return body

    @staticmethod
    def _item(row: dict[str, Any], columns: tuple[Column, ...], mode: str) -> dict[str, Any]:
        return {
            c.key: c.type.coerce(row[c.source])
            for c in columns
            if _in(c, mode) and not (c.optional and row[c.source] is None)
        }

    def window_days(self) -> tuple[int, int]:
        """The smallest and largest N (the window param's bounds)."""
        spec = self.project.params[self.contract.window_param]
        return spec.minimum or 1, spec.maximum or 366

    def json_schema(self) -> dict[str, Any]:
        """The body's JSON schema (OpenAPI 3.1 / JSON Schema 2020-12)."""
        props = {f.key: self._field_schema(f) for f in self.fields}
        return {
            "type": "object",
            "properties": props,
            "required": list(props),
            "additionalProperties": False,
        }

    def _field_schema(self, f: Field) -> dict[str, Any]:
        if f.kind == "param":
            spec = self.project.params[f.param]
            return {"type": "string", "enum": list(spec.choices)} if spec.choices else {}
        if f.kind == "value":
            return self._column_schema(f.columns[0])
        if f.kind == "record":
            return self._object_schema(f.columns)
        items = (
            self._object_schema(f.columns)
            if f.kind == "rows"
            else self._column_schema(f.columns[0])
        )
        schema: dict[str, Any] = {"type": "array", "items": items}
        if f.per_window_day:
            low, high = self.window_days()
            schema.update(minItems=low + 1, maxItems=high + 1)
        elif f.one_per is not None:
            count = len(self.declared(f.one_per))
            schema.update(minItems=count, maxItems=count)
        elif f.max_items is not None:
            schema["maxItems"] = f.max_items
        if f.min_items and "minItems" not in schema:
            schema["minItems"] = f.min_items
        return schema

    def _column_schema(self, c: Column) -> dict[str, Any]:
        if c.const_var:
            return {**c.type.schema, "const": self._var((c.const_var,))}
        return dict(c.type.schema)

    def _object_schema(self, columns: tuple[Column, ...]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {c.key: self._column_schema(c) for c in columns},
            "required": [c.key for c in columns if c.modes is None and not c.optional],
            "additionalProperties": False,
        }

    def check(self, body: dict[str, Any], mode: str | None = None, days: int = 7) -> list[str]:
        """What in ``body`` does not have the declared shape for ``mode`` and an N-day
        window (for the fields that have modes or one item per window day): keys and
        their order, types, enums and patterns, list lengths. Empty when it conforms."""
        problems = []
        if list(body) != [f.key for f in self.fields]:
            problems.append(f"keys {list(body)} != {[f.key for f in self.fields]}")
        for f in self.fields:
            if f.key in body:
                problems += [f"{f.key}: {p}" for p in self._check_field(f, body[f.key], mode, days)]
        return problems

    def _check_field(self, f: Field, got: Any, mode: str, days: int) -> list[str]:
        if f.kind == "param" and f.param == self.contract.mode_param:
            return [] if got == mode else [f"{got!r} is not the mode {mode!r}"]
        if f.kind == "param":
            return [] if isinstance(got, str) else [f"{got!r} is not a JSON string"]
        if f.kind == "value":
            return _check_scalar(f.columns[0], got)
        if f.kind == "record":
            return _check_object(f.columns, got, mode)
        if not isinstance(got, list):
            return [f"{got!r} is not a list"]
        problems = []
        if f.per_window_day and len(got) != days + 1:
            problems.append(f"{len(got)} items, not one per window day ({days + 1})")
        if f.max_items is not None and len(got) > f.max_items:
            problems.append(f"{len(got)} items, more than {f.max_items}")
        if len(got) < f.min_items:
            problems.append(f"{len(got)} items, fewer than {f.min_items}")
        if f.one_per is not None:
            first = f.columns[0].key
            found = [item.get(first) if isinstance(item, dict) else item for item in got]
            if found != self.declared(f.one_per):
                problems.append(f"{first}s {found} != {self.declared(f.one_per)}")
        for item in got:
            if f.kind == "rows":
                problems += _check_object(f.columns, item, mode)
            else:
                problems += _check_scalar(f.columns[0], item)
        return problems


def _check_scalar(column: Column, got: Any) -> list[str]:
    schema = column.type.schema
    kind = schema["type"]
    ok = {
        "integer": isinstance(got, int) and not isinstance(got, bool),
        "number": isinstance(got, (int, float)) and not isinstance(got, bool),
        "string": isinstance(got, str),
    }[kind]
    if not ok:
        return [f"{column.key}={got!r} is not a JSON {kind}"]
    if "enum" in schema and got not in schema["enum"]:
        return [f"{column.key}={got!r} is not one of {schema['enum']}"]
    if "pattern" in schema and not re.search(schema["pattern"], got):
        return [f"{column.key}={got!r} does not match {schema['pattern']}"]
    return []


def _check_object(columns: tuple[Column, ...], got: Any, mode: str | None) -> list[str]:
    if not isinstance(got, dict):
        return [f"{got!r} is not an object"]
    expected = [c.key for c in columns if _in(c, mode) and (not c.optional or c.key in got)]
    if list(got) != expected:
        return [f"keys {list(got)} != {expected}"]
    return [p for c in columns if c.key in got for p in _check_scalar(c, got[c.key])]


def _in(column: Column, mode: str | None) -> bool:
    return column.modes is None or mode in column.modes
