"""The storefront, as the live benchmark plays it: one event per transaction, inserted
on its own connection at a fixed rate (with an optional burst), timing every insert.

SQLite is written the way Django writes it: its own connection with a 5 s busy timeout
on the file it created. Runs in a separate process (bench/live.py starts it) so the
readers' threads cannot slow its clock.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench.generate import PRODUCTS, SOURCES

INSERT = ("INSERT INTO events (event_type, session_id, user_id, product_slug, product_name, price, "
          "metadata, source, created_at) VALUES ({})")  # fmt: skip


@dataclass(frozen=True)
class Plan:
    rate: float  # events per second
    seconds: float
    burst_rate: float = 0.0  # events per second during the burst
    burst_at: float = 0.0  # seconds after the start
    burst_seconds: float = 0.0

    def rate_at(self, t: float) -> float:
        in_burst = self.burst_seconds and self.burst_at <= t < self.burst_at + self.burst_seconds
        return self.burst_rate if in_burst else self.rate


def event(rnd: random.Random, n: int) -> tuple:
    """A plausible event happening now: views mostly, some carts and purchases."""
    kind = rnd.choices(["page_view", "product_view", "add_to_cart", "purchase"], [2, 6, 2, 1])[0]
    slug, name, price = rnd.choice(PRODUCTS) if kind != "page_view" else (None, None, None)
    quantity = rnd.choice([1, 1, 2])
    meta = f'{{"quantity": {quantity}}}' if kind in ("add_to_cart", "purchase") else None
    source = rnd.choice(SOURCES) if kind == "page_view" else None
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return (kind, f"live{n % 5000:05d}", None, slug, name, price, meta, source, now)


def connect(url: str):
    if url.startswith("sqlite"):
        return sqlite3.connect(url.split(":///", 1)[1].split("?")[0], timeout=5.0,
                               isolation_level=None), "?"  # fmt: skip
    import psycopg

    return psycopg.connect(url, autocommit=True), "%s"


def write(url: str, plan: Plan, out: Path, seed: int = 3) -> None:
    """Insert at the planned rate until the time is up; write the latencies as JSON."""
    conn, mark = connect(url)
    sql = INSERT.format(", ".join([mark] * 9))
    rnd, latencies, failures = random.Random(seed), [], []
    start = time.monotonic()
    due, n = start, 0
    while (now := time.monotonic()) - start < plan.seconds:
        if now < due:
            time.sleep(due - now)
        began = time.perf_counter()
        try:
            conn.execute(sql, event(rnd, n))
            latencies.append(time.perf_counter() - began)
        except Exception as exc:  # noqa: BLE001 - a failed insert is a result, not a crash
            failures.append(repr(exc)[:200])
        n += 1
        due += 1.0 / plan.rate_at(due - start)
    elapsed = time.monotonic() - start
    conn.close()
    out.write_text(json.dumps({"latencies": latencies, "failures": failures,
                               "inserted": len(latencies), "seconds": elapsed}))  # fmt: skip
