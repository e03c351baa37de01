"""Baseline (a): what the old implementation did, one Python pass over the window's rows.

Rows are fetched from the same database (every event that can be in W or, for
purchases, in R) and folded in a single loop. The dirty-value rules are written here
again from the spec, on purpose: the baseline shares no code with the models or with
the tests' reference, and the benchmark checks that they agree.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor

COLUMNS = "id, event_type, session_id, user_id, product_slug, product_name, price, metadata, source, created_at"
STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$")
FUNNEL = ("product_view", "add_to_cart", "begin_checkout", "purchase")
ERRORS = ("payment_error", "checkout_error", "payment_confirmation_error")
TIMELINE = FUNNEL + ("checkout_started", "payment_info_entered", "order_completed")


def fetch_rows(adapter, conn, as_of: datetime) -> list[tuple]:
    lo = (as_of - timedelta(days=91)).strftime("%Y-%m-%d")
    hi = (as_of + timedelta(days=2)).strftime("%Y-%m-%d")
    sql = f"SELECT {COLUMNS} FROM events WHERE created_at >= :lo AND created_at < :hi"
    if adapter.DIALECT == "postgres":
        sql = sql.replace("metadata,", "metadata::text,")
    return adapter.query(conn, sql, {"lo": lo, "hi": hi})[1]


def instant(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    match = STAMP.match(value or "")
    if not match:
        return None
    day, clock, frac, tz = match.groups()
    try:
        moment = datetime.fromisoformat(f"{day} {clock}")
    except ValueError:
        return None
    moment = moment.replace(microsecond=int(((frac or "") + "000000")[:6]), tzinfo=timezone.utc)
    if tz and tz != "Z":
        shift = timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
        moment = moment - shift if tz[0] == "+" else moment + shift
    return moment


def quantity(metadata) -> int:
    try:
        q = json.loads(metadata).get("quantity") if metadata else None
    except (ValueError, TypeError, AttributeError):
        return 1
    if isinstance(q, str) and q.isascii() and q.isdigit():
        q = int(q)
    ok = isinstance(q, int) and not isinstance(q, bool) and 1 <= q <= 10000
    return q if ok else 1


def price(value) -> Decimal:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return Decimal(text) if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) else Decimal(0)


def half_up(x: Fraction, places: int) -> float:
    return floor(x * 10**places + Fraction(1, 2)) / 10**places


def pct(a: int, b: int) -> float:
    return half_up(Fraction(100 * a, b), 1) if b else 0.0


class Fold:
    """Everything the fields need, gathered in one pass over the rows."""

    def __init__(self, mode: str, as_of: datetime, days: int = 7) -> None:
        self.unique = mode == "unique"
        self.as_of = as_of.astimezone(timezone.utc)
        self.w_start, self.r_start = (
            self.as_of - timedelta(days=days),
            self.as_of - timedelta(days=90),
        )
        self.days = days
        self.counts: Counter = Counter()
        self.sessions_by_type: dict[str, set] = defaultdict(set)
        self.per_day: Counter = Counter()
        self.views: dict[str, set] = defaultdict(set)
        self.carts: dict[str, set] = defaultdict(set)
        self.view_n: Counter = Counter()
        self.cart_n: Counter = Counter()
        self.units, self.buyers_by_slug, self.names = Counter(), defaultdict(set), {}
        self.revenue, self.sessions, self.buyer_days = Decimal(0), set(), defaultdict(set)
        self.began, self.bought, self.first_view, self.clicks, self.events = set(), set(), {}, {}, 0

    def add(self, row: tuple) -> None:
        eid, kind, sid, user, slug, name, raw_price, meta, source, created = row
        ts = instant(created)
        if ts is None or ts > self.as_of or ts < min(self.r_start, self.w_start):
            return
        ident = user or sid
        if kind == "purchase" and ts >= self.r_start:
            self.buyer_days[ident].add(ts.date().isoformat())
        if ts >= self.w_start:
            self._in_window(eid, kind, sid, ident, slug, name, raw_price, meta, source, ts)

    def _in_window(self, eid, kind, sid, ident, slug, name, raw_price, meta, source, ts) -> None:
        self.events += 1
        self.sessions.add(sid)
        self.counts[kind] += 1
        self.sessions_by_type[kind].add(sid)
        self.per_day[(ts.date().isoformat(), kind)] += 1
        if slug and name and (slug not in self.names or (ts, eid) > self.names[slug][0]):
            self.names[slug] = ((ts, eid), name)
        if kind == "purchase":
            q = quantity(meta)
            self.revenue += price(raw_price) * q
            self.bought.add(ident)
            if slug:
                self.units[slug] += q
                self.buyers_by_slug[slug].add(sid)
        elif kind in ("product_view", "add_to_cart") and slug:
            seen, n = (
                (self.views, self.view_n) if kind == "product_view" else (self.carts, self.cart_n)
            )
            seen[slug].add(sid)
            n[slug] += 1
        elif kind == "begin_checkout":
            self.began.add(ident)
        elif kind == "page_view" and (
            sid not in self.first_view or (ts, eid) < self.first_view[sid][0]
        ):
            self.first_view[sid] = ((ts, eid), source or "direct")
        elif kind == "whatsapp_cart_click":
            self.clicks[sid] = max(self.clicks.get(sid, ts), ts)

    def count_mode(self, kind: str) -> int:
        return len(self.sessions_by_type[kind]) if self.unique else self.counts[kind]

    def per_slug(self, seen: dict[str, set], n: Counter, slug: str) -> int:
        return len(seen.get(slug, ())) if self.unique else n[slug]


def _top(scores: dict, n: int) -> list:
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _performance(f: Fold) -> list[dict]:
    rows = []
    for s in set(f.views) | set(f.carts) | set(f.units) | set(f.buyers_by_slug):
        v, c = f.per_slug(f.views, f.view_n, s), f.per_slug(f.carts, f.cart_n, s)
        p = len(f.buyers_by_slug[s]) if f.unique else f.units[s]
        row = {"slug": s, "name": f.names.get(s, (None, s))[1], "views": v, "add_to_cart": c,
               "purchases": p}  # fmt: skip
        if f.unique:
            row["purchases_units"] = f.units[s]
        rows.append({**row, "conversion_rate": pct(p, v)})
    return sorted(rows, key=lambda r: (-r["views"], r["slug"]))[:10]


def python_dashboard(rows: list[tuple], mode: str, as_of: datetime, days: int = 7) -> dict:
    """The whole body from one pass: the benchmark's baseline, and its plain-Python check
    of the final answer (tests/bench/test_baseline.py holds it to the tests' reference)."""
    f = Fold(mode, as_of, days)
    for row in rows:
        f.add(row)
    return {"mode": mode, **_sales(f), **_funnel(f), **_products_and_errors(f), **_people(f)}


def _dates(f: Fold) -> list[str]:
    return [(f.w_start.date() + timedelta(days=k)).isoformat() for k in range(f.days + 1)]


def _sales(f: Fold) -> dict:
    sales, cents = f.counts["purchase"], Decimal("0.01")
    views = {s: f.per_slug(f.views, f.view_n, s) for s in f.views}
    return {
        "total_sales": sales,
        "total_revenue": float(f.revenue.quantize(cents, ROUND_HALF_UP)),
        "average_order_value": float((f.revenue / sales).quantize(cents, ROUND_HALF_UP)) if sales else 0.0,
        "top_products": [{"slug": s, "count": n} for s, n in _top(f.units, 5)],
        "top_viewed_products": [{"slug": s, "count": n} for s, n in _top(views, 5)],
        "sales_by_day": [{"date": d, "count": f.per_day[(d, "purchase")]}
                         for d in _dates(f) if f.per_day[(d, "purchase")]],
        "events_timeline": [{"date": d, **{k: f.per_day[(d, k)] for k in TIMELINE}} for d in _dates(f)],
        "abandonment_rate": pct(len(f.began - f.bought), len(f.began)),
    }  # fmt: skip


def _funnel(f: Fold) -> dict:
    counts = {k: f.count_mode(k) for k in FUNNEL}
    started, paid, done = (f.counts[k] for k in TIMELINE[4:])
    return {
        "event_counts": counts,
        "conversion_rates": {
            "visit_to_cart": pct(counts["add_to_cart"], counts["product_view"]),
            "cart_to_checkout": pct(counts["begin_checkout"], counts["add_to_cart"]),
            "checkout_to_purchase": pct(counts["purchase"], counts["begin_checkout"]),
        },
        "checkout_started_count": started,
        "payment_info_entered_count": paid,
        "order_completed_count": done,
        "conversion_checkout_to_payment": pct(paid, started),
        "conversion_payment_to_order": pct(done, paid),
    }


def _products_and_errors(f: Fold) -> dict:
    return {
        "error_counts": {k: f.counts[k] for k in ERRORS},
        "product_performance": _performance(f),
        "errors_timeline": [{"date": d, **{k: f.per_day[(d, k)] for k in ERRORS + ("address_error",)}}
                            for d in _dates(f)],
    }  # fmt: skip


def _people(f: Fold) -> dict:
    recurrent = sum(len(d) >= 2 for d in f.buyer_days.values())
    sessions = len(f.sessions)
    clicks = sorted(sorted(f.clicks.items()), key=lambda kv: kv[1], reverse=True)
    return {
        "session_stats": {
            "unique_sessions": sessions,
            "avg_events_per_session": half_up(Fraction(f.events, sessions), 1) if sessions else 0.0,
            "sessions_with_purchase": len(f.sessions_by_type["purchase"]),
        },
        "retention_metrics": {
            "repurchase_rate": pct(recurrent, len(f.buyer_days)),
            "recurrent_customers": recurrent,
            "total_unique_buyers": len(f.buyer_days),
            "period_days": 90,
        },
        "traffic_sources": [{"source": s, "sessions": n}
                            for s, n in _top(Counter(v[1] for v in f.first_view.values()), 10**9)],
        "whatsapp_sessions": len(f.sessions_by_type["whatsapp_cart_click"]),
        "whatsapp_purchases": len(f.sessions_by_type["whatsapp_purchase"]),
        "whatsapp_sessions_list": [s for s, _ in clicks[:10]],
    }  # fmt: skip
