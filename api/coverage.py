"""Whether a window holds any event, and the newest event's instant: an empty window
is almost always a wrong as_of (the fixtures are dated May 2024), so ``runner
dashboard`` says so instead of printing zeros without a word."""

from __future__ import annotations

from runner.serving import ParamValues, Session
from runner.tasks.show import show

#: engine-neutral through the project's own macros (window_bounds, ref)
COVERAGE_SQL = """
SELECT
    b.w_start,
    b.w_end,
    (SELECT COUNT(*) FROM {{ ref('int_events') }} AS e
      WHERE e.ts >= b.w_start AND e.ts <= b.w_end) AS events,
    (SELECT MAX(e.ts) FROM {{ ref('int_events') }} AS e) AS newest
FROM ({{ window_bounds() }}) AS b
"""


def empty_window_warning(session: Session, values: ParamValues) -> str | None:
    """A warning naming the window and the newest event when the window holds no event
    (None otherwise). Reads int_events as it is: call after a refresh."""
    given = {**values.choices(), **values.bound()}
    ws = session.workspace
    start, end, events, newest = show(ws, inline=COVERAGE_SQL, limit=1, vars=given).rows[0]
    if events:
        return None
    newest_text = str(newest)[:10] if newest is not None else "none: the events table is empty"
    return (
        f"warning: the window {str(start)[:19]} .. {str(end)[:19]} holds no events "
        f"(newest event: {newest_text}); pass --as-of or --end to look at another period"
    )
