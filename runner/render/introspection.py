"""dbt's ``run_query``, ``{% call statement(...) %}`` and ``load_result`` at render time.

Packages compute values with a query while rendering (dbt_date's date spine asks the
database how many days lie between two dates; dbt_utils' ``get_column_values`` reads a
column). Here a model is rendered before the run, so such a query runs against the
target database as it is *before* the run: it sees seeds and sources, and models only
as a previous run left them. Without a database (``runner compile`` of a project whose
engine is not reachable) it is an error at the line that queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from runner.errors import RunnerError, TemplateError
from runner.render.relation import Relation

Query = Callable[[str], tuple[list[str], list[tuple]]]


class Column:
    """agate's column, as packages use it: ``.name`` and ``.values()``."""

    def __init__(self, name: str, values: list[Any]) -> None:
        self.name, self._values = name, values

    def values(self) -> list[Any]:
        return list(self._values)


class Row(tuple):
    """A row: by position (``row[0]``) or by column name (``row['n']``)."""

    columns: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self.columns.index(key))
        return super().__getitem__(key)


class Table:
    """What ``run_query`` returns: agate's Table, as far as packages read it."""

    def __init__(self, names: list[str], rows: list[tuple]) -> None:
        self.column_names = tuple(names)
        self.rows = [_row(self.column_names, r) for r in rows]
        self.columns = [Column(n, [r[i] for r in rows]) for i, n in enumerate(names)]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _row(names: tuple[str, ...], values: tuple) -> Row:
    row = Row(values)
    row.columns = names
    return row


#: a relation's columns and types, looked up by its bare name as the SQL would find it
COLUMNS = {
    "postgres": "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
    "WHERE attrelid = to_regclass({name}) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    "sqlite": "SELECT name, type FROM pragma_table_info({name}) ORDER BY cid",
}


class DbtColumn:
    """dbt's Column, as packages read it."""

    def __init__(self, name: str, data_type: str) -> None:
        self.name = self.column = name
        self.data_type = self.dtype = data_type
        self.quoted = '"' + name.replace('"', '""') + '"'

    def is_string(self) -> bool:
        return self.data_type.lower().startswith(("char", "varchar", "text", "string"))

    def is_integer(self) -> bool:
        return self.data_type.lower() in ("integer", "int", "bigint", "smallint", "int4", "int8")

    def is_float(self) -> bool:
        return self.data_type.lower() in ("real", "double precision", "float", "float8")

    def is_numeric(self) -> bool:
        return self.data_type.lower().startswith(("numeric", "decimal"))

    def is_number(self) -> bool:
        return self.is_integer() or self.is_float() or self.is_numeric()

    def string_size(self) -> int:
        """dbt's: the declared length of a string column (256 when it has none)."""
        size = re.search(r"\((\d+)\)", self.data_type)
        return int(size.group(1)) if size else 256


class Statements:
    """The functions one rendering shares: results are kept by statement name."""

    def __init__(self, query: Query | None, dialect: str = "postgres") -> None:
        self._query, self._results, self._dialect = query, {}, dialect

    def columns(self, relation: Any) -> list[DbtColumn]:
        """``adapter.get_columns_in_relation``: of a relation that exists now."""
        name = "'" + str(relation).replace("'", "''") + "'"
        found = self.run_query(COLUMNS[self._dialect].format(name=name))
        if not found.rows:
            raise TemplateError(
                f"the columns of {relation} were asked for while rendering, and it does "
                "not exist (yet)",
                hint="rendering happens before the run here (dbt renders each model just "
                "before building it): build what it reads first (runner run --select +name)",
            )
        return [DbtColumn(str(n), str(t)) for n, t in found.rows]

    def load_relation(self, relation: Any) -> Relation | None:
        """dbt's ``load_relation``/``adapter.get_relation``: the relation, if it exists."""
        name = "'" + str(relation).replace("'", "''") + "'"
        found = self.run_query(COLUMNS[self._dialect].format(name=name))
        if not found.rows:
            return None
        return relation if isinstance(relation, Relation) else Relation(str(relation))

    def run_query(self, sql: str) -> Table:
        if self._query is None:
            raise TemplateError(
                "run_query() needs the database, and none is open while rendering here",
                hint="render with a database (runner run/build/compile --database ...)",
            )
        try:
            return Table(*self._query(str(sql)))
        except RunnerError as error:
            raise TemplateError(
                f"a query run while rendering failed: {error.message}",
                hint="it runs before the run builds anything: it can read seeds and "
                "sources, and models only as a previous run left them",
            ) from None

    def statement(
        self, name: str | None = None, fetch_result: bool = False, *args: Any, **kwargs: Any
    ) -> str:
        """``{% call statement('n', fetch_result=True) %}sql{% endcall %}``."""
        caller = kwargs.pop("caller", None)
        sql = caller() if caller is not None else ""
        table = self.run_query(sql)
        if name:
            self._results[name] = {
                "data": [tuple(r) for r in table.rows],
                "table": table,
                "response": None,
            }
        return ""

    def load_result(self, name: str) -> dict[str, Any] | None:
        return self._results.get(name)

    def globals(self) -> dict[str, Any]:
        return {
            "run_query": self.run_query,
            "statement": self.statement,
            "load_result": self.load_result,
            "load_relation": self.load_relation,
        }
