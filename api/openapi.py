"""The OpenAPI 3.1 description of the API, served at /api/openapi.json.

Each endpoint's body schema is derived from its response contract (api/contract.py)
and its parameters from its declaration (api/endpoint.py) and the project's params, so
a field and a parameter are each declared once; the answers follow spec section 4.
tests/api/test_openapi.py runs schemathesis against the app with this document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.endpoint import Endpoint
from api.service import EndpointService
from runner.serving import ParamSet, ParamSpec

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


def parameters(endpoint: Endpoint, params: ParamSet) -> list[dict[str, Any]]:
    """The endpoint's parameters, from the project's params: each param it sets by name
    (a choice's enum, a string's length, the default), then its period (the window
    param's bounds and default; ``as_of`` alone for a fixed window). Any other is
    ignored (not declared, not refused)."""
    found = [_query(n, param_schema(params[n])) for n in endpoint.params]
    period = endpoint.period
    if period is None:
        return found
    as_of = _query(
        "as_of",
        {"type": "string", "format": "date-time", "pattern": YEARS},
        "ISO-8601 instant (naive = UTC), years 1900-9899; default now",
    )
    if period.days is None:
        return [*found, as_of]
    window = params[period.days]
    bounds = f"{window.minimum or 1}-{window.maximum}" if window.maximum else "at least 1"
    date = {"type": "string", "format": "date", "pattern": YEARS}
    return [
        *found,
        _query(
            "start",
            date,
            f"UTC date; the window is N = end - start days ({bounds}), default {window.default}",
        ),
        _query(
            "end",
            date,
            "UTC date; today or later: as of the request time; earlier: as "
            "of its last microsecond. Not with as_of",
        ),
        as_of,
    ]


def param_schema(spec: ParamSpec) -> dict[str, Any]:
    """A project param as a query parameter's schema: a choice's allow-list, an
    integer's bounds, a string's length (and no NUL, which ParamSpec refuses)."""
    if spec.type == "choice":
        return {"type": "string", "enum": list(spec.choices), "default": spec.default}
    if spec.type == "integer":
        bounds = {"minimum": spec.minimum, "maximum": spec.maximum}
        limits = {k: v for k, v in bounds.items() if v is not None}
        return {"type": "integer", **limits, "default": spec.default}
    if spec.type == "timestamp":
        return {"type": "string", "format": "date-time", "pattern": YEARS}
    text = {"maxLength": spec.max_length, "pattern": "^[^\\x00]*$"}
    return {"type": "string", **text, "default": spec.default}


def responses(schema: str) -> dict[str, Any]:
    challenge = {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {
        "200": {
            "description": "the answer",
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


def operation(service: EndpointService) -> dict[str, Any]:
    endpoint = service.endpoint
    return {
        "summary": endpoint.summary,
        "description": "Other query parameters (a cache-buster, tracking tags) are ignored.",
        "operationId": endpoint.name,
        "security": [{"bearerAuth": []}],
        "parameters": parameters(endpoint, service.session.params),
        "responses": responses(_schema_name(endpoint)),
    }


def _schema_name(endpoint: Endpoint) -> str:
    return endpoint.contract.name.title().replace("_", "")


def openapi_document(services: Iterable[EndpointService]) -> dict[str, Any]:
    services = list(services)
    bearer = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    schemas = {_schema_name(s.endpoint): s.contract.json_schema() for s in services}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Store analytics", "version": "1.0.0"},
        "components": {
            "securitySchemes": {"bearerAuth": bearer},
            "schemas": {**schemas, "Error": ERROR},
        },
        "paths": {s.endpoint.path + "/": {"get": operation(s)} for s in services},
    }


class OpenAPIResource:
    def __init__(self, services: Iterable[EndpointService]) -> None:
        """Each service's contract follows a reloaded project."""
        self.services = list(services)

    def on_get(self, req, resp) -> None:
        resp.media = openapi_document(self.services)
