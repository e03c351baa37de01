from __future__ import annotations

import falcon.testing
import pytest

from api.app import create_app
from api.auth import make_token
from api.config import Config
from api.endpoint import ENDPOINTS
from api.service import EndpointService
from runner.serving import Session
from runner.workspace import Workspace
from tests.conftest import ENGINES
from tests.helpers import REPO

SECRET = "test-secret-long-enough-for-every-hmac-algorithm-0123456789abcdef"
ORIGIN = "https://admin.urbanstore.co"
AS_OF = "2024-05-22T12:00:00Z"
PATH = "/api/analytics/dashboard-stats/"
#: every endpoint's path: the answers table (auth, CORS, no-store, 400, 405, 503) holds on each
PATHS = {e.cli_name: e.path + "/" for e in ENDPOINTS}


def config(**overrides) -> Config:
    """The tests' configuration: no refresher thread unless a test asks for one (an app
    made without a session would otherwise leave a thread polling a dropped database)."""
    defaults = {"jwt_secret": SECRET, "cors_origins": (ORIGIN,), "refresh_interval": 0}
    return Config(**{**defaults, **overrides})


def token(admin=True, **claims) -> str:
    return make_token(admin=admin, secret=SECRET, **claims)


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


@pytest.fixture(params=list(PATHS.values()), ids=list(PATHS))
def any_path(request) -> str:
    """Each endpoint's path in turn, for the tests of the answers every endpoint gives."""
    return request.param


@pytest.fixture
def seeded_service(store_db) -> EndpointService:
    """The endpoint over a private copy of the seed fixtures on the engine under test."""
    return EndpointService(Session(Workspace.open(REPO, store_db)))


@pytest.fixture
def client(seeded_service) -> falcon.testing.TestClient:
    """A client over the seeded fixtures on the engine under test."""
    return falcon.testing.TestClient(create_app(config(), seeded_service.session))


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory, store_templates) -> falcon.testing.TestClient:
    """One seeded SQLite app for the many auth and parameter cases (the database is not
    what they test)."""
    url = store_templates.copy("sqlite", tmp_path_factory.mktemp("api"))
    return falcon.testing.TestClient(create_app(config(), Session(Workspace.open(REPO, url))))


@pytest.fixture(scope="module", params=ENGINES)
def shared_client(request, tmp_path_factory, store_templates) -> falcon.testing.TestClient:
    """One app per engine for a module's tests that only read (every request finds the
    incremental state current, so none of them writes)."""
    if request.param == "postgres":
        request.getfixturevalue("pg_database")
    url = store_templates.copy(request.param, tmp_path_factory.mktemp("shared"))
    session = Session(Workspace.open(REPO, url))
    yield falcon.testing.TestClient(create_app(config(), session))
    session.adapter.close()
    store_templates.drop(url)
