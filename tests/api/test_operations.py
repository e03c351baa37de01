"""Operations (issue 4, item 6): one structured log line per request, never a secret."""

from __future__ import annotations

import logging

from tests.api.conftest import AS_OF, PATH, SECRET, bearer, token


def test_one_log_line_per_request_without_token_or_secret(sqlite_client, caplog):
    tok = token()
    with caplog.at_level(logging.INFO, logger="api.access"):
        sqlite_client.simulate_get(
            PATH, headers=bearer(tok), params={"mode": "unique", "as_of": AS_OF}
        )
        sqlite_client.simulate_get(PATH, headers=bearer("x.y.z"))
    lines = [r.getMessage() for r in caplog.records if r.name == "api.access"]
    assert len(lines) == 2
    assert lines[0].startswith(
        "method=GET path=/api/analytics/dashboard-stats/ status=200 duration_ms="
    )
    assert lines[0].endswith("mode=unique")
    assert "status=401" in lines[1]
    for line in lines:
        assert tok not in line and SECRET not in line and "x.y.z" not in line


def test_health_and_readiness_carry_no_data(sqlite_client):
    for path in ("/healthz", "/readyz"):
        result = sqlite_client.simulate_get(path)
        assert result.status_code == 200
        assert set(result.json) <= {"status", "project", "database"}
