"""Deterministic store traffic for the benchmarks.

``generate(window_events, as_of, seed)`` yields event tuples in the column order of
spec section 1: about ``window_events`` events inside the 7-day window ending at
``as_of`` and as many again spread over the 113 days before it. Sessions of several
events (page_view first, with a source), ~200 products, the spec's event mix
(views >> carts > checkouts > purchases), 30 % logged-in users, a few WhatsApp clicks
and errors, and some dirty values (bad JSON, odd quantities and prices, '' fields,
timestamp forms with offsets). Created_at is ISO text; PostgreSQL parses it on COPY.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

PRODUCTS = [(f"product-{i:03d}", f"Product {i}", str(20000 + 1500 * i)) for i in range(200)]
SOURCES = ["google", "instagram", "tiktok", "facebook", "newsletter", None, "", "direct"]
WEIGHTS = [1 / (i + 1) ** 0.8 for i in range(len(PRODUCTS))]  # a few best sellers
DIRTY_META = ['{"quantity": "2"}', '{"quantity": 0}', "not json", None, "", '{"quantity": 2.5}']
DIRTY_PRICE = ["", "abc", "-5", "1,000", None]


def _stamp(moment: datetime, rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.6:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    if roll < 0.8:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if roll < 0.95:
        return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")
    return (moment - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S-05:00")


def _event(kind: str, sid: str, user, when: datetime, error: str | None = None) -> tuple:
    """An event without a product (page views and clicks aside)."""
    return (kind, sid, user, None, None, None, None, None, error, when)


def _session(rnd: random.Random, n: int, start: datetime) -> list[tuple]:
    sid = f"s{n:08d}"
    user = f"user{rnd.randrange(50000)}@mail.co" if rnd.random() < 0.3 else rnd.choice([None, ""])
    t = start
    rows = [("page_view", sid, user, None, None, None, None, rnd.choice(SOURCES), None, t)]
    for _ in range(rnd.choice([1, 1, 2, 3, 4, 6])):
        slug, name, price = rnd.choices(PRODUCTS, WEIGHTS)[0]
        t += timedelta(seconds=rnd.randint(5, 240), microseconds=rnd.randrange(10**6))
        rows.append(("product_view", sid, user, slug, name, price, None, None, None, t))
        if rnd.random() < 0.3:
            qty = rnd.choice([1, 1, 1, 2, 3])
            meta = (
                f'{{"quantity": {qty}, "size": "M"}}'
                if rnd.random() > 0.02
                else rnd.choice(DIRTY_META)
            )
            t += timedelta(seconds=rnd.randint(5, 60))
            rows.append(("add_to_cart", sid, user, slug, name, price, meta, None, None, t))
            if rnd.random() < 0.35:
                rows += _checkout(rnd, sid, user, slug, name, price, meta, t)
                t += timedelta(minutes=3)
    if rnd.random() < 0.05:
        rows.append(_event("whatsapp_cart_click", sid, user, t))
    return rows


def _checkout(rnd, sid, user, slug, name, price, meta, t) -> list[tuple]:
    rows = [_event("begin_checkout", sid, user, t + timedelta(seconds=20)),
            _event("checkout_started", sid, user, t + timedelta(seconds=21))]  # fmt: skip
    if rnd.random() < 0.05:
        rows.append(_event("payment_error", sid, user, t + timedelta(seconds=50), "declined"))
    if rnd.random() < 0.7:
        rows.append(_event("payment_info_entered", sid, user, t + timedelta(seconds=60)))
        price = price if rnd.random() > 0.01 else rnd.choice(DIRTY_PRICE)
        rows.append(
            ("purchase", sid, user, slug, name, price, meta, None, None, t + timedelta(seconds=90))
        )
        rows.append(_event("order_completed", sid, user, t + timedelta(seconds=92)))
    return rows


def generate(
    window_events: int, as_of: datetime, seed: int = 7, history_events: int | None = None
) -> Iterator[tuple]:
    """Event rows (id, event_type, session_id, user_id, product_slug, product_name, price,
    metadata, source, error_message, idempotency_key, created_at). ``history_events``
    (default: as many as in the window) are spread over the 113 days before W."""
    rnd = random.Random(seed)
    ident = 0
    history = window_events if history_events is None else history_events
    for span_days, offset_days, target in ((7, 0, window_events), (113, 7, history)):
        made, n = 0, 0
        while made < target:
            start = (
                as_of
                - timedelta(days=offset_days + span_days)
                + timedelta(seconds=rnd.randrange(span_days * 86400 - 1800))
            )
            n += 1
            for row in _session(rnd, ident * 0 + n + offset_days * 10**7, start):
                if made >= target:
                    break
                if row[-1] > as_of - timedelta(days=offset_days):
                    continue
                ident += 1
                made += 1
                yield (ident, *row[:-1], None, _stamp(row[-1], rnd))
