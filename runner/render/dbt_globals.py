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

from runner.adapters import adapter_class
from runner.errors import TemplateError
from runner.render.introspection import Query, Statements
from runner.render.namespaces import Dispatcher
from runner.render.relation import Relation, RelationApi


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


class Adapter:
    """``adapter.dispatch('name', 'namespace')``: the macro for the target, in dbt's
    search order (runner/render/namespaces.py); ``quote``, and the catalogue lookups packages
    make, against the target while rendering (runner/render/introspection.py)."""

    def __init__(self, dispatcher: Dispatcher, statements: Statements) -> None:
        self._dispatcher, self._statements = dispatcher, statements

    def quote(self, name: Any) -> str:
        return '"' + str(name).replace('"', '""') + '"'

    def get_columns_in_relation(self, relation: Any) -> list:
        return self._statements.columns(relation)

    def get_relation(
        self, database: str | None = None, schema: str | None = None, identifier: str = ""
    ) -> Relation | None:
        return self._statements.load_relation(Relation(identifier, schema or "", database or ""))

    def load_relation(self, relation: Any) -> Relation | None:
        return self._statements.load_relation(relation)

    def dispatch(
        self, macro_name: str, macro_namespace: str | None = None, packages: Any = None
    ) -> Any:
        return self._dispatcher.find(macro_name, macro_namespace)

    def __getattr__(self, name: str) -> Any:
        raise TemplateError(
            f"adapter.{name} is not supported (only dispatch, quote, get_columns_in_relation, "
            "get_relation, load_relation)",
            hint="the adapter's introspection needs the database; write the SQL instead",
        )


def dbt_globals(
    dialect: str, schema: str | None, dispatcher: Dispatcher, query: Query | None = None
) -> dict[str, Any]:
    """The names dbt's context adds to ours, for one target dialect."""
    statements = Statements(query, dialect)
    target = SimpleNamespace(
        name=dialect,
        type=dialect,
        schema=schema or adapter_class(dialect).DEFAULT_SCHEMA,
        database="",
        threads=1,
        profile_name="",
    )
    return {
        "target": target,
        "execute": True,
        "log": _log,
        "return": _return,
        **statements.globals(),
        "api": SimpleNamespace(Relation=RelationApi()),
        # dbt's invocation flags packages read: models are rendered for a run
        "flags": SimpleNamespace(
            WHICH="run", FULL_REFRESH=False, STORE_FAILURES=False, WARN_ERROR=False
        ),
        "modules": SimpleNamespace(datetime=datetime, re=re, itertools=itertools),
        "adapter": Adapter(dispatcher, statements),
        "should_store_failures": lambda: False,  # generic tests count failing rows
    }
