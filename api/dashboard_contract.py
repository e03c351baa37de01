"""GET /api/analytics/dashboard-stats/'s response contract: each field of spec section 3
declared once, in the spec's key order (the machinery is api/contract.py). A new field
is one line here, last (README: Adding a field)."""

from __future__ import annotations

from api.contract import (
    DATE,
    INT,
    NUMBER,
    TEXT,
    Column,
    Contract,
    each,
    param,
    record,
    rows,
    value,
    values,
)

SLUG_COUNT = (Column("slug", TEXT), Column("count", INT))

#: GET /api/analytics/dashboard-stats/, spec section 3, in the spec's key order
DASHBOARD = Contract(
    "dashboard_stats",
    (
        param("mode"),
        value("total_sales", "sales_summary", INT),
        value("total_revenue", "sales_summary", NUMBER),
        value("average_order_value", "sales_summary", NUMBER),
        rows("top_products", "top_products", *SLUG_COUNT, max_items=5),
        rows("top_viewed_products", "top_viewed_products", *SLUG_COUNT, max_items=5),
        rows("sales_by_day", "sales_by_day", Column("date", DATE), Column("count", INT)),
        rows(
            "events_timeline",
            "events_timeline",
            Column("date", DATE),
            each("event_types.funnel"),
            each("event_types.checkout"),
            per_window_day=True,
        ),
        value("abandonment_rate", "abandonment", NUMBER),
        record("event_counts", "event_counts", each("event_types.funnel")),
        record(
            "conversion_rates",
            "event_counts",
            Column("visit_to_cart", NUMBER),
            Column("cart_to_checkout", NUMBER),
            Column("checkout_to_purchase", NUMBER),
        ),
        value("checkout_started_count", "checkout_funnel", INT),
        value("payment_info_entered_count", "checkout_funnel", INT),
        value("order_completed_count", "checkout_funnel", INT),
        value("conversion_checkout_to_payment", "checkout_funnel", NUMBER),
        value("conversion_payment_to_order", "checkout_funnel", NUMBER),
        record("error_counts", "error_counts", each("event_types.errors")),
        rows(
            "product_performance",
            "product_performance",
            Column("slug", TEXT),
            Column("name", TEXT),
            Column("views", INT),
            Column("add_to_cart", INT),
            Column("purchases", INT),
            Column("purchases_units", INT, modes=("unique",)),
            Column("conversion_rate", NUMBER),
            max_items=10,
        ),
        rows(
            "errors_timeline",
            "errors_timeline",
            Column("date", DATE),
            each("event_types.errors_timeline"),
            per_window_day=True,
        ),
        record(
            "session_stats",
            "session_stats",
            Column("unique_sessions", INT),
            Column("avg_events_per_session", NUMBER),
            Column("sessions_with_purchase", INT),
        ),
        record(
            "retention_metrics",
            "retention_metrics",
            Column("repurchase_rate", NUMBER),
            Column("recurrent_customers", INT),
            Column("total_unique_buyers", INT),
            Column("period_days", INT, const_var="retention_days"),
        ),
        rows("traffic_sources", "traffic_sources", Column("source", TEXT), Column("sessions", INT)),
        value("whatsapp_sessions", "whatsapp", INT),
        value("whatsapp_purchases", "whatsapp", INT),
        values(
            "whatsapp_sessions_list",
            "whatsapp_sessions_list",
            Column("session_id", TEXT),
            max_items=10,
        ),
        # a new field goes here, last (README: Adding a field)
    ),
)
