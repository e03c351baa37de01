"""Typed run parameters declared in project.yml under ``params:``.

A param is a var whose values come from outside (a request, ``--vars``) and so are
validated before they get anywhere near SQL:

* ``choice`` params are checked against an allow-list and rendered as text, so the
  compiled SQL can be cached per choice (``mode`` is one);
* ``timestamp`` params are parsed as ISO-8601, converted to UTC and, in a run with
  bound parameters, rendered as a placeholder and sent to the driver as a value:
  they never become SQL text in that case;
* ``integer`` params (``min``/``max`` bounds) are whole numbers, bound the same way, so
  one compiled project serves every value (a window's length, say);
* ``string`` params (``max_length``, default 64 characters) are short text, bound the
  same way: Unicode without NUL characters or lone surrogates, which a driver could
  not send (PostgreSQL refuses NUL in text), so a bad value is a ParamError, never a
  database error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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
    max_length: int = MAX_TEXT  # string params: at most this many characters

    def validate(self, value: Any) -> Any:
        """The canonical value of ``value`` (text, or an int for an integer param), or a
        ParamError naming the param."""
        if self.type == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ParamError(
                    f"invalid value for param '{self.name}': must be one of "
                    + ", ".join(self.choices),
                    param=self.name,
                )
            return value
        if self.type == "timestamp":
            return parse_timestamp(value, self.name)
        if self.type == "integer":
            return self._integer(value)
        return self._text(value)

    def accepts(self, value: Any) -> bool:
        """Whether ``validate`` takes ``value`` (an application filtering its presets)."""
        try:
            self.validate(value)
        except ParamError:
            return False
        return True

    def _text(self, value: Any) -> str:
        """Text of at most ``max_length`` characters that every driver can send."""
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ParamError(
                f"invalid value for param '{self.name}': expected text of at most "
                f"{self.max_length} characters",
                param=self.name,
            )
        if "\x00" in value or not _encodable(value):
            raise ParamError(
                f"invalid value for param '{self.name}': NUL characters and lone "
                "surrogates cannot be sent to a database",
                param=self.name,
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


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def param_from_config(
    name: str, raw: Any, rel: str = "project.yml", line: int | None = None
) -> ParamSpec:
    """One ``params:`` entry; its default is validated here, so a broken default is a
    ConfigError at its line when the project loads, never a request's 400 later."""

    def error(message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(f"params.{name}: {message}", path=rel, line=line, hint=hint)

    if not isinstance(raw, dict):
        raise error("must be a mapping with a 'type'")
    unknown = sorted(set(raw) - {"type", "choices", "default", "min", "max", "max_length"})
    if unknown:
        raise error(
            f"unknown key {unknown[0]!r}",
            "a param has type, choices (choice), min/max (integer), max_length (string) "
            "and default",
        )
    kind = raw.get("type", "string")
    if kind not in PARAM_TYPES:
        raise error(f"unknown type {kind!r}", "use one of " + ", ".join(PARAM_TYPES))
    choices = tuple(str(c) for c in raw.get("choices", ()))
    if kind == "choice" and not choices:
        raise error("a choice param needs 'choices'")
    low, high, length = _limits(raw, kind, error)
    spec = ParamSpec(name, kind, choices, raw.get("default"), low, high, length)
    if spec.default is None:
        raise error("a param needs a default", "requests and runs that leave it out use it")
    try:
        spec.validate(spec.default)
    except ParamError as exc:
        raise error(f"its default {spec.default!r} is invalid: {exc.message}") from None
    return spec


def _limits(raw: dict, kind: str, error: Callable[[str], ConfigError]) -> tuple:
    """(min, max, max_length) of a ``params:`` entry, each checked against its type."""
    bounds = [raw.get("min"), raw.get("max")]
    if kind != "integer" and bounds != [None, None]:
        raise error("min and max are for integer params")
    if any(b is not None and (isinstance(b, bool) or not isinstance(b, int)) for b in bounds):
        raise error("min and max must be whole numbers")
    length = raw.get("max_length", MAX_TEXT)
    if "max_length" in raw and kind != "string":
        raise error("max_length is for string params")
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise error("max_length must be a whole number of at least 1")
    return bounds[0], bounds[1], length


class ParamSet(dict):
    """The project's params by name (``params:`` in the project file), declared once:
    every validation, an API's parameter schema and a CLI's options derive from it."""

    def resolve(
        self,
        given: Mapping[str, Any] | None = None,
        names: Mapping[str, str] | None = None,
        derived: Mapping[str, Callable[[Mapping[str, Any]], Any]] | None = None,
    ) -> ParamValues:
        """Every param's canonical value: each given one validated once (a ParamError
        names ``names[param]``, the name the caller's user typed, else the param), the
        others their default (validated when the project loaded; ``now`` is read now).
        ``derived``: params computed from the others' canonical values (an API's
        window length from its ``start`` date and ``as_of``), validated the same way
        after them; a computation that gives None leaves the default."""
        given, derived = dict(given or {}), dict(derived or {})
        unknown = sorted((set(given) | set(derived)) - set(self))
        if unknown:
            raise ParamError(f"'{unknown[0]}' is not a param of the project", param=unknown[0])
        values = {n: self._value(n, given, names) for n in self if n not in derived}
        for name, compute in derived.items():
            raw = compute(values)
            values[name] = self._value(name, {} if raw is None else {name: raw}, names)
        ordered = {n: values[n] for n in self}
        return ParamValues(ordered, tuple(n for n, s in self.items() if s.type == "choice"))

    def _value(self, name: str, given: Mapping[str, Any], names: Mapping[str, str] | None) -> Any:
        spec = self[name]
        if name not in given:
            return spec.validate(spec.default)
        try:
            return spec.validate(given[name])
        except ParamError as exc:
            shown = (names or {}).get(name, name)
            raise (exc if shown == name else _renamed(exc, shown)) from None


def _renamed(exc: ParamError, shown: str) -> ParamError:
    message = exc.message.replace(f"param '{exc.param}'", f"'{shown}' (it sets {exc.param})")
    return ParamError(message, param=shown, hint=exc.hint)


@dataclass(frozen=True)
class ParamValues(Mapping):
    """Canonical values of every declared param, validated once (``ParamSet.resolve``):
    what is passed on from there is trusted, never validated again."""

    values: Mapping[str, Any]
    choice_names: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def choices(self) -> dict[str, Any]:
        """The choice params' values: they are SQL text, so a compiled project is per them."""
        return {n: self.values[n] for n in self.choice_names}

    def bound(self) -> dict[str, Any]:
        """The others (timestamps, integers): bound as query parameters."""
        return {n: v for n, v in self.values.items() if n not in self.choice_names}


def resolve_params(specs: Mapping[str, ParamSpec], given: dict[str, Any]) -> dict[str, Any]:
    """Validated canonical values of every declared param (given value or default)."""
    if isinstance(specs, ParamSet):
        return dict(specs.resolve(given))
    return dict(ParamSet(specs).resolve(given))
