"""The response contracts of the admin page's other analytics endpoints, each field
declared once (../shared/spec/admin-endpoints.md; the machinery is api/contract.py):
``FUNNEL`` (section 2), ``ALERTS`` (section 3) and ``RFM`` (section 4), in the spec's
key order. The lists they hold come from the project: the funnel's steps
(vars.event_types.funnel_steps) and RFM's segment names (vars.rfm_segments)."""

from __future__ import annotations

from api.contract import INSTANT, INT, NUMBER, TEXT, Column, Contract, one_of, rows, value

#: GET /api/analytics/funnel/: one {step, count} per declared step, in order, and F
FUNNEL = Contract(
    "funnel",
    (
        rows(
            "funnel",
            "funnel_steps",
            Column("step", TEXT),
            Column("count", INT),
            one_per="event_types.funnel_steps",
        ),
        value("start_date", "funnel_window", INSTANT),
        value("end_date", "funnel_window", INSTANT),
    ),
)

#: the rules' types in the order they are evaluated (the alerts mart lists them so)
ALERT_TYPES = (
    "high_abandonment",
    "popular_no_conversion",
    "payment_errors",
    "carts_abandoned",
    "stuck_sessions",
    "all_clear",
)

#: GET /api/analytics/alerts/: never empty (all_clear when no rule fired)
ALERTS = Contract(
    "alerts",
    (
        rows(
            "alerts",
            "alerts",
            Column("type", one_of(*ALERT_TYPES)),
            Column("message", TEXT),
            Column("severity", one_of("critical", "warning", "info")),
            Column("timestamp", INSTANT, "alerted_at"),
            Column("product_slug", TEXT, optional=True),
            min_items=1,
        ),
    ),
)

#: GET /api/analytics/rfm/: one row per customer, and R
RFM = Contract(
    "rfm",
    (
        rows(
            "rfm",
            "rfm_customers",
            Column("visitor_id", TEXT),
            Column("recency", INT),
            Column("frequency", INT),
            Column("monetary", NUMBER),
            Column("segmento", TEXT, enum_var="rfm_segments.name"),
        ),
        value("start_date", "rfm_window", INSTANT),
        value("end_date", "rfm_window", INSTANT),
    ),
)
