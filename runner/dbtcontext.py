"""The parts of dbt's Jinja context that packages and dbt-written macros lean on:
``target``, ``execute``, ``log``, ``modules``, ``return()``, ``adapter.dispatch`` and
``run_query`` (refused: rendering never touches the database here).

Rendering is done once, before any database is opened, so ``execute`` is true (the SQL
rendered is the SQL run) and nothing here can query.
"""

from __future__ import annotations

import datetime
import itertools
import re
import sys
from types import SimpleNamespace
from typing import Any

from runner.adapters import DEFAULT_SCHEMA
from runner.errors import TemplateError


class MacroReturn(Exception):  # noqa: N818 - dbt's name for the same device
    """``{{ return(value) }}`` inside a macro: the call's value is ``value``."""

    def __init__(self, value: Any) -> None:
        super().__init__("return")
        self.value = value


def returning(macro):
    """Wrap a Jinja macro so a ``return()`` inside it becomes its value."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return macro(*args, **kwargs)
        except MacroReturn as done:
            return done.value

    return call


def _return(value: Any = None) -> None:
    raise MacroReturn(value)


def _log(message: Any, info: bool = False) -> str:
    """dbt's log(): to stderr when ``info``; renders as nothing."""
    if info:
        print(str(message), file=sys.stderr)
    return ""


def _run_query(*_args: Any, **_kwargs: Any) -> None:
    raise TemplateError(
        "run_query() is not supported: models are rendered before any database is opened",
        hint="compute the values in SQL (a CTE or a model) instead of at render time",
    )


class Adapter:
    """``adapter.dispatch('name')``: the macro for the target, in dbt's order (the
    target's ``<type>__name``, then ``default__name``)."""

    def __init__(self, registry: dict[str, Any], dialects: tuple[str, ...]) -> None:
        self._registry, self._dialects = registry, dialects

    def dispatch(self, name: str, macro_namespace: str | None = None) -> Any:
        for prefix in (*self._dialects, "default"):
            macro = self._registry.get(f"{prefix}__{name}")
            if macro is not None:
                return macro
        raise TemplateError(
            f"adapter.dispatch('{name}'): no macro {self._dialects[0]}__{name} or default__{name}",
            hint=f"define {self._dialects[0]}__{name} or default__{name} in the macro paths",
        )

    def __getattr__(self, name: str) -> Any:
        raise TemplateError(
            f"adapter.{name} is not supported (only adapter.dispatch)",
            hint="the adapter's introspection needs the database; write the SQL instead",
        )


def dbt_globals(
    dialect: str, schema: str | None, registry: dict, fallbacks: tuple[str, ...]
) -> dict[str, Any]:
    """The names dbt's context adds to ours, for one target dialect."""
    target = SimpleNamespace(
        name=dialect,
        type=dialect,
        schema=schema or DEFAULT_SCHEMA.get(dialect, "main"),
        database="",
        threads=1,
        profile_name="",
    )
    return {
        "target": target,
        "execute": True,
        "log": _log,
        "return": _return,
        "run_query": _run_query,
        "modules": SimpleNamespace(datetime=datetime, re=re, itertools=itertools),
        "adapter": Adapter(registry, (dialect, *fallbacks)),
    }
