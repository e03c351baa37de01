"""runner/tasks/build.py: seed, run and build as a person runs them, on both engines:
a changed seed's incremental models are dropped and said so, and rebuilt with what
reads them before anything reads them stale (issue 24, item 6); build warns about an
empty table as run does (item 7) and prints run's counters and timings (item 11)."""

from __future__ import annotations

import re

import pytest

from runner.cli import main
from runner.tasks.build import build, run, seed
from runner.workspace import Workspace

#: an incremental model over the seeded items, a table over it, a view over that
CHAIN = {
    "models__log_sql": """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, qty from {{ source('shop', 'items') }}
        {% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
    """,
    "models__mid_sql": """
        {{ config(materialized='table') }}
        select count(*) as n from {{ ref('log') }}
    """,
    "models__top_sql": "select n from {{ ref('mid') }}",
}


@pytest.fixture
def chain(shop, db_url):
    root = shop(**CHAIN)
    ws = Workspace.open(root, db_url)
    assert {r.status for r in build(ws, None)} <= {"OK", "PASS"}
    with (root / "seeds/items.csv").open("a") as csv:
        csv.write("4,d,7\n")  # the seed changes: log's watermark means nothing now
    return ws


def top(ws) -> int:
    with ws.adapter.connection() as conn:
        return ws.adapter.query(conn, "select n from top")[1][0][0]


def test_build_rebuilds_what_a_changed_seed_dropped_before_reading_it(chain):
    """It used to drop log silently, build only top, and answer OK over the stale mid."""
    seeds, notes = [], []
    results = build(chain, ["top"], on_seed=seeds.append, on_note=notes.append)
    assert [s.dropped for s in seeds] == [("log",)]
    assert [(r.name, r.status) for r in results] == [("log", "OK"), ("mid", "OK"), ("top", "OK")]
    assert len(notes) == 1 and notes[0].startswith("also building log, mid: ")
    assert top(chain) == 4


def test_run_after_seed_rebuilds_them_too(chain):
    seed(chain)
    notes = []
    assert [r.name for r in run(chain, ["top"], None, on_note=notes.append)] == [
        "log", "mid", "top"
    ]  # fmt: skip
    assert notes and top(chain) == 4
    notes.clear()
    assert [r.name for r in run(chain, ["top"], None, on_note=notes.append)] == ["top"]
    assert notes == []  # built now: nothing added


def test_the_seed_line_says_what_it_dropped(chain, capsys):
    args = ["--project-dir", str(chain.project.root), "--database", chain.adapter.url]
    assert main(["seed", *args]) == 0
    out = capsys.readouterr().out
    assert "it changed since it was last loaded: dropped log (incremental" in out
    assert main(["seed", *args]) == 0  # unchanged now: nothing dropped, nothing said
    assert "dropped" not in capsys.readouterr().out


def test_build_warns_about_an_empty_table_as_run_does(shop, db_url, capsys):
    """Issue 24, 7: build left all-zero marts without the warning run prints."""
    args = ["--project-dir", str(shop()), "--database", db_url]
    assert main(["build", *args, "--vars", '{"minimum": 99}']) == 0
    assert "warning: base (table) holds no rows" in capsys.readouterr().err


def test_build_prints_runs_counters_and_timings(shop, db_url, capsys):
    """Issue 24, 11: build's lines had neither [i/n] nor the summary's time."""
    assert main(["build", "--project-dir", str(shop()), "--database", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"\[1/2\] base table 2 \d+\.\d\ds OK", out[1])
    assert re.fullmatch(r"\[2/2\] final view - \d+\.\d\ds OK", out[2])
    assert re.fullmatch(r"Done in \d+\.\d\ds: 2 OK/PASS, 0 ERROR/FAIL/SKIPPED \(\w+\)", out[-1])


def test_an_unknown_seed_suggests_the_closest(shop, db_url, capsys):
    """Issue 24, 11: it said `names: no seed named itemz`, nothing more."""
    assert main(["seed", "itemz", "--project-dir", str(shop()), "--database", db_url]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: no seed named 'itemz'",
        "  hint: did you mean 'items'?",
    ]
