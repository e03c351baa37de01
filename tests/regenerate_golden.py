"""Regenerate the golden bodies (tests/golden/dashboard_<mode>.json) from the reference.

    python -m tests.regenerate_golden          # rewrite them
    python -m tests.regenerate_golden --check  # exit 1 if they differ (nothing written)

The golden files are the plain-Python reference (tests/reference.py) over the seed
fixtures at their instant, so a new field reaches them by this command, never by hand;
the reviewer reads their diff in the commit. The tests then hold the SQL to them on both
engines (tests/models/test_fixture_dashboard.py, tests/api/test_endpoint.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from tests.fixtures.events_seed import FIXTURE_AS_OF, seed_rows
from tests.reference import compute

GOLDEN = Path(__file__).resolve().parent / "golden"
MODES = ("total", "unique")


def golden_text(mode: str) -> str:
    body = compute(seed_rows(), mode, datetime.fromisoformat(FIXTURE_AS_OF))
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether they differ")
    args = parser.parse_args(argv)
    stale = []
    for mode in MODES:
        path = GOLDEN / f"dashboard_{mode}.json"
        text = golden_text(mode)
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
