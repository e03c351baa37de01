"""Typed run parameters declared in project.yml under ``params:``.

A param is a var whose values come from outside (a request, ``--vars``) and so are
validated before they get anywhere near SQL:

* ``choice`` params are checked against an allow-list and rendered as text, so the
  compiled SQL can be cached per choice (``mode`` is one);
* ``timestamp`` params are parsed as ISO-8601, converted to UTC and, in a run with
  bound parameters, rendered as a placeholder and sent to the driver as a value:
  they never become SQL text in that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from runner.errors import ProjectError

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
MAX_TEXT = 64


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str = "string"
    choices: tuple[str, ...] = ()
    default: Any = None

    def validate(self, value: Any) -> str:
        """Return the canonical text of ``value`` or raise ProjectError naming the param."""
        if self.type == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ProjectError(
                    f"invalid value for param '{self.name}': must be one of "
                    + ", ".join(self.choices),
                    hint=f'pass --vars \'{{"{self.name}": "{self.choices[0]}"}}\'',
                )
            return value
        if self.type == "timestamp":
            return parse_timestamp(value, self.name)
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ProjectError(f"invalid value for param '{self.name}': expected short text")
        return value


def parse_timestamp(value: Any, name: str = "timestamp") -> str:
    """ISO-8601 text (or ``now``) -> canonical UTC text ``YYYY-MM-DD HH:MM:SS.ffffff``.

    Naive values are UTC; offsets are converted. The canonical form sorts and compares
    as text exactly like the instants it names, to the microsecond.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value == "now":
        moment = datetime.now(timezone.utc)
    elif isinstance(value, str) and 0 < len(value) <= MAX_TEXT and value.isascii():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is None or value != value.strip():
            raise ProjectError(f"invalid value for param '{name}': not an ISO-8601 timestamp")
    else:
        raise ProjectError(f"invalid value for param '{name}': not an ISO-8601 timestamp")
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if not 1900 <= moment.year <= 9990:
        raise ProjectError(f"invalid value for param '{name}': year out of range")
    return moment.strftime(TIMESTAMP_FORMAT)


def param_from_config(name: str, raw: Any) -> ParamSpec:
    if not isinstance(raw, dict):
        raise ProjectError(f"params.{name} must be a mapping with a 'type'")
    kind = raw.get("type", "string")
    if kind not in ("choice", "timestamp", "string"):
        raise ProjectError(f"params.{name}: unknown type {kind!r}")
    choices = tuple(str(c) for c in raw.get("choices", ()))
    if kind == "choice" and not choices:
        raise ProjectError(f"params.{name}: a choice param needs 'choices'")
    return ParamSpec(name=name, type=kind, choices=choices, default=raw.get("default"))


def resolve_params(specs: dict[str, ParamSpec], given: dict[str, Any]) -> dict[str, str]:
    """Validated canonical values of every declared param (given value or default)."""
    values = {}
    for name, spec in specs.items():
        raw = given.get(name, spec.default)
        if raw is None:
            raise ProjectError(f"param '{name}' has no value and no default")
        values[name] = spec.validate(raw)
    return values
