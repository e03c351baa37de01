"""An independent plain-Python computation of the dashboard, written from the spec.

It shares no code with the models or the API: it reads raw event rows (as dicts) and
follows ../shared/spec/dashboard-metrics.md sentence by sentence, and the admin page's
funnel, alerts and RFM from ../shared/spec/admin-endpoints.md (``funnel``, ``alerts``,
``rfm``, at the end: the three endpoints' bodies). Tests compare the
SQL results on both engines against it, and the benchmarks use it as their plain-Python
baseline and to check their final answers (bench/baseline.py), so a new field is
written once here. It groups the window's events by type, day and product once, so a
million events take seconds, not hours.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor

TS = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$")
PRICE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
DIGITS = re.compile(r"^[0-9]+$")


def instant(value) -> datetime | None:
    if isinstance(value, datetime):
        return (
            value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
        )
    m = TS.match(value or "")
    if not m:
        return None
    day, clock, frac, tz = m.groups()
    micro = int(((frac or "") + "000000")[:6])
    try:
        moment = datetime.fromisoformat(f"{day} {clock}").replace(microsecond=micro)
    except ValueError:  # an impossible date or time is no instant
        return None
    offset = timedelta(0)
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        offset = sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return (moment - offset).replace(tzinfo=timezone.utc)


def quantity(metadata) -> int:
    if metadata is None:
        return 1
    try:
        data = json.loads(metadata, parse_constant=lambda c: 1 / 0)
    except (ValueError, TypeError, ZeroDivisionError):
        return 1
    if not isinstance(data, dict) or "quantity" not in data:
        return 1
    q = data["quantity"]
    if isinstance(q, bool):
        return 1
    if isinstance(q, int):
        return q if 1 <= q <= 10000 else 1
    if isinstance(q, str) and DIGITS.match(q):
        return int(q) if 1 <= int(q) <= 10000 else 1
    return 1


def price(value) -> Decimal:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return Decimal(text) if PRICE.match(text) else Decimal(0)


def pct(a: int, b: int) -> float:
    return half_up(Fraction(100 * a, b), 1) if b else 0.0


def half_up(x: Fraction, places: int) -> float:
    scale = 10**places
    return floor(x * scale + Fraction(1, 2)) / scale


def cleaned(rows: list[dict]) -> list[dict]:
    """The rows that have an instant, with section 1's clean values beside the raw ones."""
    events = []
    for r in rows:
        ts = instant(r.get("created_at"))
        if ts is None:
            continue
        e = dict(r, ts=ts, day=ts.date().isoformat())
        e["slug"] = r.get("product_slug") or None
        e["ident"] = r.get("user_id") or r["session_id"]
        e["qty"] = quantity(r.get("metadata"))
        e["price"] = price(r.get("price"))
        events.append(e)
    return events


def compute(rows: list[dict], mode: str, as_of: datetime, days: int = 7) -> dict:
    """The body for ``mode`` at ``as_of`` over the ``days``-day window W (spec section 2)."""
    as_of = as_of.astimezone(timezone.utc)
    events = cleaned(rows)
    W = [e for e in events if as_of - timedelta(days=days) <= e["ts"] <= as_of]
    R = [e for e in events if as_of - timedelta(days=90) <= e["ts"] <= as_of]

    by_type = defaultdict(list)  # W's events by type, read many times below
    for e in W:
        by_type[e["event_type"]].append(e)

    def of(kind, pool=None):
        if pool is None:
            return by_type.get(kind, [])
        return [e for e in pool if e["event_type"] == kind]

    def count_mode(evs):
        return len(evs) if mode == "total" else len({e["session_id"] for e in evs})

    def top(scores: dict, n: int):
        return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    purchases = of("purchase")
    revenue = sum((e["price"] * e["qty"] for e in purchases), Decimal(0))
    cents = Decimal("0.01")
    body = {"mode": mode, "total_sales": len(purchases)}
    body["total_revenue"] = float(revenue.quantize(cents, ROUND_HALF_UP))
    body["average_order_value"] = (
        float((revenue / len(purchases)).quantize(cents, ROUND_HALF_UP)) if purchases else 0.0
    )
    units = Counter()
    for e in purchases:
        if e["slug"]:
            units[e["slug"]] += e["qty"]
    body["top_products"] = [{"slug": s, "count": c} for s, c in top(units, 5)]
    views = defaultdict(list)
    for e in of("product_view"):
        if e["slug"]:
            views[e["slug"]].append(e)
    body["top_viewed_products"] = [
        {"slug": s, "count": c} for s, c in top({s: count_mode(v) for s, v in views.items()}, 5)
    ]
    by_day = Counter(e["day"] for e in purchases)
    body["sales_by_day"] = [{"date": d, "count": by_day[d]} for d in sorted(by_day)]
    first = (as_of - timedelta(days=days)).date()
    window_days = [(first + timedelta(days=k)).isoformat() for k in range(days + 1)]
    kinds = ["product_view", "add_to_cart", "begin_checkout", "purchase",
             "checkout_started", "payment_info_entered", "order_completed"]  # fmt: skip
    per_day = Counter((e["day"], e["event_type"]) for e in W)
    body["events_timeline"] = [
        {"date": d, **{k: per_day[d, k] for k in kinds}} for d in window_days
    ]
    began = {e["ident"] for e in of("begin_checkout")}
    bought = {e["ident"] for e in purchases}
    body["abandonment_rate"] = pct(len(began - bought), len(began))
    counts = {k: count_mode(of(k)) for k in kinds[:4]}
    body["event_counts"] = counts
    body["conversion_rates"] = {
        "visit_to_cart": pct(counts["add_to_cart"], counts["product_view"]),
        "cart_to_checkout": pct(counts["begin_checkout"], counts["add_to_cart"]),
        "checkout_to_purchase": pct(counts["purchase"], counts["begin_checkout"]),
    }
    cs, pi, oc = (len(of(k)) for k in kinds[4:])
    body["checkout_started_count"] = cs
    body["payment_info_entered_count"] = pi
    body["order_completed_count"] = oc
    body["conversion_checkout_to_payment"] = pct(pi, cs)
    body["conversion_payment_to_order"] = pct(oc, pi)
    errors = ["payment_error", "checkout_error", "payment_confirmation_error"]
    body["error_counts"] = {k: len(of(k)) for k in errors}
    body["product_performance"] = _performance(W, mode, count_mode)
    body["errors_timeline"] = [
        {
            "date": d,
            **{k: per_day[d, k] for k in errors + ["address_error"]},
        }
        for d in window_days
    ]
    sessions = {e["session_id"] for e in W}
    body["session_stats"] = {
        "unique_sessions": len(sessions),
        "avg_events_per_session": half_up(Fraction(len(W), len(sessions)), 1) if sessions else 0.0,
        "sessions_with_purchase": len({e["session_id"] for e in purchases}),
    }
    buyer_days = defaultdict(set)
    for e in of("purchase", R):
        buyer_days[e["ident"]].add(e["day"])
    recurrent = sum(1 for d in buyer_days.values() if len(d) >= 2)
    body["retention_metrics"] = {
        "repurchase_rate": pct(recurrent, len(buyer_days)),
        "recurrent_customers": recurrent,
        "total_unique_buyers": len(buyer_days),
        "period_days": 90,
    }
    first_view = {}
    for e in sorted(of("page_view"), key=lambda e: (e["ts"], e["id"])):
        first_view.setdefault(e["session_id"], e.get("source") or "direct")
    body["traffic_sources"] = [
        {"source": s, "sessions": n} for s, n in top(Counter(first_view.values()), 10**9)
    ]
    clicks = of("whatsapp_cart_click")
    body["whatsapp_sessions"] = len({e["session_id"] for e in clicks})
    body["whatsapp_purchases"] = len({e["session_id"] for e in of("whatsapp_purchase")})
    last = {}
    for e in clicks:
        last[e["session_id"]] = max(last.get(e["session_id"], e["ts"]), e["ts"])
    order = sorted(sorted(last.items()), key=lambda kv: kv[1], reverse=True)  # stable: ties by id
    body["whatsapp_sessions_list"] = [s for s, _ in order[:10]]
    return body


def _performance(W, mode, count_mode) -> list[dict]:
    relevant = {"product_view", "add_to_cart", "purchase"}
    slugs = {e["slug"] for e in W if e["slug"] and e["event_type"] in relevant}
    by_slug = defaultdict(list)
    for e in W:
        if e["slug"] in slugs:
            by_slug[e["slug"]].append(e)
    rows = []
    for slug in slugs:
        evs = by_slug[slug]
        views = count_mode([e for e in evs if e["event_type"] == "product_view"])
        carts = count_mode([e for e in evs if e["event_type"] == "add_to_cart"])
        bought = [e for e in evs if e["event_type"] == "purchase"]
        units = sum(e["qty"] for e in bought)
        purchases = units if mode == "total" else len({e["session_id"] for e in bought})
        named = [e for e in evs if e.get("product_name")]
        name = max(named, key=lambda e: (e["ts"], e["id"]))["product_name"] if named else slug
        row = {
            "slug": slug,
            "name": name,
            "views": views,
            "add_to_cart": carts,
            "purchases": purchases,
        }
        if mode == "unique":
            row["purchases_units"] = units
        row["conversion_rate"] = pct(purchases, views)
        rows.append(row)
    rows.sort(key=lambda r: (-r["views"], r["slug"]))
    return rows[:10]


# The admin page's other endpoints (admin-endpoints.md). Every window is closed,
# [as_of - d, as_of], compared as instants to the microsecond.

FUNNEL_STEPS = ["page_view", "product_view", "add_to_cart", "begin_checkout", "purchase"]


def instant_text(moment: datetime) -> str:
    """Section 1's instants in bodies: UTC, six fraction digits, +00:00."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _within(events: list[dict], as_of: datetime, span: timedelta) -> list[dict]:
    return [e for e in events if as_of - span <= e["ts"] <= as_of]


def funnel(rows: list[dict], as_of: datetime, days: int = 30, source: str = "") -> dict:
    """Section 2: distinct sessions per step in F = [as_of - days, as_of], each event
    filtered by its own source ('direct' matches NULL, '' and 'direct')."""
    as_of = as_of.astimezone(timezone.utc)
    F = _within(cleaned(rows), as_of, timedelta(days=days))

    def passes(e: dict) -> bool:
        if not source:
            return True
        if source == "direct":
            return e.get("source") in (None, "", "direct")
        return e.get("source") == source

    steps = [
        {
            "step": s,
            "count": len({e["session_id"] for e in F if e["event_type"] == s and passes(e)}),
        }
        for s in FUNNEL_STEPS
    ]
    start = as_of - timedelta(days=days)
    return {"funnel": steps, "start_date": instant_text(start), "end_date": instant_text(as_of)}


def alerts(rows: list[dict], as_of: datetime) -> dict:
    """Section 3: the rules in their order, all_clear when none fired."""
    as_of = as_of.astimezone(timezone.utc)
    events = cleaned(rows)

    def last(**span: float) -> list[dict]:
        return _within(events, as_of, timedelta(**span))

    fired = [
        *_abandonment(last(hours=24)),
        *_popular(last(days=7)),
        *_payment_errors(last(hours=1)),
        *_carts(last(hours=6)),
        *_stuck(last(hours=24)),
    ]
    fired = fired or [("all_clear", "No se detectaron anomalías en este momento.", "info", {})]
    when = instant_text(as_of)
    return {
        "alerts": [
            {"type": kind, "message": message, "severity": severity, "timestamp": when, **extra}
            for kind, message, severity, extra in fired
        ]
    }


Alert = tuple[str, str, str, dict]


def _abandonment(d24: list[dict]) -> list[Alert]:
    began = {e["ident"] for e in d24 if e["event_type"] == "begin_checkout"}
    left = began - {e["ident"] for e in d24 if e["event_type"] == "purchase"}
    if len(began) < 3 or Fraction(len(left), len(began)) <= Fraction(70, 100):
        return []
    rate = f"{pct(len(left), len(began)):.1f}"
    text = (
        f"Tasa de abandono del {rate}% en las últimas 24h ({len(left)} de {len(began)} checkouts)"
    )
    return [("high_abandonment", text, "critical", {})]


def _popular(d7: list[dict]) -> list[Alert]:
    viewers, sold = defaultdict(set), set()
    for e in d7:
        if e["slug"] and e["event_type"] == "product_view":
            viewers[e["slug"]].add(e["session_id"])
        if e["slug"] and e["event_type"] == "purchase":
            sold.add(e["slug"])
    popular = [(s, len(v)) for s, v in viewers.items() if len(v) > 10 and s not in sold]
    return [
        (
            "popular_no_conversion",
            f'Producto "{slug}" tuvo {views} vistas únicas sin ninguna compra en 7 días',
            "warning",
            {"product_slug": slug},
        )
        for slug, views in sorted(popular, key=lambda sv: (-sv[1], sv[0]))
    ]


def _payment_errors(h1: list[dict]) -> list[Alert]:
    n = sum(1 for e in h1 if e["event_type"] == "payment_error")
    text = f"Se detectaron {n} errores de pago en la última hora"
    return [("payment_errors", text, "critical", {})] if n > 0 else []


def _carts(h6: list[dict]) -> list[Alert]:
    carted = {e["session_id"] for e in h6 if e["event_type"] == "add_to_cart"}
    n = len(carted - {e["session_id"] for e in h6 if e["event_type"] == "begin_checkout"})
    text = f"{n} carritos no iniciaron checkout en las últimas 6h"
    return [("carts_abandoned", text, "warning", {})] if n >= 5 else []


def _stuck(d24: list[dict]) -> list[Alert]:
    per_session = Counter(e["session_id"] for e in d24)
    buyers = {e["session_id"] for e in d24 if e["event_type"] == "purchase"}
    n = sum(1 for s, count in per_session.items() if count > 15 and s not in buyers)
    text = f"{n} sesiones con más de 15 eventos en 24h sin completar compra"
    return [("stuck_sessions", text, "info", {})] if n > 0 else []


def rfm(rows: list[dict], as_of: datetime) -> dict:
    """Section 4: per non-empty user_id with a purchase in R = [as_of - 90 days, as_of]."""
    as_of = as_of.astimezone(timezone.utc)
    start = as_of - timedelta(days=90)
    bought = defaultdict(list)
    for e in _within(cleaned(rows), as_of, timedelta(days=90)):
        if e["event_type"] == "purchase" and e.get("user_id"):
            bought[e["user_id"]].append(e)
    customers = []
    for user, evs in bought.items():
        recency = (as_of - max(e["ts"] for e in evs)) // timedelta(days=1)
        spent = sum((e["price"] for e in evs), Decimal(0))
        if recency <= 7 and len(evs) >= 2 and spent >= 100000:
            segment = "VIP"
        elif recency <= 30:
            segment = "Leal"
        else:
            segment = "En riesgo" if recency <= 60 else "Perdido"
        customers.append({"visitor_id": user, "recency": recency, "frequency": len(evs),
                          "monetary": float(spent.quantize(Decimal("0.01"), ROUND_HALF_UP)),
                          "segmento": segment})  # fmt: skip
    customers.sort(key=lambda c: (c["recency"], c["visitor_id"]))
    return {"rfm": customers, "start_date": instant_text(start), "end_date": instant_text(as_of)}
