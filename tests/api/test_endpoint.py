"""The endpoint over the seed fixtures, on both engines: shape, params, methods, CORS,
caching, database faults."""

from __future__ import annotations

import json
from pathlib import Path

import falcon.testing
import pytest

from api.app import create_app
from runner.adapters import ConnectionSettings
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, ORIGIN, PATH, bearer, config, token
from tests.helpers import REPO

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def get(client, path=PATH, headers=None, **params):
    return client.simulate_get(path, headers=headers or bearer(token()), params=params)


@pytest.mark.parametrize("mode", ["total", "unique"])
def test_body_is_the_golden_dashboard(client, mode):
    result = get(client, mode=mode, as_of=AS_OF)
    assert result.status_code == 200
    expected = json.loads((GOLDEN / f"dashboard_{mode}.json").read_text(encoding="utf-8"))
    assert result.json == expected
    assert list(result.json) == list(expected)
    assert result.headers["Cache-Control"] == "no-store"
    assert result.headers["Content-Type"].startswith("application/json")


def test_default_mode_is_total_and_path_without_slash(client):
    result = get(client, path=PATH.rstrip("/"), as_of=AS_OF)
    assert result.status_code == 200 and result.json["mode"] == "total"


def test_as_of_defaults_to_now(client):
    body = get(client).json  # the fixtures are in 2024: today's window is empty
    assert body["total_sales"] == 0 and len(body["events_timeline"]) == 8


@pytest.mark.parametrize("mode", ["TOTAL", "total ", "", "Unique", "all", "total' OR '1'='1"])
def test_bad_mode_is_400_naming_it(sqlite_client, mode):
    result = get(sqlite_client, mode=mode, as_of=AS_OF)
    assert result.status_code == 400
    assert '"mode"' in result.json["description"]


def test_mode_twice_is_400(sqlite_client):
    result = sqlite_client.simulate_get(
        PATH, headers=bearer(token()), query_string="mode=total&mode=total"
    )
    assert result.status_code == 400 and "mode" in result.json["description"]


@pytest.mark.parametrize(
    "as_of", ["yesterday", "2024-13-40", "", "2024-05-22T12:00:00Z'; drop table events;--"]
)
def test_bad_as_of_is_400_naming_it(sqlite_client, any_path, as_of):
    result = get(sqlite_client, any_path, as_of=as_of)
    assert result.status_code == 400 and "as_of" in result.json["description"]
    assert result.headers["Cache-Control"] == "no-store"


def test_as_of_twice_is_400_naming_it(sqlite_client, any_path):
    query = f"as_of={AS_OF}&as_of={AS_OF}"
    result = sqlite_client.simulate_get(any_path, headers=bearer(token()), query_string=query)
    assert result.status_code == 400 and "as_of" in result.json["description"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_are_405(sqlite_client, any_path, method):
    result = sqlite_client.simulate_request(method, any_path, headers=bearer(token()))
    assert result.status_code == 405
    assert "GET" in result.headers["Allow"]


def test_cors_preflight_needs_no_token(sqlite_client, any_path):
    result = sqlite_client.simulate_options(
        any_path,
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "authorization"},
    )  # fmt: skip
    assert result.status_code == 200
    assert result.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "GET" in result.headers["Access-Control-Allow-Methods"]


def test_cors_other_origin_gets_no_allow_header(sqlite_client, any_path):
    headers = {**bearer(token()), "Origin": "https://evil.example"}
    result = get(sqlite_client, any_path, headers=headers, as_of=AS_OF)
    assert result.status_code == 200
    assert "Access-Control-Allow-Origin" not in result.headers


def test_cors_and_no_store_on_200_for_allowed_origin(sqlite_client, any_path):
    result = get(
        sqlite_client, any_path, headers={**bearer(token()), "Origin": ORIGIN}, as_of=AS_OF
    )
    assert result.status_code == 200
    assert result.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert result.headers["Cache-Control"] == "no-store"
    assert result.headers["Content-Type"].startswith("application/json")


def test_cors_header_on_401_and_403_for_allowed_origin(sqlite_client, any_path):
    for headers in ({"Origin": ORIGIN}, {**bearer(token(admin=False)), "Origin": ORIGIN}):
        result = get(sqlite_client, any_path, headers=headers)
        assert result.status_code in (401, 403)
        assert result.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert result.headers["Cache-Control"] == "no-store"


def test_health_and_ready_need_no_auth(client):
    assert client.simulate_get("/healthz").json == {"status": "ok"}
    ready = client.simulate_get("/readyz")
    assert ready.status_code == 200 and ready.json["database"] == "ok"


def _down_url(engine, tmp_path):
    if engine == "sqlite":
        return f"sqlite:///{tmp_path}/not-there-yet.db"
    return "postgresql://postgres@127.0.0.1:1/nowhere"


def test_database_down_is_503_json_without_details(engine, any_path, tmp_path):
    ws = Workspace.open(
        REPO, _down_url(engine, tmp_path), settings=ConnectionSettings(read_only=True)
    )
    client = falcon.testing.TestClient(create_app(config(), Session(ws)))
    result = get(client, any_path, as_of=AS_OF)
    assert result.status_code == 503
    assert int(result.headers["Retry-After"]) > 0
    text = result.text.lower()
    assert set(result.json) == {"title", "description"}
    for leak in ("select", "traceback", "127.0.0.1", "postgres", "sqlite", "not-there-yet"):
        assert leak not in text
    assert client.simulate_get("/readyz").status_code == 503


def test_sqlite_server_recovers_when_the_file_appears(tmp_path):
    url = f"sqlite:///{tmp_path}/later.db"
    client = falcon.testing.TestClient(
        create_app(
            config(),
            Session(Workspace.open(REPO, url, settings=ConnectionSettings(read_only=True))),
        )
    )
    assert get(client, as_of=AS_OF).status_code == 503
    seed(Workspace.open(REPO, url))
    assert get(client, as_of=AS_OF).status_code == 200


def test_api_cannot_write_the_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path}/ro.db"
    seed(Workspace.open(REPO, url))
    ws = Workspace.open(REPO, url, settings=ConnectionSettings(read_only=True))
    from runner.errors import DatabaseError

    with ws.adapter.connection() as conn, pytest.raises(DatabaseError, match="readonly"):
        ws.adapter.execute(conn, "UPDATE events SET price = '0'")
    assert (
        get(falcon.testing.TestClient(create_app(config(), Session(ws))), as_of=AS_OF).status_code
        == 200
    )


def test_create_app_reads_the_database_the_cli_way(tmp_path, db_url, monkeypatch):
    """`database:` in project.yml (no DATABASE_URL, no config value): the app opens it
    with its own connection settings, whatever the engine (issue 10, item 5)."""
    from tests.helpers import copy_project

    root = copy_project(tmp_path / "project")
    config_file = root / "project.yml"
    text = config_file.read_text(encoding="utf-8")
    assert "database: sqlite:///target/store.db" in text
    config_file.write_text(
        text.replace("database: sqlite:///target/store.db", f"database: '{db_url}'")
    )
    monkeypatch.delenv("DATABASE_URL", raising=False)
    seed(Workspace.open(root))
    client = falcon.testing.TestClient(create_app(config(project_dir=root)))
    result = get(client, mode="total", as_of=AS_OF)
    assert result.status_code == 200
    assert result.json == json.loads((GOLDEN / "dashboard_total.json").read_text(encoding="utf-8"))
