"""Loading seeds/*.csv into tables.

A seed file is read and checked completely before the database is touched, so a bad
row loads nothing and the error names the file, line and column. Loading replaces
the table (idempotent). A seed declared as a source's data is created with that
source's DDL, rendered from the dispatched macro named in project.yml.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass
from typing import Any

import jinja2

from runner.adapters.base import Adapter, quote
from runner.errors import ConfigError, SeedError
from runner.project.loader import SeedConfig

INTEGER = re.compile(r"^[+-]?\d+$")
REAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$")
BOOLEAN = re.compile(r"^(true|false)$", re.IGNORECASE)
CHECKS = {"integer": INTEGER, "real": REAL, "date": DATE, "datetime": DATETIME, "boolean": BOOLEAN}
#: dbt's inference order (agate's type tester): the first type every present value fits
INFERRED = ("integer", "real", "date", "datetime", "boolean")


@dataclass(frozen=True)
class SeedResult:
    name: str
    table: str
    rows: int
    seconds: float
    #: incremental models dropped because the seed changed (runner/tasks/build.py)
    dropped: tuple[str, ...] = ()


def _relative(seed: SeedConfig, root) -> str:
    """The seed's path as messages name it: relative to the project when inside it."""
    if seed.path.is_relative_to(root):
        return seed.path.relative_to(root).as_posix()
    return str(seed.path)


def read_seed(seed: SeedConfig, root) -> tuple[list[str], list[list[Any]], list[int]]:
    """Header, rows (NULL markers turned into None, every row checked) and each row's
    line in the file. Seeds in subfolders are found too (dbt searches recursively)."""
    rel = _relative(seed, root)
    with seed.path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise SeedError(
                "seed file is empty (a header row is required)", path=rel, line=1
            ) from None
        except csv.Error as exc:
            raise SeedError(f"CSV error: {exc}", path=rel, line=1) from None
        rows, lines = [], []
        try:
            for row in reader:
                rows.append(_check_row(seed, header, row, rel, reader.line_num))
                lines.append(reader.line_num)
        except csv.Error as exc:
            raise SeedError(f"CSV error: {exc}", path=rel, line=reader.line_num) from None
    return header, rows, lines


def _check_row(seed: SeedConfig, header: list[str], row: list[str], rel: str, line: int) -> list:
    if len(row) != len(header):
        raise SeedError(
            f"row has {len(row)} columns, the header has {len(header)}",
            path=rel,
            line=line,
            hint="quote values that contain commas",
        )
    values: list[Any] = []
    for column, value in zip(header, row):
        if value == seed.null:
            values.append(None)
            continue
        kind = seed.column_types.get(column, "").lower()
        check = CHECKS.get(kind)
        if check and not check.match(value.strip()):
            raise SeedError(
                f"column '{column}' (line {line}, column {header.index(column) + 1}): "
                f"{value!r} is not a valid {kind}",
                path=rel,
                line=line,
            )
        values.append(value)
    return values


def _kind_of(type_name: str) -> str | None:
    """The check a column's database type calls for: integer, real, or none."""
    name = type_name.lower()
    if "int" in name or "serial" in name:
        return "integer"
    if any(word in name for word in ("numeric", "decimal", "real", "double", "float")):
        return "real"
    return None


def check_against_table(types: dict[str, str], header, rows, lines, seed: SeedConfig, root) -> None:
    """Values the table's own columns (a source's DDL) would refuse, found before the
    database says "datatype mismatch" with no file, line or column."""
    rel = _relative(seed, root)
    for column, type_name in types.items():
        kind = _kind_of(type_name)
        if kind is None or column not in header:
            continue
        i = header.index(column)
        for row, line in zip(rows, lines):
            value = row[i]
            if value is not None and not CHECKS[kind].match(value.strip()):
                raise SeedError(
                    f"column '{column}' (line {line}, column {i + 1}): {value!r} is not a "
                    f"valid {kind} (the table declares {type_name})",
                    path=rel,
                    line=line,
                )


def infer_types(
    header: list[str], rows: list[list[Any]], declared: dict[str, str]
) -> dict[str, str]:
    types = {}
    for i, column in enumerate(header):
        if column in declared:
            types[column] = declared[column]
            continue
        present = [r[i].strip() for r in rows if r[i] is not None]
        fits = (k for k in INFERRED if present and all(CHECKS[k].match(v) for v in present))
        types[column] = next(fits, "text")
    return types


def _booleans(types: dict[str, str], header: list[str], rows: list[list[Any]]) -> None:
    """true/false text as Python booleans, which each driver writes its engine's way."""
    for i, column in enumerate(header):
        if types.get(column, "").lower() == "boolean":
            for row in rows:
                if row[i] is not None:
                    row[i] = row[i].strip().lower() == "true"


def load_seed(adapter: Adapter, conn: Any, seed: SeedConfig, root, ddl: str | None) -> SeedResult:
    start = time.perf_counter()
    header, rows, lines = read_seed(seed, root)
    table = quote(seed.table)
    with adapter.transaction(conn):
        adapter.drop_relation(conn, table, source=True)
        if ddl:
            adapter.execute(conn, ddl)
            check_against_table(adapter.column_types(conn, table), header, rows, lines, seed, root)
        else:
            types = infer_types(header, rows, seed.column_types)
            _booleans(types, header, rows)
            columns = ", ".join(
                f"{quote(c)} {adapter.TYPE_NAMES.get(t.lower(), t)}" for c, t in types.items()
            )
            adapter.execute(conn, f"CREATE TABLE {table} ({columns})")
        adapter.load_rows(conn, table, header, rows)
    return SeedResult(seed.name, table, len(rows), time.perf_counter() - start)


def seed_enabled(project: Any, seed: Any, vars: dict[str, Any] | None) -> bool:
    """dbt renders a config written as Jinja (``+enabled: "{{ var('load', false) }}"``)
    with the run's vars; the text it gives is read as a boolean, as dbt does."""
    value = seed.enabled
    if not isinstance(value, str):
        return value is not False
    given = {**project.vars, **(vars or {})}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    try:
        text = env.from_string(value).render(
            var=lambda name, default=None: given.get(name, default)
        )
    except jinja2.TemplateError as exc:
        raise ConfigError(
            f"seed {seed.name}: +enabled {value!r} does not render: {exc}", path=seed.rel
        ) from None
    return text.strip().lower() not in ("false", "0", "no", "off", "none", "")
