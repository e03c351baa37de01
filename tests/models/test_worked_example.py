"""Spec section 5, the worked example, as a test: both modes, both engines."""

from __future__ import annotations

from tests.helpers import dashboard

AS_OF = "2024-05-22T12:00:00Z"
EVENTS = [
    dict(id=1, event_type="product_view", session_id="s1", product_slug="tee", created_at="2024-05-20 09:00:00"),
    dict(id=2, event_type="product_view", session_id="s1", product_slug="tee", created_at="2024-05-20 09:05:00"),
    dict(id=3, event_type="add_to_cart", session_id="s1", product_slug="tee", price="50000",
         metadata='{"quantity": 2}', created_at="2024-05-20 09:06:00"),
    dict(id=4, event_type="begin_checkout", session_id="s1", created_at="2024-05-20 09:10:00"),
    dict(id=5, event_type="purchase", session_id="s1", product_slug="tee", price="50000",
         metadata='{"quantity": 2}', created_at="2024-05-20 09:12:00"),
    dict(id=6, event_type="purchase", session_id="s1", product_slug="cap", price="30000",
         metadata='{"quantity": "x"}', created_at="2024-05-20 09:12:00"),
    dict(id=7, event_type="begin_checkout", session_id="s2", user_id="ana@x.co", created_at="2024-05-21 18:00:00"),
    dict(id=8, event_type="product_view", session_id="s2", user_id="ana@x.co", product_slug="cap",
         created_at="2024-05-14 11:59:59"),
]  # fmt: skip


def test_total_mode(events_db):
    body = dashboard(events_db(EVENTS), "total", AS_OF)
    assert body["mode"] == "total"
    assert body["total_sales"] == 2
    assert body["total_revenue"] == 130000.0
    assert body["average_order_value"] == 65000.0
    assert body["top_products"] == [{"slug": "tee", "count": 2}, {"slug": "cap", "count": 1}]
    assert body["top_viewed_products"] == [{"slug": "tee", "count": 2}]
    assert body["sales_by_day"] == [{"date": "2024-05-20", "count": 2}]
    assert body["event_counts"] == {
        "product_view": 2, "add_to_cart": 1, "begin_checkout": 2, "purchase": 2,
    }  # fmt: skip
    assert body["conversion_rates"] == {
        "visit_to_cart": 50.0, "cart_to_checkout": 200.0, "checkout_to_purchase": 100.0,
    }  # fmt: skip
    assert body["abandonment_rate"] == 50.0
    assert body["session_stats"] == {
        "unique_sessions": 2, "avg_events_per_session": 3.5, "sessions_with_purchase": 1,
    }  # fmt: skip


def test_unique_mode(events_db):
    body = dashboard(events_db(EVENTS), "unique", AS_OF)
    assert body["mode"] == "unique"
    assert body["event_counts"] == {
        "product_view": 1, "add_to_cart": 1, "begin_checkout": 2, "purchase": 1,
    }  # fmt: skip
    tee = next(p for p in body["product_performance"] if p["slug"] == "tee")
    assert tee == {
        "slug": "tee", "name": "tee", "views": 1, "add_to_cart": 1, "purchases": 1,
        "purchases_units": 2, "conversion_rate": 100.0,
    }  # fmt: skip


def test_event_outside_window_is_ignored(events_db):
    body = dashboard(events_db(EVENTS), "total", AS_OF)
    assert all(p["slug"] != "cap" or p["views"] == 0 for p in body["product_performance"])
    assert len(body["events_timeline"]) == 8
    assert body["events_timeline"][0]["date"] == "2024-05-15"
    assert body["events_timeline"][-1]["date"] == "2024-05-22"


def test_reference_agrees_with_the_worked_example():
    from datetime import datetime

    from tests.reference import compute

    body = compute(EVENTS, "total", datetime.fromisoformat(AS_OF))
    assert body["total_revenue"] == 130000.0 and body["abandonment_rate"] == 50.0
    assert body["session_stats"]["avg_events_per_session"] == 3.5
