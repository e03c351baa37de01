"""The OpenAPI 3.1 description of the API, served at /api/openapi.json.

Hand-written from spec section 3 and 4 (one source of truth per field would be nicer;
the contract test in tests/api/test_openapi.py runs schemathesis against the app, so a
drift between this document and the answers fails CI).
"""

from __future__ import annotations

from typing import Any

INT = {"type": "integer", "minimum": 0}
NUM = {"type": "number", "minimum": 0}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
YEARS = "^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2})-"  # 1900-9899, for as_of, start and end


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
        "additionalProperties": False,
    }


def _slug_counts() -> dict[str, Any]:
    return {
        "type": "array",
        "maxItems": 5,
        "items": _obj({"slug": {"type": "string"}, "count": INT}),
    }


def _timeline(keys: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "array",
        "minItems": 2,  # N + 1 window days, 1 <= N <= 366
        "maxItems": 367,
        "items": _obj({"date": DATE, **{k: INT for k in keys}}),
    }


FUNNEL = ("product_view", "add_to_cart", "begin_checkout", "purchase")
PRODUCT = {
    "slug": {"type": "string"},
    "name": {"type": "string"},
    "views": INT,
    "add_to_cart": INT,
    "purchases": INT,
    "purchases_units": INT,
    "conversion_rate": NUM,
}
DASHBOARD = _obj({
    "mode": {"type": "string", "enum": ["total", "unique"]},
    "total_sales": INT,
    "total_revenue": NUM,
    "average_order_value": NUM,
    "top_products": _slug_counts(),
    "top_viewed_products": _slug_counts(),
    "sales_by_day": {"type": "array", "items": _obj({"date": DATE, "count": INT})},
    "events_timeline": _timeline(FUNNEL + ("checkout_started", "payment_info_entered", "order_completed")),
    "abandonment_rate": NUM,
    "event_counts": _obj({k: INT for k in FUNNEL}),
    "conversion_rates": _obj({k: NUM for k in ("visit_to_cart", "cart_to_checkout", "checkout_to_purchase")}),
    "checkout_started_count": INT,
    "payment_info_entered_count": INT,
    "order_completed_count": INT,
    "conversion_checkout_to_payment": NUM,
    "conversion_payment_to_order": NUM,
    "error_counts": _obj({k: INT for k in ("payment_error", "checkout_error", "payment_confirmation_error")}),
    "product_performance": {
        "type": "array",
        "maxItems": 10,
        "items": _obj(PRODUCT, [k for k in PRODUCT if k != "purchases_units"]),
    },
    "errors_timeline": _timeline(("payment_error", "checkout_error", "payment_confirmation_error", "address_error")),
    "session_stats": _obj({"unique_sessions": INT, "avg_events_per_session": NUM, "sessions_with_purchase": INT}),
    "retention_metrics": _obj({
        "repurchase_rate": NUM,
        "recurrent_customers": INT,
        "total_unique_buyers": INT,
        "period_days": {"type": "integer", "const": 90},
    }),
    "traffic_sources": {"type": "array", "items": _obj({"source": {"type": "string"}, "sessions": INT})},
    "whatsapp_sessions": INT,
    "whatsapp_purchases": INT,
    "whatsapp_sessions_list": {"type": "array", "maxItems": 10, "items": {"type": "string"}},
})  # fmt: skip
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


def openapi_document() -> dict[str, Any]:
    challenge = {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Store analytics dashboard", "version": "1.0.0"},
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "schemas": {"Dashboard": DASHBOARD, "Error": ERROR},
        },
        "paths": {
            "/api/analytics/dashboard-stats/": {
                "get": {
                    "summary": "Dashboard statistics for the N-day window ending at as_of (spec section 2)",
                    "description": "Other query parameters (a cache-buster, tracking tags) are ignored.",
                    "operationId": "dashboardStats",
                    "security": [{"bearerAuth": []}],
                    "parameters": [
                        {
                            "name": "mode",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "enum": ["total", "unique"],
                                "default": "total",
                            },
                        },
                        {
                            "name": "start",
                            "in": "query",
                            "required": False,
                            "description": "UTC date; the window is N = end - start days (1-366), default 7",
                            "schema": {"type": "string", "format": "date", "pattern": YEARS},
                        },
                        {
                            "name": "end",
                            "in": "query",
                            "required": False,
                            "description": "UTC date; today or later: as of the request time; earlier: as of its last microsecond. Not with as_of",
                            "schema": {"type": "string", "format": "date", "pattern": YEARS},
                        },
                        {
                            "name": "as_of",
                            "in": "query",
                            "required": False,
                            "description": "ISO-8601 instant (naive = UTC), years 1900-9990; default now",
                            "schema": {
                                "type": "string",
                                "format": "date-time",
                                "pattern": YEARS,
                            },
                        },
                    ],  # fmt: skip
                    "responses": {
                        "200": {
                            "description": "the dashboard",
                            "headers": {"Cache-Control": {"schema": {"const": "no-store"}}},
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Dashboard"}
                                }
                            },
                        },
                        "400": _error("a parameter is invalid (the description names it)"),
                        "401": _error("missing or invalid credentials", challenge),
                        "403": _error("the token is valid but not an admin's", challenge),
                        "500": _error("a query failed"),
                        "503": _error(
                            "the database is unavailable",
                            {"Retry-After": {"schema": {"type": "string"}}},
                        ),
                    },
                }
            }
        },
    }


class OpenAPIResource:
    def on_get(self, req, resp) -> None:
        resp.media = openapi_document()
