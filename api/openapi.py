"""The OpenAPI 3.1 description of the API, served at /api/openapi.json.

The body's schema is derived from the response contract (api/contract.py), so a field
is declared once; the parameters and answers follow spec sections 2 and 4.
tests/api/test_openapi.py runs schemathesis against the app with this document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.contract import MODES, BoundContract

YEARS = "^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2})-"  # 1900-9899, for as_of, start and end
ERROR = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "description": {"type": "string"}},
    "required": ["title"],
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def parameters(contract: BoundContract) -> list[dict[str, Any]]:
    """Spec section 2's parameters; any other is ignored (not declared, not refused)."""
    low, high = contract.window_days()
    date = {"type": "string", "format": "date", "pattern": YEARS}
    return [
        _query("mode", {"type": "string", "enum": list(MODES), "default": "total"}),
        _query(
            "start", date, f"UTC date; the window is N = end - start days ({low}-{high}), default 7"
        ),
        _query(
            "end",
            date,
            "UTC date; today or later: as of the request time; earlier: as "
            "of its last microsecond. Not with as_of",
        ),
        _query(
            "as_of",
            {"type": "string", "format": "date-time", "pattern": YEARS},
            "ISO-8601 instant (naive = UTC), years 1900-9899; default now",
        ),
    ]


def responses() -> dict[str, Any]:
    challenge = {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Dashboard"}}}
    return {
        "200": {
            "description": "the dashboard",
            "headers": {"Cache-Control": {"schema": {"const": "no-store"}}},
            "content": body,
        },
        "400": _error("a parameter is invalid (the description names it)"),
        "401": _error("missing or invalid credentials", challenge),
        "403": _error("the token is valid but not an admin's", challenge),
        "500": _error("the project or a query failed"),
        "503": _error(
            "the database is unavailable", {"Retry-After": {"schema": {"type": "string"}}}
        ),
    }


def openapi_document(contract: BoundContract) -> dict[str, Any]:
    operation = {
        "summary": "Dashboard statistics for the N-day window ending at as_of (spec section 2)",
        "description": "Other query parameters (a cache-buster, tracking tags) are ignored.",
        "operationId": "dashboardStats",
        "security": [{"bearerAuth": []}],
        "parameters": parameters(contract),
        "responses": responses(),
    }
    bearer = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Store analytics dashboard", "version": "1.0.0"},
        "components": {
            "securitySchemes": {"bearerAuth": bearer},
            "schemas": {"Dashboard": contract.json_schema(), "Error": ERROR},
        },
        "paths": {"/api/analytics/dashboard-stats/": {"get": operation}},
    }


class OpenAPIResource:
    def __init__(self, contract: Callable[[], BoundContract]) -> None:
        """``contract``: the current bound contract (it follows a reloaded project)."""
        self.contract = contract

    def on_get(self, req, resp) -> None:
        resp.media = openapi_document(self.contract())
