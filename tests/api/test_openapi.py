"""The OpenAPI 3.1 document, and schemathesis against the app with its standard checks
(issue 4, item 2). Runs on the seeded fixtures with an admin token."""

from __future__ import annotations

import falcon.testing
import pytest
import schemathesis

from api.app import create_app
from api.dashboard import DashboardService
from runner.ops import Workspace, seed
from tests.api.conftest import config, token
from tests.conftest import REPO


def _app(tmp_dir):
    ws = Workspace.open(REPO, f"sqlite:///{tmp_dir}/openapi.db")
    seed(ws)
    return create_app(config(), DashboardService(ws))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return _app(tmp_path_factory.mktemp("openapi"))


def test_document_is_served_without_auth(app):
    result = falcon.testing.TestClient(app).simulate_get("/api/openapi.json")
    assert result.status_code == 200 and result.json["openapi"] == "3.1.0"


schema = schemathesis.pytest.from_fixture("openapi_schema")


@pytest.fixture(scope="module")
def openapi_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@schemathesis.auth()
class AdminToken:
    """Schemathesis applies the admin token itself, so it still tests missing auth."""

    def get(self, case, context):
        return token()

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.mark.slow
@schema.parametrize()
def test_schemathesis_finds_nothing(case):
    case.call_and_validate()
