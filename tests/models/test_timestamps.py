"""The SQLite timestamp parse (macros/time.sql, plain SQL) equals the reference's parser
on every form, valid or not. SQLite only: on PostgreSQL created_at is TIMESTAMPTZ and
the server parses it."""

from __future__ import annotations

import random
import sqlite3

from runner.render.renderer import Renderer
from runner.workspace import Workspace
from tests.helpers import REPO
from tests.reference import instant

PARTS = {
    "year": ["2024", "1999", "2000", "1900", "2100", "abcd", "0000"],
    "month": ["01", "02", "04", "05", "12", "13", "00"],
    "day": ["01", "15", "28", "29", "30", "31", "32", "00"],
    "hour": ["00", "09", "19", "23", "24", "9 "],
    "minute": ["00", "59", "60"],
    "second": ["00", "59", "60", "5"],
    "sep": [" ", "T", "x"],
    "frac": ["", ".5", ".123456", ".1234567", ".", ".12a", ".000001"],
    "tz": ["", "Z", "+00:00", "-00:00", "-05:00", "+05:30", "+12:45", "+99:99", "-0500",
           "+05:3", "z", " ", "ZZ", "+0a:00"],
}  # fmt: skip


def texts(n: int = 20000) -> list:
    rnd = random.Random(20240522)
    out: list = [None, 5, 3.5, "", "2024-05-22 10:00:00.1234567890123Z"]
    for _ in range(n):
        p = {k: rnd.choice(v) for k, v in PARTS.items()}
        text = (f"{p['year']}-{p['month']}-{p['day']}{p['sep']}{p['hour']}:{p['minute']}:"
                f"{p['second']}{p['frac']}{p['tz']}")  # fmt: skip
        out.append(text[: rnd.randrange(len(text))] if rnd.random() < 0.05 else text)
    return out


def test_sql_parse_equals_the_reference():
    ws = Workspace.open(REPO, "sqlite:///:memory:")
    parse = Renderer(ws.project, "sqlite").call_macro("utc_timestamp", ws.project.vars, {}, "x")
    values = texts()
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (i INTEGER, x)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    got = dict(conn.execute(f"SELECT i, {parse} FROM t"))
    valid = 0
    for i, value in enumerate(values):
        moment = instant(value) if isinstance(value, str) else None
        expected = None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        valid += expected is not None
        assert got[i] == expected, value
    assert valid > 300  # the generator reaches the valid forms, not only the broken ones
