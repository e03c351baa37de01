"""The admin endpoints' windows, both sides of every edge to the microsecond, and the
dirty values of spec section 1 (prices 'abc', empty or NULL user_id, NULL/''/'direct'
sources, created_at in several forms): each body on both engines equals the
plain-Python reference and the numbers worked out here by hand. Every window is
closed, [as_of - d, as_of] (admin-endpoints section 1)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.helpers import answer
from tests.reference import alerts, funnel, rfm

AS_OF = datetime(2024, 5, 22, 12, 34, 56, 789012, tzinfo=timezone.utc)
US = timedelta(microseconds=1)


def at(delta: timedelta, form: int = 0) -> str:
    """as_of - delta, written in one of the spec's created_at forms."""
    moment = AS_OF - delta
    if form == 1:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if form == 2:  # the same instant five hours behind UTC
        return (moment - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S.%f-05:00")
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def numbered(rows: list[dict]) -> list[dict]:
    return [dict(r, id=i) for i, r in enumerate(rows, start=1)]


def ev(kind: str, session: str, when: str, **fields) -> dict:
    return dict(event_type=kind, session_id=session, created_at=when, **fields)


D30, D7, D1 = timedelta(days=30), timedelta(days=7), timedelta(hours=24)

FUNNEL_EVENTS = numbered([
    ev("page_view", "a", at(D30)),  # F's first microsecond
    ev("page_view", "a", at(D1), source="google"),
    ev("page_view", "b", at(D30 + US)),  # a microsecond before F
    ev("page_view", "c", at(timedelta(0), form=2)),  # as_of itself, written -05:00
    ev("page_view", "d", at(-US, form=1)),  # a microsecond after as_of
    ev("product_view", "e", at(D7), source="google"),  # e's first product view is google's,
    ev("product_view", "e", at(D1), source="ig"),  # its first of ig's comes later
    ev("product_view", "f", at(D30 + US), source="ig"),  # ig before F ...
    ev("product_view", "f", at(D7), source="Google"),  # ... then another source inside
    ev("add_to_cart", "g", at(D7), source=""),
    ev("add_to_cart", "h", at(D7), source="direct"),
    ev("add_to_cart", "i", at(D7), source=" direct"),  # not direct: compared exactly
    ev("begin_checkout", "j", at(D7), source="Direct"),
])  # fmt: skip


def test_funnel_windows_and_sources(events_db):
    url = events_db(FUNNEL_EVENTS)
    expected = {
        "": [2, 2, 3, 1, 0],  # a (twice: once), c; e, f; g, h, i; j
        "direct": [2, 0, 2, 0, 0],  # a's first page view and c (NULL); g (''), h
        "google": [1, 1, 0, 0, 0],
        "ig": [0, 1, 0, 0, 0],  # e; f's ig view is before F
        "Google": [0, 1, 0, 0, 0],
        " direct": [0, 0, 1, 0, 0],
    }
    for source, counts in expected.items():
        body = answer(url, "funnel", {"as_of": AS_OF.isoformat(), "source": source})
        assert [s["count"] for s in body["funnel"]] == counts, source
        assert body == funnel(FUNNEL_EVENTS, AS_OF, 30, source)
    assert body["start_date"] == "2024-04-22T12:34:56.789012+00:00"
    assert body["end_date"] == "2024-05-22T12:34:56.789012+00:00"


def test_funnel_window_length_moves_its_start(events_db):
    url = events_db(FUNNEL_EVENTS)
    for query, days in (({"start": "2024-05-14"}, 8), ({"start": "2024-04-21"}, 31)):
        body = answer(url, "funnel", {"as_of": AS_OF.isoformat(), **query})
        assert body == funnel(FUNNEL_EVENTS, AS_OF, days)
    assert [s["count"] for s in body["funnel"]][0] == 3  # 31 days: b's view is inside now


def alert_events() -> list[dict]:
    """Each rule fires with a count its closed window decides to the microsecond."""
    day, week, six, hour = D1, D7, timedelta(hours=6), timedelta(hours=1)
    return numbered([
        # rule 1, D24: x1 at its first microsecond, x2, x3 (user '' and NULL: by session);
        # x4 a microsecond before; x2's purchase after as_of is ignored; with k7 below,
        # 4 of 4
        ev("begin_checkout", "x1", at(day), user_id="u1"),
        ev("begin_checkout", "x2", at(hour), user_id=""),
        ev("begin_checkout", "x3", at(hour, form=2), user_id=None),
        ev("begin_checkout", "x4", at(day + US), user_id="u4"),
        ev("purchase", "x2", at(-US), user_id=None, product_slug="tee", price="abc"),
        # rule 2, D7: tee viewed by 11 sessions, one at D7's first microsecond; v-out a
        # microsecond before; purchases of tee before D7 or after as_of do not count
        *(ev("product_view", f"v{k}", at(day * 3), product_slug="tee") for k in range(10)),
        ev("product_view", "v-edge", at(week), product_slug="tee"),
        ev("product_view", "v-out", at(week + US), product_slug="tee"),
        ev("purchase", "v-old", at(week + US), product_slug="tee"),
        # rule 3, H1: the first microsecond counts, one before and one after do not
        ev("payment_error", "p1", at(hour)),
        ev("payment_error", "p2", at(hour + US)),
        ev("payment_error", "p3", at(-US)),
        # rule 4, H6: five carts, one at the first microsecond; k6 is a microsecond early;
        # k7 began checkout
        *(ev("add_to_cart", f"k{k}", at(six if k == 1 else hour)) for k in range(1, 6)),
        ev("add_to_cart", "k6", at(six + US)),
        ev("add_to_cart", "k7", at(hour)),
        ev("begin_checkout", "k7", at(hour)),
        # rule 5, D24: 16 events each, one of them at D24's first microsecond; the purchase
        # that would clear "late" is after as_of
        *(ev("search", "stuck", at(day if k == 0 else hour)) for k in range(16)),
        *(ev("search", "late", at(hour)) for k in range(16)),
        ev("purchase", "late", at(-US)),
        *(ev("search", "short", at(hour if k else day + US)) for k in range(16)),
    ])  # fmt: skip


def test_alert_windows(events_db):
    rows = alert_events()
    body = answer(events_db(rows), "alerts", {"as_of": AS_OF.isoformat()})
    assert [(a["type"], a["message"]) for a in body["alerts"]] == [
        ("high_abandonment", "Tasa de abandono del 100.0% en las últimas 24h (4 de 4 checkouts)"),
        ("popular_no_conversion",
         'Producto "tee" tuvo 11 vistas únicas sin ninguna compra en 7 días'),
        ("payment_errors", "Se detectaron 1 errores de pago en la última hora"),
        ("carts_abandoned", "5 carritos no iniciaron checkout en las últimas 6h"),
        ("stuck_sessions", "2 sesiones con más de 15 eventos en 24h sin completar compra"),
    ]  # fmt: skip
    assert {a["timestamp"] for a in body["alerts"]} == {"2024-05-22T12:34:56.789012+00:00"}
    assert body == alerts(rows, AS_OF)


def buy(user, when: str, price: str = "1000", **fields) -> dict:
    return ev("purchase", f"s-{user}", when, user_id=user, price=price, **fields)


RFM_EVENTS = numbered([
    buy("u90", at(timedelta(days=90))),  # R's first microsecond: recency 90
    buy("out", at(timedelta(days=90) + US)),  # a microsecond before R: no customer
    buy("u30", at(D30)),  # exactly 30 days: 30
    buy("u30b", at(D30 + US, form=1)),  # 30 days and a microsecond: still 30
    buy("u29", at(D30 - US, form=2)),  # a microsecond short of 30 days: 29
    buy("vip", at(D7), "60000"), buy("vip", at(D30), "40000"),  # 7 days, 100000: VIP
    buy("vip", at(-US), "5"),  # after as_of: not counted
    buy("eight", at(timedelta(days=8)), "60000"), buy("eight", at(D30), "40000"),  # 8: Leal
    buy("dirty", at(D1), "abc"), buy("dirty", at(D1), "-5"), buy("dirty", at(D1), "1,000"),
    buy("dirty", at(D1), "$10"), buy("dirty", at(D1), None), buy("dirty", at(D1), ""),
    buy("dirty", at(D1), "12.345", metadata='{"quantity": 3}'),  # price only, no quantity
    buy("dirty", at(D1), "0.005"),
    buy("", at(D1)), buy(None, at(D1)),  # anonymous: no customer
    ev("product_view", "s-zed", at(D1), user_id="zed", price="5"),  # not a purchase
])  # fmt: skip


def test_rfm_window_recency_and_dirty_values(events_db):
    body = answer(events_db(RFM_EVENTS), "rfm", {"as_of": AS_OF.isoformat()})
    assert [(c["visitor_id"], c["recency"], c["frequency"], c["monetary"], c["segmento"])
            for c in body["rfm"]] == [
        ("dirty", 1, 8, 12.35, "Leal"),
        ("vip", 7, 2, 100000.0, "VIP"),
        ("eight", 8, 2, 100000.0, "Leal"),
        ("u29", 29, 1, 1000.0, "Leal"),
        ("u30", 30, 1, 1000.0, "Leal"),
        ("u30b", 30, 1, 1000.0, "Leal"),
        ("u90", 90, 1, 1000.0, "Perdido"),
    ]  # fmt: skip
    assert body["start_date"] == "2024-02-22T12:34:56.789012+00:00"
    assert body == rfm(RFM_EVENTS, AS_OF)


def test_rfm_recency_across_midnight(events_db):
    """as_of a microsecond after midnight: a purchase two microseconds earlier is 0 days
    ago; one a whole day earlier is 1, one a microsecond less than that 0."""
    as_of = datetime(2024, 5, 22, 0, 0, 0, 1, tzinfo=timezone.utc)
    rows = numbered([buy("a", "2024-05-21 23:59:59.999999"), buy("b", "2024-05-21 00:00:00.000001"),
                     buy("c", "2024-05-21 00:00:00.000002")])  # fmt: skip
    body = answer(events_db(rows), "rfm", {"as_of": as_of.isoformat()})
    assert [(c["visitor_id"], c["recency"]) for c in body["rfm"]] == [("a", 0), ("c", 0), ("b", 1)]
    assert body == rfm(rows, as_of)
