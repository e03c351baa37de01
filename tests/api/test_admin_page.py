"""The store's real admin page, replayed (issue 10): its exact requests through a
gunicorn server on both engines, and each answer equal to the plain-Python reference.

The page (frontend/app/admin/page.js) sends, for its 7D / 30D / 90D buttons and its
Totales / Únicas chips, from its own origin and after a CORS preflight:

    GET {API}/api/analytics/dashboard-stats/?mode=M&start=<UTC today - N>&end=<UTC today>
    Authorization: Bearer <the token its login view issued>

and, when its analytics tab opens, the funnel, the alerts and RFM with no query string
(admin-endpoints.md).

The events are the seed fixtures moved so that they happened in the hour before the
test: as_of is the request time, so every window ends now.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from tests.api.conftest import PATH, PATHS
from tests.fixtures.events_seed import rows_as_of
from tests.helpers import REPO, create_events, free_port, wait_until_ready
from tests.reference import alerts, compute, funnel, instant, rfm

pytestmark = pytest.mark.slow

ORIGINS = ("http://localhost:3000", "https://urban-store-liart.vercel.app")
SECRET_KEY = "django-insecure-7c$w!q9(2_x#l@0r^h8v+e&k=m3n*u6p1s%t4y)zb-j5g"
PERIODS = (7, 30, 90)
MARGIN = timedelta(minutes=15)


def login_view_token(is_admin: bool = True) -> str:
    """What the store's login view signs: no token_type, jti or iat."""
    payload = {"user_id": "42", "email": "ana@urbanstore.co", "is_admin": is_admin,
               "exp": int(time.time()) + 7 * 86400}  # fmt: skip
    return jwt.encode(payload, SECRET_KEY, algorithm="HS256")


def store_rows(now: datetime) -> list[dict]:
    """The fixtures as of an hour ago, without the events so close to a window's edge
    that the few seconds between the reference's clock and the server's could decide."""
    rows = rows_as_of(now.replace(microsecond=0) - timedelta(hours=1))
    edges = [now - timedelta(days=n) for n in (*PERIODS, 90)]
    edges += [now - timedelta(hours=n) for n in (1, 6, 24)]  # the alerts' windows

    def clear(row: dict) -> bool:
        moment = instant(row["created_at"])
        return moment is None or all(abs(moment - edge) > MARGIN for edge in edges)

    return [row for row in rows if clear(row)]


@pytest.fixture
def store(db_url):
    """(port, rows): gunicorn on the engine under test over events of the last hours."""
    rows = store_rows(datetime.now(timezone.utc))
    create_events(db_url, rows)
    port = free_port()
    env = {**os.environ, "JWT_SECRET": SECRET_KEY, "CORS_ORIGINS": ",".join(ORIGINS),
           "DATABASE_URL": db_url}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "serve", "--project-dir", str(REPO), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        if not wait_until_ready(port, 60):
            pytest.fail("gunicorn did not start: " + proc.stdout.read().decode()[-2000:])
        yield port, rows
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def call(port: int, method: str, path: str, headers: dict[str, str]):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def page_request(days: int, mode: str) -> str:
    """The page's URL: `new Date(now - N * 86400000).toISOString().split('T')[0]`."""
    now = datetime.now(timezone.utc)
    start, end = (now - timedelta(days=days)).date(), now.date()
    return f"{PATH}?mode={mode}&start={start}&end={end}&_={int(now.timestamp() * 1000)}"


def test_the_pages_requests_answer_the_reference(store):
    port, rows = store
    token = login_view_token()
    for origin in ORIGINS:
        for days in PERIODS:
            for mode in ("total", "unique"):
                url = page_request(days, mode)
                status, headers, _ = call(port, "OPTIONS", url, {
                    "Origin": origin, "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization"})  # fmt: skip
                assert status == 200 and headers["access-control-allow-origin"] == origin
                assert "authorization" in headers["access-control-allow-headers"].lower()
                before = datetime.now(timezone.utc)
                status, headers, body = call(
                    port, "GET", url, {"Origin": origin, "Authorization": f"Bearer {token}"}
                )
                after = datetime.now(timezone.utc)
                assert status == 200, body[:300]
                assert headers["access-control-allow-origin"] == origin
                expected = [compute(rows, mode, t, days) for t in (before, after)]
                # equal to the reference as of the request time (either clock reading:
                # they differ only when the request straddles midnight UTC)
                assert json.loads(body) in expected, (origin, days, mode)
                assert json.loads(body)["total_sales"] > 0


def test_a_customer_token_and_another_origin_are_refused(store):
    port, _ = store
    url = page_request(7, "total")
    status, _, _ = call(port, "GET", url, {"Authorization": f"Bearer {login_view_token(False)}"})
    assert status == 403
    status, headers, _ = call(port, "OPTIONS", url, {
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})  # fmt: skip
    assert "access-control-allow-origin" not in headers


#: the admin page's other calls, with the reference's body for an instant
OTHERS = {
    "funnel": lambda rows, as_of: funnel(rows, as_of),
    "alerts": lambda rows, as_of: alerts(rows, as_of),
    "rfm": lambda rows, as_of: rfm(rows, as_of),
}


def test_the_pages_other_analytics_answer_the_reference(store):
    """No query string: each as of the request time, which the body says (end_date, the
    alerts' timestamp) to the microsecond, between the clock readings around the call."""
    port, rows = store
    token = login_view_token()
    for origin in ORIGINS:
        for name, reference in OTHERS.items():
            before = datetime.now(timezone.utc)
            status, headers, body = call(
                port, "GET", PATHS[name], {"Origin": origin, "Authorization": f"Bearer {token}"}
            )
            after = datetime.now(timezone.utc)
            assert status == 200, body[:300]
            assert headers["access-control-allow-origin"] == origin
            assert headers["cache-control"] == "no-store"
            got = json.loads(body)
            shown = got["alerts"][0]["timestamp"] if name == "alerts" else got["end_date"]
            as_of = datetime.fromisoformat(shown)
            assert before <= as_of <= after
            assert got == reference(rows, as_of), name
    status, _, _ = call(
        port, "GET", PATHS["rfm"], {"Authorization": f"Bearer {login_view_token(False)}"}
    )
    assert status == 403
