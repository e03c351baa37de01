"""Hostile parameters (issue 4, item 2 and 3): always 400, never SQL in the answer, and
request values never become SQL text."""

from __future__ import annotations

import pytest

from api.service import EndpointService
from runner.errors import ParamError
from runner.serving import Session
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, bearer, token
from tests.helpers import REPO

SQLISH = ["total'; DROP TABLE events;--", "unique OR 1=1", "total/*", "1); SELECT pg_sleep(5);--"]
MODES = ["TOTAL", "Total", "total ", " total", "", "unique\x00", "total\x00", "tötal", "\u0074otal\u200b",
         "totalunique", "0", "null", "[]"] + SQLISH  # fmt: skip


def get(client, query_string: str):
    return client.simulate_get(PATH, headers=bearer(token()), query_string=query_string)


def assert_400(result, param: str):
    assert result.status_code == 400
    assert param in result.json["description"]
    text = result.text.lower()
    for word in ("select", "from events", "traceback", "sqlite", "psycopg"):
        assert word not in text


@pytest.mark.parametrize("mode", MODES)
def test_every_bad_spelling_of_mode(sqlite_client, mode):
    from urllib.parse import quote

    assert_400(get(sqlite_client, f"mode={quote(mode)}&as_of={AS_OF}"), "mode")


@pytest.mark.parametrize(
    ("query", "param"),
    [
        (f"mode=total&mode=total&as_of={AS_OF}", "mode"),
        (f"as_of={AS_OF}&as_of={AS_OF}", "as_of"),
        ("as_of=2024-05-22%00", "as_of"),
        ("as_of=%27%3B%20DROP%20TABLE%20events%3B--", "as_of"),
        ("as_of=2024-05-22T12:00:00Z%20OR%201=1", "as_of"),
    ],
)
def test_repeated_and_hostile_params(sqlite_client, query, param):
    assert_400(get(sqlite_client, query), param)


def test_10_kb_query_string_is_400(sqlite_client):
    result = get(sqlite_client, f"mode=total&as_of={AS_OF}&pad=" + "x" * 10_000)
    assert result.status_code == 400 and "query string" in result.json["description"]


@pytest.mark.parametrize(
    "extra", ["_=1716380000", "utm_source=instagram&utm_campaign=hot%20sale", "days=30", "mode2=x"]
)
def test_unknown_params_are_ignored(sqlite_client, extra):
    """Spec section 2: a cache-buster or tracking tags must not break the page."""
    plain = get(sqlite_client, f"mode=unique&as_of={AS_OF}")
    tagged = get(sqlite_client, f"mode=unique&as_of={AS_OF}&{extra}")
    assert tagged.status_code == 200 and tagged.json == plain.json


def test_as_of_never_reaches_sql_text(tmp_path):
    """The compiled SQL is the same whatever as_of is: it is a bound parameter."""
    session = Session(Workspace.open(REPO, f"sqlite:///{tmp_path}/x.db"))
    compiled = session.compiled(session.resolve({"mode": "total"}))
    texts = {name: m.sql for name, m in compiled.models.items()}
    assert all(":as_of" in texts[n] or "as_of" not in compiled.models[n].binds for n in texts)
    assert ":as_of" in texts["int_window_events"]
    assert not any("2024" in sql for sql in texts.values())


@pytest.mark.parametrize("mode", SQLISH)
def test_hostile_mode_cannot_change_a_query(tmp_path, mode):
    service = EndpointService(Session(Workspace.open(REPO, f"sqlite:///{tmp_path}/x.db")))
    with pytest.raises(ParamError):
        service.session.resolve({"mode": mode})
    with pytest.raises(ParamError):
        service.answer({"mode": mode, "as_of": AS_OF})
