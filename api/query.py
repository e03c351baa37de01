"""The dashboard's request parameters, exactly as spec section 2 defines them.

The store's admin page sends ``mode``, ``start`` and ``end`` on every request (``end`` =
today's UTC date, ``start`` = today - N for its 7D / 30D / 90D buttons) and often a
cache-buster or tracking tags besides. ``parse_query`` turns whatever arrived into one
``DashboardQuery`` (mode, the instant as_of, the window length N) or a ``ParamError``
naming the parameter; the API answers that with 400 and ``runner dashboard`` with exit
code 2, so both read the period the same way.

* ``end`` today or later: as_of is the request time; an earlier ``end``: the last
  microsecond of that date. ``end`` and ``as_of`` together are refused.
* ``start``: N = end - start in days (a missing ``end`` means the date of as_of);
  1 <= N <= 366. Without ``start``, N = 7.
* Any other parameter is ignored (spec: a cache-buster must not break the page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from api.contract import MODES
from runner.errors import ParamError
from runner.project.params import parse_timestamp

DEFAULT_DAYS = 7
MAX_DAYS = 366
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
LAST_MICROSECOND = time(23, 59, 59, 999999)


@dataclass(frozen=True)
class DashboardQuery:
    mode: str
    as_of: str  # canonical UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff'
    days: int  # N: W is as_of - N days <= created_at <= as_of


def parse_query(
    params: Mapping[str, Any], now: datetime | None = None, days: int | None = None
) -> DashboardQuery:
    """``params``: the query string (a list where a name came twice). ``now``: the
    request time (UTC). ``days``: N given directly (``runner dashboard --days``); it
    cannot be combined with ``start``."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    mode = _single(params, "mode")
    mode = "total" if mode is None else mode
    if mode not in MODES:
        raise ParamError("it must be exactly 'total' or 'unique'", param="mode")
    as_of_text, end_text = _single(params, "as_of"), _single(params, "end")
    if as_of_text is not None and end_text is not None:
        raise ParamError("give end or as_of, not both", param="end")
    end = _date(end_text, "end")
    if end is None:
        as_of = parse_timestamp(now if as_of_text is None else as_of_text, "as_of")
        reference = date.fromisoformat(as_of[:10])
    else:
        moment = now if end >= now.date() else datetime.combine(end, LAST_MICROSECOND)
        as_of, reference = parse_timestamp(moment, "end"), end
    start = _date(_single(params, "start"), "start")
    if start is not None and days is not None:
        raise ParamError("give start or a number of days, not both", param="days")
    if start is not None:
        days = (reference - start).days
        if not 1 <= days <= MAX_DAYS:
            raise ParamError(
                f"it must be 1 to {MAX_DAYS} days before end (it is {days})", param="start"
            )
    elif days is not None and not 1 <= days <= MAX_DAYS:
        raise ParamError(f"it must be 1 to {MAX_DAYS}", param="days")
    return DashboardQuery(mode, as_of, DEFAULT_DAYS if days is None else days)


def _single(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list):
        raise ParamError("it must be given at most once", param=name)
    return value


def _date(text: str | None, name: str) -> date | None:
    """A UTC calendar date written YYYY-MM-DD, years 1900-9899 (as the OpenAPI pattern says)."""
    if text is None:
        return None
    try:
        if not DATE.match(text):
            raise ValueError
        value = date.fromisoformat(text)
    except ValueError:
        raise ParamError("it must be a date written YYYY-MM-DD", param=name) from None
    if not 1900 <= value.year <= 9899:
        raise ParamError("its year must be between 1900 and 9899", param=name)
    return value
