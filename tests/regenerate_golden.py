"""Regenerate the golden bodies (tests/golden/*.json) from the reference.

    python -m tests.regenerate_golden          # rewrite them
    python -m tests.regenerate_golden --check  # exit 1 if they differ (nothing written)

The golden files are the plain-Python reference (tests/reference.py) over the seed
fixtures at their instant: the dashboard in both modes (dashboard_<mode>.json) and the
admin page's funnel (its defaults: 30 days, no source), alerts and RFM, so a new field
reaches them by this command, never by hand; the reviewer reads their diff in the
commit. The tests then hold the SQL to them on both engines
(tests/models/test_fixture_dashboard.py, tests/api/test_endpoint.py,
tests/api/test_admin_endpoints.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tests.fixtures.events_seed import FIXTURE_AS_OF, seed_rows
from tests.reference import alerts, compute, funnel, rfm

GOLDEN = Path(__file__).resolve().parent / "golden"
MODES = ("total", "unique")


def _as_of() -> datetime:
    return datetime.fromisoformat(FIXTURE_AS_OF)


#: each golden file's name and the reference body it holds
BODIES: dict[str, Callable[[], dict]] = {
    **{f"dashboard_{m}": (lambda m=m: compute(seed_rows(), m, _as_of())) for m in MODES},
    "funnel": lambda: funnel(seed_rows(), _as_of()),
    "alerts": lambda: alerts(seed_rows(), _as_of()),
    "rfm": lambda: rfm(seed_rows(), _as_of()),
}


def body_text(name: str) -> str:
    return json.dumps(BODIES[name](), indent=2, ensure_ascii=False) + "\n"


def golden_text(mode: str) -> str:
    """The dashboard's golden body in ``mode``."""
    return body_text(f"dashboard_{mode}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether they differ")
    args = parser.parse_args(argv)
    stale = []
    for name in BODIES:
        path = GOLDEN / f"{name}.json"
        text = body_text(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.relative_to(GOLDEN.parent.parent).as_posix())
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "differ from the reference" if args.check else "rewritten"
    print(f"{', '.join(stale)}: {verb}" if stale else "golden files are up to date")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
