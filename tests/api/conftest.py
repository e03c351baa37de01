from __future__ import annotations

import falcon.testing
import pytest

from api.app import create_app
from api.auth import make_token
from api.config import Config
from api.service import EndpointService
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.helpers import REPO

SECRET = "test-secret-long-enough-for-every-hmac-algorithm-0123456789abcdef"
ORIGIN = "https://admin.urbanstore.co"
AS_OF = "2024-05-22T12:00:00Z"
PATH = "/api/analytics/dashboard-stats/"


def config(**overrides) -> Config:
    return Config(**{"jwt_secret": SECRET, "cors_origins": (ORIGIN,), **overrides})


def token(admin=True, **claims) -> str:
    return make_token(admin=admin, secret=SECRET, **claims)


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


@pytest.fixture
def seeded_service(db_url) -> EndpointService:
    ws = Workspace.open(REPO, db_url)
    seed(ws)
    return EndpointService(Session(ws))


@pytest.fixture
def client(seeded_service) -> falcon.testing.TestClient:
    """A client over the seeded fixtures on the engine under test."""
    return falcon.testing.TestClient(create_app(config(), seeded_service.session))


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory) -> falcon.testing.TestClient:
    """One seeded SQLite app for the many auth and parameter cases (the database is not
    what they test)."""
    path = tmp_path_factory.mktemp("api") / "api.db"
    ws = Workspace.open(REPO, f"sqlite:///{path}")
    seed(ws)
    return falcon.testing.TestClient(create_app(config(), Session(ws)))
