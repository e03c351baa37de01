"""Baseline (a): what the old implementation did, one Python pass over the window's rows.

Rows are fetched from the same database (every event that can be in W or, for
purchases, in R) and folded in a single loop into the same fields. Dirty-value rules
are those of tests/reference.py (imported: they are the spec's, in Python).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tests.reference import half_up, instant, pct, price, quantity

COLUMNS = "id, event_type, session_id, user_id, product_slug, product_name, price, metadata, source, created_at"


def fetch_rows(adapter, conn, as_of: datetime) -> list[tuple]:
    lo = (as_of - timedelta(days=91)).strftime("%Y-%m-%d")
    hi = (as_of + timedelta(days=2)).strftime("%Y-%m-%d")
    sql = f"SELECT {COLUMNS} FROM events WHERE created_at >= :lo AND created_at < :hi"
    if adapter.DIALECT == "postgres":
        sql = sql.replace("SELECT", "SELECT", 1).replace("metadata,", "metadata::text,")
    return adapter.query(conn, sql, {"lo": lo, "hi": hi})[1]


def python_dashboard(rows: list[tuple], mode: str, as_of: datetime) -> dict:
    as_of = as_of.astimezone(timezone.utc)
    w_start, r_start = as_of - timedelta(days=7), as_of - timedelta(days=90)
    unique = mode == "unique"
    counts: Counter = Counter()
    sessions_by_type: dict[str, set] = defaultdict(set)
    per_day: dict[tuple, int] = Counter()
    views, carts = defaultdict(set if unique else int), defaultdict(set if unique else int)
    units, buyers_by_slug, names = Counter(), defaultdict(set), {}
    revenue, sessions, buyer_days = Decimal(0), set(), defaultdict(set)
    began, bought, first_view, clicks, n_events = set(), set(), {}, {}, 0
    for eid, kind, sid, user, slug, name, raw_price, meta, source, created in rows:
        ts = instant(created)
        if ts is None or ts > as_of or ts < r_start:
            continue
        ident = user or sid
        day = ts.date().isoformat()
        if kind == "purchase":
            buyer_days[ident].add(day)
        if ts < w_start:
            continue
        n_events += 1
        sessions.add(sid)
        counts[kind] += 1
        sessions_by_type[kind].add(sid)
        per_day[(day, kind)] += 1
        if slug and name and (slug not in names or (ts, eid) > names[slug][0]):
            names[slug] = ((ts, eid), name)
        if kind == "purchase":
            q = quantity(meta)
            revenue += price(raw_price) * q
            bought.add(ident)
            if slug:
                units[slug] += q
                buyers_by_slug[slug].add(sid)
        elif kind == "product_view" and slug:
            views[slug].add(sid) if unique else views.__setitem__(slug, views[slug] + 1)
        elif kind == "add_to_cart" and slug:
            carts[slug].add(sid) if unique else carts.__setitem__(slug, carts[slug] + 1)
        elif kind == "begin_checkout":
            began.add(ident)
        elif kind == "page_view" and (sid not in first_view or (ts, eid) < first_view[sid][0]):
            first_view[sid] = ((ts, eid), source or "direct")
        elif kind == "whatsapp_cart_click":
            clicks[sid] = max(clicks.get(sid, ts), ts)
    size = (lambda v: len(v)) if unique else (lambda v: v)
    cm = (lambda k: len(sessions_by_type[k])) if unique else (lambda k: counts[k])
    sales = counts["purchase"]
    days = [(w_start.date() + timedelta(days=k)).isoformat() for k in range(8)]
    top = lambda d, n: sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:n]  # noqa: E731
    slugs = set(views) | set(carts) | set(units) | set(buyers_by_slug)
    perf = []
    for s in slugs:
        v, c = size(views[s]) if s in views else 0, size(carts[s]) if s in carts else 0
        p = len(buyers_by_slug[s]) if unique else units[s]
        perf.append({"slug": s, "name": names.get(s, (None, s))[1], "views": v, "add_to_cart": c,
                     "purchases": p, "conversion_rate": pct(p, v)})  # fmt: skip
    perf.sort(key=lambda r: (-r["views"], r["slug"]))
    cents = Decimal("0.01")
    recurrent = sum(1 for d in buyer_days.values() if len(d) >= 2)
    return {
        "mode": mode,
        "total_sales": sales,
        "total_revenue": float(revenue.quantize(cents, ROUND_HALF_UP)),
        "average_order_value": float((revenue / sales).quantize(cents, ROUND_HALF_UP))
        if sales
        else 0.0,
        "top_products": [{"slug": s, "count": n} for s, n in top(units, 5)],
        "top_viewed_products": [
            {"slug": s, "count": size(v)}
            for s, v in sorted(views.items(), key=lambda kv: (-size(kv[1]), kv[0]))[:5]
        ],  # fmt: skip
        "sales_by_day": [
            {"date": d, "count": per_day[(d, "purchase")]} for d in days if per_day[(d, "purchase")]
        ],
        "events_timeline": [
            {
                "date": d,
                **{
                    k: per_day[(d, k)]
                    for k in (
                        "product_view",
                        "add_to_cart",
                        "begin_checkout",
                        "purchase",
                        "checkout_started",
                        "payment_info_entered",
                        "order_completed",
                    )
                },
            }
            for d in days
        ],  # fmt: skip
        "abandonment_rate": pct(len(began - bought), len(began)),
        "event_counts": {
            k: cm(k) for k in ("product_view", "add_to_cart", "begin_checkout", "purchase")
        },
        "product_performance": perf[:10],
        "session_stats": {
            "unique_sessions": len(sessions),
            "avg_events_per_session": half_up(Fraction(n_events, len(sessions)), 1)
            if sessions
            else 0.0,
            "sessions_with_purchase": len(sessions_by_type["purchase"]),
        },  # fmt: skip
        "retention_metrics": {
            "recurrent_customers": recurrent,
            "total_unique_buyers": len(buyer_days),
        },
        "traffic_sources": top(Counter(v[1] for v in first_view.values()), 100),
        "whatsapp_sessions_list": [
            s for s, _ in sorted(sorted(clicks.items()), key=lambda kv: kv[1], reverse=True)[:10]
        ],
    }
