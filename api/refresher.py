"""Keeping the incremental state current off the request path.

A server process runs one ``Refresher`` thread: every ``interval`` seconds it applies
what arrived, on a connection of its own (never one of the requests' pool), and every
``reconcile_every`` seconds it also compares the stored events with their source rows,
so rows the storefront deleted or updated are reflected within that time. Requests
only read (``Session(refresh_on_query=False)``): they never take a write lock, never
wait for the refresher, and answer from the state as the last pass left it. ``through``
says how current that is: every event committed before it is applied. Several
processes refresh in turn under the per-model locks (runner/execute/refresh.py), and
each batch is applied once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

from runner.errors import RunnerError

log = logging.getLogger("api.refresher")


class Refresher:
    def __init__(
        self,
        refresh: Callable[[bool], int],
        interval: float = 1.0,
        reconcile_every: float = 60.0,
    ) -> None:
        """``refresh(reconcile)``: one pass over the incremental state the endpoints
        read (``EndpointService.refresh``, or every endpoint's at once), rows written."""
        self.refresh = refresh
        self.interval = interval
        self.reconcile_every = reconcile_every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reconciled = time.monotonic()
        #: every event committed before this instant is applied: the start of the last
        #: pass that completed (None before the first)
        self.through: datetime | None = None

    def start(self) -> Refresher:
        self._thread = threading.Thread(target=self._loop, name="refresher", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_once(self) -> int:
        """One pass: apply arrivals, and reconcile when it is time. Errors are logged
        and the next pass tries again; meanwhile requests answer from the state as it is
        (``through`` does not move)."""
        reconcile = time.monotonic() - self._reconciled >= self.reconcile_every
        started = datetime.now(timezone.utc)
        try:
            written = self.refresh(reconcile)
        except RunnerError as exc:
            log.warning("refresh failed (%s): %s", exc.stage, exc.format().replace("\n", " | "))
            return 0
        self.through = started
        if reconcile:
            self._reconciled = time.monotonic()
        return written

    def _loop(self) -> None:
        """A pass at once (a server that starts on an unbuilt state builds it first),
        then one every ``interval``."""
        self.run_once()
        while not self._stop.wait(self.interval):
            self.run_once()
