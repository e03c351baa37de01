"""Where a live request's time goes (issue 25): what the server says each step took,
and what PostgreSQL's sessions wait on while the storefront writes.

* ``server_timing``: a response's ``Server-Timing`` header (``refresh``: applying the
  arrivals inside the request, when it does; ``read``: the models) as seconds;
* ``WaitSampler``: a thread sampling ``pg_stat_activity`` every 50 ms for the
  benchmark's database, counting what each other session is doing: the wait event
  (``Lock:advisory``, ``Lock:relation``, ``LWLock:...``, ``IO:...``), or CPU when it
  waits on nothing, and the statement kind it runs. A request queued on the
  refresher's write lock shows as ``Lock`` samples on a SELECT or an advisory lock.
"""

from __future__ import annotations

import threading
from collections import Counter


def server_timing(header: str | None) -> dict[str, float]:
    found = {}
    for part in (header or "").split(","):
        name, _, rest = part.strip().partition(";dur=")
        if name and rest:
            found[name] = float(rest) / 1000
    return found


class WaitSampler:
    """Counts (state, wait event, statement kind) of the database's other sessions."""

    def __init__(self, url: str, every: float = 0.05) -> None:
        self.url, self.every = url, every
        self.samples: Counter = Counter()
        self.taken = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> WaitSampler:
        if self.url.startswith("postgres"):
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        import psycopg

        sql = """
            SELECT state, COALESCE(wait_event_type || ':' || wait_event, 'CPU'),
                   upper(split_part(ltrim(query), ' ', 1))
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND state <> 'idle' AND backend_type = 'client backend'
        """
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(self.every):
                self.taken += 1
                for state, wait, kind in conn.execute(sql).fetchall():
                    self.samples[f"{state} | {wait} | {kind}"] += 1

    def report(self, top: int = 12) -> dict:
        """The most frequent (state | wait | statement) with their share of the samples:
        a share of 2.0 means two sessions in that state on average."""
        return {
            "samples": self.taken,
            "top": [
                {"what": what, "sessions_on_average": round(n / max(self.taken, 1), 3)}
                for what, n in self.samples.most_common(top)
            ],
        }
