"""Where a refresh's time goes: each statement of one refresh, slowest first.

    python -m bench.refresh_profile SIZE sqlite|postgres

Loads SIZE window events (bench/generate.py), builds the incremental state, appends 10
and then 40 events of "a minute of traffic", then the 1 % late batch spread over four
months (bench.live's), and times each refresh with a timer around every adapter call;
prints the eight slowest statements and the next request's time. A diagnostic, not a benchmark: no baseline, nothing asserted.
"""

from __future__ import annotations

import sys
import time

from api.service import EndpointService
from bench import dashboard as bd
from bench.generate import generate
from runner.serving import Session
from runner.workspace import Workspace


def timed_adapter(adapter) -> list[tuple[float, str]]:
    """Wrap execute/query; returns the list each call appends (seconds, SQL head) to."""
    log: list[tuple[float, str]] = []
    for method in ("execute", "query"):
        original = getattr(adapter, method)

        def timed(conn, sql, *args, _original=original, **kwargs):
            start = time.perf_counter()
            try:
                return _original(conn, sql, *args, **kwargs)
            finally:
                log.append((time.perf_counter() - start, sql[:150].replace("\n", " ")))

        setattr(adapter, method, timed)
    return log


def profile(size: int, engine: str) -> None:
    rows = list(generate(size, bd.AS_OF_DT.replace(tzinfo=None)))
    key = f"profile_{size}"
    url, _ = (bd.load_sqlite if engine == "sqlite" else bd.load_postgres)(rows, key)
    try:
        print(f"build {bd.build_state(url):.1f}s")
        ws = Workspace.open(bd.REPO, url)
        service = EndpointService(Session(ws))
        service.answer({"mode": "total", "as_of": bd.AS_OF})
        log = timed_adapter(ws.adapter)
        minute, late = bd._arrivals(size)
        for label, rows in (("10 arrivals", minute[:10]), ("40 arrivals", minute[:40]),
                            (f"the 1 % late batch ({len(late)})", late)):  # fmt: skip
            with ws.adapter.connection() as conn:
                last = ws.adapter.query(conn, "SELECT MAX(id) FROM events")[1][0][0]
                batch = [[r[0] + last, *r[1:]] for r in rows]
                ws.adapter.load_rows(conn, "events", bd.COLUMNS, batch)
            log.clear()
            start = time.perf_counter()
            written = service.refresh()
            print(f"{label}: refresh {time.perf_counter() - start:.3f}s, {written} rows written")
            for seconds, sql in sorted(log, reverse=True)[:8]:
                print(f"  {seconds * 1000:8.1f} ms  {sql}")
            start = time.perf_counter()
            service.answer({"mode": "total", "as_of": bd.AS_OF})
            print(f"  the next request: {time.perf_counter() - start:.3f}s")
    finally:
        if engine == "postgres":
            bd.drop_postgres(key)  # a benchmark leaves no database behind


if __name__ == "__main__":
    profile(int(sys.argv[1]), sys.argv[2])
