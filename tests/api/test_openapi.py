"""The OpenAPI 3.1 document, and schemathesis against the app with its standard checks
(issue 4, item 2). Runs on the seeded fixtures with an admin token."""

from __future__ import annotations

from datetime import date

import falcon.testing
import pytest
import schemathesis
from schemathesis import GenerationMode

from api.app import create_app
from api.endpoint import DASHBOARD_STATS, ENDPOINTS
from api.period import DATE, resolve_request
from runner.errors import ParamError
from runner.project.loader import load_project
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import config, token
from tests.helpers import REPO


def _app(tmp_dir):
    ws = Workspace.open(REPO, f"sqlite:///{tmp_dir}/openapi.db")
    seed(ws)
    return create_app(config(), Session(ws))


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


@schemathesis.hook
def filter_case(ctx, case) -> bool:
    """Spec section 2 has rules across parameters that a parameter's JSON schema cannot
    state: ``end`` excludes ``as_of``, and N = end - start must be 1 to 366 days. Valid
    cases that break them are left out (schemathesis would call their 400 a rejected
    valid request); negative cases all run. tests/api/test_params.py checks each rule."""
    meta = getattr(case, "meta", None)
    negative = meta is not None and meta.generation.mode == GenerationMode.NEGATIVE
    query = case.query or {}
    endpoint = next((e for e in ENDPOINTS if case.path.rstrip("/") == e.path), DASHBOARD_STATS)
    if negative or not query or endpoint.period is None or endpoint.period.days is None:
        return True  # a fixed window reads as_of alone: no rule across parameters
    if "end" in query and "as_of" in query:
        return False
    dates = {k: query[k] for k in ("start", "end", "as_of") if isinstance(query.get(k), str)}
    if "start" in dates and _is_date(dates["start"]):
        try:
            resolve_request(endpoint, load_project(REPO).params, dates)
        except ParamError as exc:
            return exc.param != "start"
    return True


def _is_date(text: str) -> bool:
    try:
        return bool(DATE.match(text)) and date.fromisoformat(text).year >= 1900
    except ValueError:
        return False


@pytest.mark.slow
@schema.parametrize()
def test_schemathesis_finds_nothing(case):
    case.call_and_validate()
