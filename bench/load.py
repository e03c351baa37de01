"""Load benchmark: gunicorn on loopback, 50 concurrent clients mixing admin, non-admin
and bad tokens and both modes, for a bounded time.

    python -m bench.load [--database URL] [--seconds 20] [--clients 50] [--json out.json]

Every answer is checked against what its own request must get (admin: the golden body
for its mode; non-admin: 403; bad token: 401), so any cross-request leakage shows up as
a mismatch. Reports throughput, latency percentiles, status counts and the workers'
memory at the start and end. tests/api/test_load.py runs a short version in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECRET = "load-test-secret-0123456789abcdef0123456789abcdef0123456789abcdef"
AS_OF = "2024-05-22T12:00:00Z"
PATH = "/api/analytics/dashboard-stats/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database: str, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "JWT_SECRET": SECRET, "DATABASE_URL": database}
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "serve", "--project-dir", str(REPO), "--port", str(port),
         "--workers", str(workers), "--threads", str(threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    if not wait_until_ready(port, 120):
        proc.kill()
        raise RuntimeError("gunicorn did not start")
    return proc, port


def wait_for_port(port: int, seconds: float) -> bool:
    """Whether something accepts connections on 127.0.0.1:port within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def wait_until_ready(port: int, seconds: float) -> bool:
    """Whether the server on 127.0.0.1:port answers /readyz with 200 within ``seconds``
    (listening, its project compiled, its refresher's first pass done)."""
    deadline = time.monotonic() + seconds
    if not wait_for_port(port, seconds):
        return False
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    return False


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def expectations() -> dict:
    golden = {
        m: json.loads((REPO / f"tests/golden/dashboard_{m}.json").read_text())
        for m in ("total", "unique")
    }
    return golden


def make_tokens() -> dict[str, str]:
    os.environ.setdefault("JWT_SECRET", SECRET)
    from api.auth import make_token

    return {
        "admin": make_token(admin=True, lifetime=3600, secret=SECRET),
        "user": make_token(admin=False, lifetime=3600, secret=SECRET),
        "bad": make_token(admin=True, lifetime=3600, secret="not-the-secret-" * 5),
    }


class Tally:
    """What the clients saw, shared between their threads."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.mismatches: list[str] = []
        self.lock = threading.Lock()

    def record(self, status, seconds: float | None, problem: str | None) -> None:
        with self.lock:
            self.statuses[status] += 1
            if seconds is not None:
                self.latencies.append(seconds)
            if problem:
                self.mismatches.append(problem)

    def summary(self, wall: float) -> dict:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else 0.0

        latency = {f"p{int(q * 100)}": pct(q) for q in (0.50, 0.90, 0.99)}
        latency |= {"max": pct(1.0), "mean": round(statistics.fmean(lat) * 1000, 1) if lat else 0.0}
        return {
            "requests": len(lat),
            "seconds": round(wall, 2),
            "throughput_rps": round(len(lat) / wall, 1),
            "latency_ms": latency,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "mismatches": self.mismatches[:20],
            "mismatch_count": len(self.mismatches),
        }


EXPECTED_STATUS = {"admin": 200, "user": 403, "bad": 401}


def _client(port: int, stop_at: float, rnd: random.Random, tokens: dict, golden: dict,
            tally: Tally) -> None:  # fmt: skip
    """One keep-alive client: random token and mode until the clock stops it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        who, mode = rnd.choice(["admin", "admin", "user", "bad"]), rnd.choice(["total", "unique"])
        started = time.perf_counter()
        try:
            conn.request("GET", f"{PATH}?mode={mode}&as_of={AS_OF}",
                         headers={"Authorization": f"Bearer {tokens[who]}"})  # fmt: skip
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            tally.record("connection-error", None, f"{who}/{mode}: {exc!r}")
            continue
        problem = None
        if resp.status != EXPECTED_STATUS[who]:
            problem = f"{who}/{mode}: status {resp.status}"
        elif who == "admin" and json.loads(body) != golden[mode]:
            problem = f"{who}/{mode}: body differs from its mode's dashboard"
        tally.record(resp.status, time.perf_counter() - started, problem)
    conn.close()


def run_load(port: int, seconds: float, clients: int, seed: int = 1) -> dict:
    tokens, golden, tally = make_tokens(), expectations(), Tally()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, stop_at, random.Random(seed * 1000 + n),
                                               tokens, golden, tally))
        for n in range(clients)
    ]  # fmt: skip
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally.summary(time.monotonic() - started)


def benchmark(database: str, seconds: float, clients: int, workers: int, threads: int) -> dict:
    from runner.tasks.build import seed
    from runner.workspace import Workspace

    seed(Workspace.open(REPO, database))
    proc, port = start_server(database, workers, threads)
    try:
        run_load(port, 2, 4)  # warm-up: compile and connect in every worker
        pids = worker_pids(proc.pid)
        rss_start = rss_mb(pids)
        result = run_load(port, seconds, clients)
        result["rss_mb"] = {
            "start": round(rss_start, 1),
            "end": round(rss_mb(worker_pids(proc.pid)), 1),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    engine = database.split(":", 1)[0]
    return {"engine": engine, "clients": clients, "workers": workers, "threads": threads, **result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", action="append", help="repeatable; default: a temp SQLite file"
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    databases = args.database or [f"sqlite:///{tempfile.mkdtemp()}/load.db"]
    results = [
        benchmark(db, args.seconds, args.clients, args.workers, args.threads) for db in databases
    ]
    for r in results:
        print(f"{r['engine']:10} {r['requests']:6} req in {r['seconds']:5}s  {r['throughput_rps']:7} req/s  "
              f"p50 {r['latency_ms']['p50']} ms  p90 {r['latency_ms']['p90']} ms  p99 {r['latency_ms']['p99']} ms  "
              f"statuses {r['statuses']}  mismatches {r['mismatch_count']}  "
              f"rss {r['rss_mb']['start']} -> {r['rss_mb']['end']} MB")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["mismatch_count"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
