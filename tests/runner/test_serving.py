"""The serving facade (runner/serving.py): one Session between an application and the
runner. A request's params are validated once; a watched project reloads when any file
it was read from changes, bound exactly as ``Workspace.open`` binds it."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest

from runner.errors import ConfigError, ParamError
from runner.project.params import ParamSpec
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace


def seeded(root, url: str, **options) -> Session:
    seed(Workspace.open(root, url))
    return Session.open(root, url, **options)


def touch_write(path, text: str) -> None:
    """Write and move the mtime forward (some file systems keep coarse times)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def test_query_reads_the_outputs_with_the_given_params(shop, db_url):
    session = seeded(shop(), db_url)
    rows = session.query(["final"], session.resolve({"mode": "unique"}))
    assert sorted(r["q2"] for r in rows["final"]) == [6, 10]


def test_a_requests_params_are_validated_once(shop, db_url, monkeypatch):
    session = seeded(shop(), db_url)
    calls: Counter = Counter()
    real = ParamSpec.validate

    def counting(self, value):
        if threading.current_thread() is threading.main_thread():
            calls[self.name] += 1
        return real(self, value)

    monkeypatch.setattr(ParamSpec, "validate", counting)
    values = session.resolve({"mode": "unique", "as_of": "2024-05-22T12:00:00Z"})
    session.query(["final"], values)  # the first query compiles for its mode, too
    session.query(["final"], values)
    assert calls == {"mode": 1, "as_of": 1}


def test_an_invalid_value_names_the_callers_parameter(shop, db_url):
    session = seeded(shop(), db_url)
    with pytest.raises(ParamError) as err:
        session.resolve({"mode": "TOTAL"}, names={"mode": "--mode"})
    assert err.value.param == "--mode" and "total, unique" in err.value.message


def test_the_declared_params_are_the_projects(shop, db_url):
    session = Session.open(shop(), db_url)
    assert session.params["mode"].choices == ("total", "unique")
    assert session.params["as_of"].type == "timestamp"


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("transform/final.sql", "select id, q2 * 10 as q2 from {{ ref('doubled') }}\n"),
        ("dbt_project.yml", None),  # the project file under dbt's name
        ("macros/twice.sql", "{% macro default__twice(c) %}({{ c }} * 20){% endmacro %}\n"
         "{% macro sqlite__twice(c) %}({{ c }} * 20){% endmacro %}\n"),
    ],
)  # fmt: skip
def test_a_watched_session_reloads_when_any_file_of_the_project_changes(
    make_project, db_url, where, text
):
    root = make_project(DBT_SHOP)
    session = seeded(root, db_url, watch=True, watch_interval=0)
    before = sorted(r["q2"] for r in session.query(["final"])["final"])
    if text is None:
        text = (root / "dbt_project.yml").read_text().replace("minimum: 1", "minimum: 4")
    touch_write(root / where, text)
    after = sorted(r["q2"] for r in session.query(["final"])["final"])
    assert after != before and session.last_error is None


def test_a_reloaded_project_is_bound_as_open_binds_it(make_project, db_url):
    """Schemas resolved and run_query available while rendering, as on the first load."""
    root = make_project({**DBT_SHOP, "transform/counted.sql": COUNTED})
    session = seeded(root, db_url, watch=True, watch_interval=0)
    assert session.query(["counted"])["counted"] == [{"n": 3}]
    touch_write(root / "transform/counted.sql", COUNTED.replace("as n", "as n, 1 as one"))
    assert session.query(["counted"])["counted"] == [{"n": 3, "one": 1}]
    assert session.project == Workspace.open(root, db_url).project


def test_a_broken_change_keeps_the_last_good_project(make_project, db_url):
    root = make_project(DBT_SHOP)
    session = seeded(root, db_url, watch=True, watch_interval=0)
    before = session.query(["final"])
    touch_write(root / "transform/final.sql", "select {{ nope }} from {{ ref('doubled') }}\n")
    assert session.query(["final"]) == before
    assert "transform/final.sql" in session.last_error.format()


def test_a_broken_param_default_is_a_located_error_when_the_project_loads(make_project):
    root = make_project({
        "project.yml": "name: p\nparams:\n  mode: {type: choice, choices: [a, b], default: a}\n"
        "  window_days: {type: integer, min: 1, max: 366, default: 0}\n",
    })  # fmt: skip
    with pytest.raises(ConfigError) as err:
        Session.open(root, "sqlite:///:memory:")
    assert err.value.location() == "project.yml:4"
    assert "default 0" in err.value.message and "1..366" in err.value.message


DBT_SHOP = {
    "project.yml": None,
    "dbt_project.yml": """
        name: shop
        model-paths: [transform]
        vars:
          minimum: 1
        params:
          as_of: {type: timestamp, default: "2024-01-01T00:00:00"}
          mode: {type: choice, choices: [total, unique], default: total}
        sources:
          shop:
            tables:
              items: {}
        seeds:
          items: {}
    """,
    "seeds/items.csv": "id,name,qty\n1,a,3\n2,b,0\n3,c,5\n",
    "transform/base.sql": """
        {{ config(materialized='table') }}
        select id, name, qty from {{ source('shop', 'items') }}
        where qty >= {{ var('minimum') }}
    """,
    "transform/doubled.sql": """
        {{ config(materialized='ephemeral') }}
        select id, {{ twice('qty') }} as q2 from {{ ref('base') }}
    """,
    "transform/final.sql": "select id, q2 from {{ ref('doubled') }}\n",
    "macros/twice.sql": """
        {% macro sqlite__twice(c) %}({{ c }} * 2){% endmacro %}
        {% macro default__twice(c) %}({{ c }} + {{ c }}){% endmacro %}
    """,
}
COUNTED = """
{%- set found = run_query("select count(*) from items") -%}
select {{ found.rows[0][0] }} as n
"""
