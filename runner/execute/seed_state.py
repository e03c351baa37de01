"""What each seed was when it was last loaded, so reloading an unchanged seed keeps the
incremental models built on it.

dbt's ``seed`` replaces the table every time, and so do we; what we add is knowing
whether anything changed. Incremental models keep a watermark of their source (its last
id, say); a reload that changes the rows invalidates it, a reload of the same file over
an untouched table does not. The record is one small table in the models' schema:
seed name, SHA-256 of the file, and the row count it left. A seed counts as changed when
its file's checksum differs, when the table's row count differs from the recorded one
(something wrote to it since), or when there is no record.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from runner.adapters.base import Adapter

TABLE = "runner_seed_state"


def file_checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class SeedState:
    """The recorded (checksum, row count) per seed, read and written on one connection."""

    def __init__(self, adapter: Adapter, conn: Any) -> None:
        self.adapter, self.conn = adapter, conn
        self.table = adapter.qualify(TABLE)
        adapter.execute(
            conn,
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            "(seed TEXT PRIMARY KEY, checksum TEXT NOT NULL, row_count INTEGER NOT NULL)",
        )
        rows = adapter.query(conn, f"SELECT seed, checksum, row_count FROM {self.table}")[1]
        self.recorded = {name: (checksum, count) for name, checksum, count in rows}

    def rows_now(self, table: str) -> int | None:
        """The seed table's row count before reloading it (None when it does not exist)."""
        if self.adapter.relation_kind(self.conn, table, source=True) != "table":
            return None
        return self.adapter.count(self.conn, self.adapter.qualify(table, source=True))

    def unchanged(self, name: str, checksum: str, rows_before: int | None) -> bool:
        recorded = self.recorded.get(name)
        return recorded is not None and recorded == (checksum, rows_before)

    def record(self, name: str, checksum: str, rows: int) -> None:
        with self.adapter.transaction(self.conn):
            self.adapter.execute(
                self.conn, f"DELETE FROM {self.table} WHERE seed = :seed", {"seed": name}
            )
            self.adapter.execute(
                self.conn,
                f"INSERT INTO {self.table} (seed, checksum, row_count) "
                "VALUES (:seed, :checksum, :rows)",
                {"seed": name, "checksum": checksum, "rows": rows},
            )
        self.recorded[name] = (checksum, rows)
