"""admin-endpoints.md section 5, the worked examples, as tests: the funnel (four
requests), RFM and the alerts on both engines, and the plain-Python reference on the
same events (so the oracle the other tests use is itself held to the spec's numbers)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.helpers import answer
from tests.reference import alerts, funnel, rfm

AS_OF = "2024-05-22T12:00:00Z"
NOW = datetime(2024, 5, 22, 12, 0, tzinfo=timezone.utc)  # the request is made at as_of
WHEN = "2024-05-22T12:00:00.000000+00:00"


def ev(i, kind, session, created_at, **fields) -> dict:
    return dict(id=i, event_type=kind, session_id=session, created_at=created_at, **fields)


FUNNEL_EVENTS = [
    ev(1, "page_view", "s1", "2024-05-20 09:00:00", source="google"),
    ev(2, "product_view", "s1", "2024-05-20 09:01:00", source="google"),
    ev(3, "add_to_cart", "s1", "2024-05-20 09:02:00", source="google"),
    ev(4, "begin_checkout", "s1", "2024-05-20 09:10:00", source="google"),
    ev(5, "purchase", "s1", "2024-05-20 09:12:00", source="google"),
    ev(6, "page_view", "s2", "2024-05-21 10:00:00", source=None),
    ev(7, "product_view", "s2", "2024-05-21 10:01:00", source=None),
    ev(8, "product_view", "s2", "2024-05-21 10:02:00", source=None),
    ev(9, "page_view", "s3", "2024-04-22 11:59:59", source="direct"),  # before F
    ev(10, "add_to_cart", "s3", "2024-05-01 08:00:00", source=""),
    ev(11, "purchase", "s4", "2024-05-22 12:00:00.000001", source="instagram"),  # after as_of
]
STEPS = ["page_view", "product_view", "add_to_cart", "begin_checkout", "purchase"]
FUNNEL_CASES = [
    ({"as_of": AS_OF}, [2, 2, 2, 1, 1]),
    ({"as_of": AS_OF, "source": "google"}, [1, 1, 1, 1, 1]),
    ({"as_of": AS_OF, "source": "direct"}, [1, 1, 1, 0, 0]),  # the old view: all 0
    ({"start": "2024-05-15", "end": "2024-05-22"}, [2, 2, 1, 1, 1]),
]


@pytest.mark.parametrize(("query", "counts"), FUNNEL_CASES)
def test_funnel(events_db, query, counts):
    body = answer(events_db(FUNNEL_EVENTS), "funnel", query, now=NOW)
    assert body["funnel"] == [{"step": s, "count": n} for s, n in zip(STEPS, counts)]
    days = 7 if "start" in query else 30  # without start, the documented 30 days
    start = {30: "2024-04-22", 7: "2024-05-15"}[days]
    assert (body["start_date"], body["end_date"]) == (f"{start}T12:00:00.000000+00:00", WHEN)
    assert body == funnel(FUNNEL_EVENTS, NOW, days, query.get("source", ""))


RFM_EVENTS = [
    ev(1, "purchase", "a1", "2024-05-20 09:12:00", user_id="ana", price="50000"),
    ev(2, "purchase", "a2", "2024-05-18 08:00:00", user_id="ana", price="60000"),
    ev(3, "purchase", "b1", "2024-04-10 12:00:00", user_id="bo", price="45000.50"),
    ev(4, "purchase", "c1", "2024-04-21 12:00:00.000001", user_id="cy", price="189000"),
    ev(5, "purchase", "d1", "2024-02-22 11:59:59", user_id="dee", price="99000"),  # before R
    ev(6, "purchase", "e1", "2024-05-20 10:00:00", user_id="", price="1000"),
    ev(7, "purchase", "e2", "2024-05-20 10:00:00", user_id=None, price="1000"),
    ev(8, "purchase", "f1", "2024-03-01 00:00:00", user_id="eve", price="abc"),
]


def test_rfm(events_db):
    body = answer(events_db(RFM_EVENTS), "rfm", {"as_of": AS_OF})
    assert body == {
        "rfm": [
            {"visitor_id": "ana", "recency": 2, "frequency": 2, "monetary": 110000.0, "segmento": "VIP"},
            {"visitor_id": "cy", "recency": 30, "frequency": 1, "monetary": 189000.0, "segmento": "Leal"},
            {"visitor_id": "bo", "recency": 42, "frequency": 1, "monetary": 45000.5, "segmento": "En riesgo"},
            {"visitor_id": "eve", "recency": 82, "frequency": 1, "monetary": 0.0, "segmento": "Perdido"},
        ],
        "start_date": "2024-02-22T12:00:00.000000+00:00",
        "end_date": WHEN,
    }  # fmt: skip
    assert body == rfm(RFM_EVENTS, NOW)


def alert_events() -> list[dict]:
    rows = [
        ev(0, "begin_checkout", "su1", "2024-05-22 08:00:00", user_id="u1"),
        ev(0, "purchase", "su1", "2024-05-22 08:05:00", user_id="u1", product_slug="hat"),
        *(ev(0, "begin_checkout", s, "2024-05-22 09:00:00") for s in ("s21", "s22", "s23")),
        *(ev(0, "product_view", f"t{k}", "2024-05-19 10:00:00", product_slug="tee") for k in range(11)),
        *(ev(0, "product_view", f"c{k}", "2024-05-19 10:00:00", product_slug="cap") for k in range(12)),
        ev(0, "purchase", "c0", "2024-05-19 10:05:00", product_slug="cap"),
        *(ev(0, "product_view", f"n{k}", "2024-05-19 11:00:00", product_slug=None if k % 2 else "")
          for k in range(20)),
        ev(0, "payment_error", "p1", "2024-05-22 11:30:00"),
        ev(0, "payment_error", "p2", "2024-05-22 10:59:00"),
        *(ev(0, "add_to_cart", f"s2{k}", "2024-05-22 07:00:00") for k in range(1, 7)),
    ]  # fmt: skip
    return [dict(r, id=i) for i, r in enumerate(rows, start=1)]


def test_alerts(events_db):
    rows = alert_events()
    body = answer(events_db(rows), "alerts", {"as_of": AS_OF})
    assert body == {
        "alerts": [
            {"type": "high_abandonment",
             "message": "Tasa de abandono del 75.0% en las últimas 24h (3 de 4 checkouts)",
             "severity": "critical", "timestamp": WHEN},
            {"type": "popular_no_conversion",
             "message": 'Producto "tee" tuvo 11 vistas únicas sin ninguna compra en 7 días',
             "severity": "warning", "timestamp": WHEN, "product_slug": "tee"},
            {"type": "payment_errors",
             "message": "Se detectaron 1 errores de pago en la última hora",
             "severity": "critical", "timestamp": WHEN},
        ]
    }  # fmt: skip
    assert body == alerts(rows, NOW)
