"""Typed run parameters declared in project.yml under ``params:``.

A param is a var whose values come from outside (a request, ``--vars``) and so are
validated before they get anywhere near SQL:

* ``choice`` params are checked against an allow-list and rendered as text, so the
  compiled SQL can be cached per choice (``mode`` is one);
* ``timestamp`` params are parsed as ISO-8601, converted to UTC and, in a run with
  bound parameters, rendered as a placeholder and sent to the driver as a value:
  they never become SQL text in that case;
* ``integer`` params (``min``/``max`` bounds) are whole numbers, bound the same way, so
  one compiled project serves every value (a window's length, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from runner.errors import ConfigError, ParamError

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
PARAM_TYPES = ("choice", "timestamp", "integer", "string")
MAX_TEXT = 64


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str = "string"
    choices: tuple[str, ...] = ()
    default: Any = None
    minimum: int | None = None  # integer params: inclusive bounds
    maximum: int | None = None

    def validate(self, value: Any) -> Any:
        """The canonical value of ``value`` (text, or an int for an integer param), or a
        ParamError naming the param."""
        if self.type == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ParamError(
                    f"invalid value for param '{self.name}': must be one of "
                    + ", ".join(self.choices),
                    hint=f'pass --vars \'{{"{self.name}": "{self.choices[0]}"}}\'',
                    param=self.name,
                )
            return value
        if self.type == "timestamp":
            return parse_timestamp(value, self.name)
        if self.type == "integer":
            return self._integer(value)
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ParamError(
                f"invalid value for param '{self.name}': expected short text", param=self.name
            )
        return value

    def _integer(self, value: Any) -> int:
        """A whole number within the bounds: a JSON integer, or its digits as text."""
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(
                f"invalid value for param '{self.name}': expected a whole number, got {value!r}",
                param=self.name,
            )
        low = -(2**31) if self.minimum is None else self.minimum
        high = 2**31 - 1 if self.maximum is None else self.maximum
        if not low <= value <= high:
            raise ParamError(
                f"invalid value for param '{self.name}': {value} is outside {low}..{high}",
                param=self.name,
            )
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
            raise ParamError(
                f"invalid value for param '{name}': not an ISO-8601 timestamp", param=name
            )
    else:
        raise ParamError(f"invalid value for param '{name}': not an ISO-8601 timestamp", param=name)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if not 1900 <= moment.year <= 9990:
        raise ParamError(f"invalid value for param '{name}': year out of range", param=name)
    return moment.strftime(TIMESTAMP_FORMAT)


def param_from_config(name: str, raw: Any) -> ParamSpec:
    if not isinstance(raw, dict):
        raise ConfigError(f"params.{name} must be a mapping with a 'type'", path="project.yml")
    unknown = sorted(set(raw) - {"type", "choices", "default", "min", "max"})
    if unknown:
        raise ConfigError(
            f"params.{name}: unknown key {unknown[0]!r}",
            path="project.yml",
            hint="a param has type, choices (choice), min/max (integer) and default",
        )
    kind = raw.get("type", "string")
    if kind not in PARAM_TYPES:
        raise ConfigError(
            f"params.{name}: unknown type {kind!r}",
            path="project.yml",
            hint="use one of " + ", ".join(PARAM_TYPES),
        )
    choices = tuple(str(c) for c in raw.get("choices", ()))
    if kind == "choice" and not choices:
        raise ConfigError(f"params.{name}: a choice param needs 'choices'", path="project.yml")
    bounds = [raw.get("min"), raw.get("max")]
    if kind != "integer" and bounds != [None, None]:
        raise ConfigError(f"params.{name}: min and max are for integer params", path="project.yml")
    if any(b is not None and (isinstance(b, bool) or not isinstance(b, int)) for b in bounds):
        raise ConfigError(f"params.{name}: min and max must be whole numbers", path="project.yml")
    return ParamSpec(name, kind, choices, raw.get("default"), bounds[0], bounds[1])


def resolve_params(specs: dict[str, ParamSpec], given: dict[str, Any]) -> dict[str, Any]:
    """Validated canonical values of every declared param (given value or default)."""
    values = {}
    for name, spec in specs.items():
        raw = given.get(name, spec.default)
        if raw is None:
            raise ConfigError(f"param '{name}' has no value and no default", path="project.yml")
        values[name] = spec.validate(raw)
    return values
