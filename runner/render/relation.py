"""What ``ref()``, ``source()`` and ``api.Relation.create`` give: a relation name that
renders as itself in SQL (it is a ``str``) and answers what packages ask a dbt Relation
(``identifier``, ``schema``, ``is_cte``, ``include()``; dbt_utils' ``_is_relation``
checks ``obj is mapping and obj.get('metadata')``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EPHEMERAL_PREFIX = "__dbt__cte__"


class Relation(str):
    """A relation by its bare name (found on the search path, as everything here)."""

    identifier: str
    schema: str
    database: str
    is_cte = False

    def __new__(cls, identifier: str, schema: str = "", database: str = "") -> Relation:
        obj = super().__new__(cls, identifier)
        obj.identifier, obj.schema, obj.database = identifier, schema or "", database or ""
        return obj

    @property
    def name(self) -> str:
        return self.identifier

    table = name

    def include(self, *args: Any, **kwargs: Any) -> Relation:
        return self

    def quote(self, *args: Any, **kwargs: Any) -> Relation:
        return self

    def render(self) -> str:
        return str(self)

    def get(self, key: str, default: Any = None) -> Any:
        """The mapping face dbt_utils' ``_is_relation`` reads."""
        return {"metadata": {"type": "Relation"}}.get(key, default)


Mapping.register(Relation)  # dbt's Relation is a mapping too ({{ obj is mapping }})


class RelationApi:
    """``api.Relation``: create one, and dbt's ephemeral prefix."""

    @staticmethod
    def create(
        database: str | None = None,
        schema: str | None = None,
        identifier: str | None = None,
        **kwargs: Any,
    ) -> Relation:
        return Relation(identifier or "", schema or "", database or "")

    @staticmethod
    def add_ephemeral_prefix(name: str) -> str:
        return EPHEMERAL_PREFIX + name
