"""A request's parameters, exactly as spec section 2 defines them, turned into the
project's params and validated once.

The store's admin page sends ``mode``, ``start`` and ``end`` on every dashboard request
(``end`` = today's UTC date, ``start`` = today - N for its 7D / 30D / 90D buttons), and
nothing to the funnel, alerts and RFM; often a cache-buster or tracking tags besides.
``resolve_request`` reads what arrived for an endpoint (api/endpoint.py) and hands it to
the project's ``ParamSet.resolve``, which validates each value once and names the
parameter the client sent in a ``ParamError``; the API answers that with 400 and
``runner dashboard`` with exit code 2.

* a param the endpoint sets by name (``mode``, the funnel's ``source``) goes as it
  came; the project validates it by its type (a choice's allow-list, a string's length);
* ``end`` today or later: as_of is the request time; an earlier ``end``: the last
  microsecond of that date. ``end`` and ``as_of`` together are refused;
* ``start``: N = end - start in days (a missing ``end`` means the date of as_of),
  within the bounds of the endpoint's window param. Without ``start``, its default;
* an endpoint with a fixed window (a period without a window param) reads ``as_of``
  only: ``start`` and ``end`` are ignored there, as any parameter it does not know;
* any other parameter is ignored (spec: a cache-buster must not break the page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timezone
from typing import Any

from api.endpoint import Endpoint, Period
from runner.errors import ParamError
from runner.serving import ParamSet, ParamValues

DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
LAST_MICROSECOND = time(23, 59, 59, 999999)


def resolve_request(
    endpoint: Endpoint,
    params: ParamSet,
    query: Mapping[str, Any],
    now: datetime | None = None,
    days: int | None = None,
) -> ParamValues:
    """``query``: the query string (a list where a name came twice). ``now``: the
    request time (UTC). ``days``: N given directly (``runner dashboard --days``); it
    cannot be combined with ``start``, nor given to an endpoint with a fixed window."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    given = {n: v for n in endpoint.params if (v := _single(query, n)) is not None}
    names: dict[str, str] = {}
    derived: dict[str, Callable[[Mapping[str, Any]], Any]] = {}
    period = endpoint.period
    if period is None:
        if days is not None:
            raise ParamError("this endpoint has no window to set", param="days")
    elif period.days is None:
        if days is not None:
            raise ParamError("this endpoint's windows are fixed: give as_of only", param="days")
        as_of = _single(query, "as_of")
        given[period.as_of] = now if as_of is None else as_of
    else:
        _window(period, period.days, query, now, days, (given, names, derived))
    return params.resolve(given, names, derived)


Into = tuple[dict[str, Any], dict[str, str], dict[str, Callable[[Mapping[str, Any]], Any]]]


def _window(
    period: Period,
    window: str,
    query: Mapping[str, Any],
    now: datetime,
    days: int | None,
    into: Into,
) -> None:
    """Spec section 2's period: ``as_of`` from ``as_of`` or ``end``, the ``window`` param
    from ``start`` (or ``days``), filled ``into`` what ``resolve`` takes: the given
    values, the names the client used, the values derived from the others."""
    given, names, derived = into
    as_of, end = _single(query, "as_of"), _date(_single(query, "end"), "end")
    if as_of is not None and end is not None:
        raise ParamError("give end or as_of, not both", param="end")
    if end is not None:
        given[period.as_of] = now if end >= now.date() else _last_moment(end)
        names[period.as_of] = "end"
    else:  # without either, the request time (a default of "now" would read the clock again)
        given[period.as_of] = now if as_of is None else as_of
    start = _date(_single(query, "start"), "start")
    if start is not None and days is not None:
        raise ParamError("give start or a number of days, not both", param="days")
    if start is not None:
        derived[window] = lambda v: ((end or _day(v[period.as_of])) - start).days
        names[window] = "start"
    elif days is not None:
        given[window], names[window] = days, "days"


def _last_moment(day: date) -> datetime:
    return datetime.combine(day, LAST_MICROSECOND, tzinfo=timezone.utc)


def _day(canonical: str) -> date:
    """The date of a canonical UTC timestamp ('YYYY-MM-DD HH:MM:SS.ffffff')."""
    return date.fromisoformat(canonical[:10])


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
