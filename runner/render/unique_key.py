"""dbt's ``unique_key`` of an incremental model, as the SQL text of its columns."""

from __future__ import annotations

import re
from typing import Any

from runner.errors import ConfigError

#: a plain identifier, or a double-quoted one (dbt passes unique_key to SQL as written)
KEY_COLUMN = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")+")\s*$')


def unique_key(value: Any, model) -> str | None:
    """dbt's unique_key: a column, ``"a, b"`` or ``['a', 'b']``; plain names are left
    unquoted (PostgreSQL folds them, as with dbt), quoted ones keep their case. The SQL
    text of the key, e.g. ``a, "B"``."""
    if value is None:
        return None
    parts = [value] if isinstance(value, str) else value
    if isinstance(parts, (list, tuple)) and len(parts) == 1 and isinstance(parts[0], str):
        parts = _split_key(parts[0])
    if (
        not isinstance(parts, (list, tuple))
        or not parts
        or not all(isinstance(p, str) and KEY_COLUMN.match(p) for p in parts)
    ):
        raise ConfigError(
            f"unique_key must name columns, not {value!r}",
            model=model.name,
            path=model.path,
            hint="unique_key='id', 'a, b', ['a', 'b'] or '\"MixedCase\"'",
        )
    return ", ".join(p.strip() for p in parts)


def _split_key(text: str) -> list[str]:
    """``a, "b,c"``: commas outside double quotes separate columns."""
    return [p for p in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', text)]
