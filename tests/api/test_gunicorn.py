"""The HTTP matrix through a real gunicorn process on loopback (both engines)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys

import pytest

from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, ORIGIN, PATH, SECRET, token
from tests.helpers import REPO, free_port, wait_until_ready

pytestmark = pytest.mark.slow


@pytest.fixture
def server(db_url):
    seed(Workspace.open(REPO, db_url))
    port = free_port()
    env = {**os.environ, "JWT_SECRET": SECRET, "CORS_ORIGINS": ORIGIN, "DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "serve", "--project-dir", str(REPO), "--port", str(port),
         "--workers", "2", "--threads", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    if not wait_until_ready(port, 60):
        proc.kill()
        pytest.fail("gunicorn did not start: " + proc.stdout.read().decode()[-2000:])
    yield port
    proc.terminate()
    try:
        log = proc.communicate(timeout=15)[0].decode()
    except subprocess.TimeoutExpired:
        proc.kill()
        log = proc.communicate()[0].decode()
    assert SECRET not in log


def request(port, method="GET", path=PATH, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request(method, path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_matrix_through_gunicorn(server):
    admin = {"Authorization": f"Bearer {token()}"}
    status, headers, body = request(server, path=f"{PATH}?mode=unique&as_of={AS_OF}", headers=admin)
    assert status == 200 and headers["cache-control"] == "no-store"
    expected = json.loads((REPO / "tests/golden/dashboard_unique.json").read_text())
    assert json.loads(body) == expected
    cases = [
        ("GET", PATH, {}, 401),
        ("GET", PATH, {"Authorization": "Bearer nope"}, 401),
        ("GET", PATH, {"Authorization": f"Bearer {token(admin=False)}"}, 403),
        ("GET", PATH, {"Authorization": f"Bearer {token(token_type='refresh')}"}, 401),
        ("GET", f"{PATH}?mode=TOTAL", admin, 400),
        ("GET", f"{PATH}?mode=total&mode=unique", admin, 400),
        ("GET", f"{PATH}?as_of=nope", admin, 400),
        ("POST", PATH, admin, 405),
        ("DELETE", PATH, admin, 405),
    ]
    for method, path, hdrs, expected_status in cases:
        status, headers, body = request(server, method, path, hdrs)
        assert status == expected_status, (method, path, status)
        if status != 405 or method != "HEAD":
            assert "traceback" not in body.decode().lower()
        if status == 401:
            assert headers["www-authenticate"].startswith("Bearer")
    status, headers, _ = request(
        server, "OPTIONS", PATH, {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert status == 200 and headers["access-control-allow-origin"] == ORIGIN
