"""The store's commands, plugged into ``runner`` through the entry-point group
``runner.commands`` (pyproject.toml): dashboard, serve, token and up."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Iterable

from api.endpoint import DASHBOARD_STATS, ENDPOINTS, Endpoint, by_cli_name
from runner.cli import Option, command, option, print_note, print_result, print_seed, workspace
from runner.errors import ParamError

PERIOD_OPTIONS = ("as_of", "start", "end", "days")


def request_options(endpoints: Iterable[Endpoint]) -> tuple[Option, ...]:
    """The CLI's spelling of the endpoints' request parameters: ``--NAME`` for each param
    an endpoint sets by name, then the period's ``--as-of`` and, where an endpoint's
    window has a length, ``--start/--end`` plus ``--days`` (N directly). Values,
    choices and defaults are the project's params, checked when the command runs (the
    project folder is an option too), by the same validation as a request."""
    endpoints = list(endpoints)
    owners: dict[str, list[str]] = {}
    for e in endpoints:
        for n in e.params:
            owners.setdefault(n, []).append(e.cli_name)
    found = [
        option(
            f"--{n.replace('_', '-')}", dest=n, help=f"the project's {n!r} param ({', '.join(o)})"
        )
        for n, o in owners.items()
    ]
    periods = [e.period for e in endpoints if e.period is not None]
    if periods:
        found.append(option("--as-of", help="ISO-8601 instant (default: now, UTC)"))
    windows = sorted({p.days for p in periods if p.days is not None})
    if not windows:
        return tuple(found)
    return (
        *found,
        option("--start", metavar="YYYY-MM-DD", help="the admin page's period: N = end - start"),
        option(
            "--end",
            metavar="YYYY-MM-DD",
            help="today or later: as of now; earlier: as of the end of that day",
        ),
        option(
            "--days", type=int, metavar="N", help=f"N directly (the project's {', '.join(windows)})"
        ),
    )


def given_options(endpoint: Endpoint, args: argparse.Namespace) -> dict[str, str]:
    """The query string the options given make for ``endpoint``; an option the endpoint
    does not take is an error naming it (the API ignores unknown parameters, but an
    analyst who typed --start for RFM believes it did something)."""
    period = endpoint.period
    takes = set(endpoint.params)
    if period is not None:
        takes |= {"as_of"} | ({"start", "end", "days"} if period.days is not None else set())
    names = [*dict.fromkeys(n for e in ENDPOINTS for n in e.params), *PERIOD_OPTIONS]
    given = {n: v for n in names if (v := getattr(args, n, None)) is not None}
    for name in given:
        if name not in takes:
            shown = sorted(f"--{t.replace('_', '-')}" for t in takes)
            raise ParamError(
                f"{endpoint.cli_name} does not take it",
                param=f"--{name.replace('_', '-')}",
                hint=f"{endpoint.cli_name} takes {', '.join(shown) or 'no option'}",
            )
    return {n: v for n, v in given.items() if n != "days"}


SERVER = (
    option("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"),
    option("--port", type=int, default=8000, help="port (default: 8000)"),
)


@command(
    "dashboard",
    "print the JSON body an analytics endpoint would return",
    "Compute an endpoint's answer (the dashboard by default; --endpoint funnel, alerts or "
    "rfm) and print exactly its JSON body. The period is read as the endpoint reads "
    "start and end (spec section 2), or --days N; alerts and rfm take --as-of only.",
    option(
        "--endpoint",
        choices=[e.cli_name for e in ENDPOINTS],
        default=DASHBOARD_STATS.cli_name,
        help=f"which endpoint (default: {DASHBOARD_STATS.cli_name})",
    ),
    *request_options(ENDPOINTS),
)
def dashboard_command(args: argparse.Namespace) -> int:
    from api.coverage import empty_window_warning
    from api.service import EndpointService
    from runner.serving import Session

    endpoint = by_cli_name(args.endpoint)
    query = given_options(endpoint, args)
    service = EndpointService(Session(workspace(args)), endpoint)
    values = service.request(query, days=args.days)
    body = service.compute(values)
    sys.stdout.buffer.write(json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n")
    warning = empty_window_warning(service.session, values) if endpoint is DASHBOARD_STATS else ""
    if warning:
        print(warning, file=sys.stderr)
    return 0


@command(
    "serve",
    "serve the API with gunicorn",
    "Serve the dashboard API with gunicorn. Needs JWT_SECRET (the store's Django "
    "SECRET_KEY); the other settings come from the environment (README: The API).",
    *SERVER,
    option("--workers", type=int, default=2, help="gunicorn workers (default: 2)"),
    option("--threads", type=int, default=4, help="threads per worker (default: 4)"),
)
def serve_command(args: argparse.Namespace) -> int:
    from api.serve import serve

    ensure_port_free(args.host, args.port)  # gunicorn retries five times, then exits 1
    return serve(args.project_dir, args.database, args.host, args.port, args.workers, args.threads)


@command(
    "token",
    "print a signed token for local use",
    "Print an HS256 token signed with $JWT_SECRET (the store's Django SECRET_KEY), shaped "
    "like the store's own tokens.",
    option("--admin", action="store_true", help='add "is_admin": true'),
    option("--expires", default="1h", help="lifetime: 30m, 1h, 7d (default 1h)"),
    option("--user-id", default="1", help="the user_id claim (default: 1)"),
    option(
        "--shape",
        choices=("store", "simplejwt"),
        default="store",
        help="store: what the store's login view signs (default); simplejwt: an "
        "access token of djangorestframework-simplejwt",
    ),
)
def token_command(args: argparse.Namespace) -> int:
    from api.auth import make_token, parse_duration

    lifetime = parse_duration(args.expires)
    print(make_token(admin=args.admin, lifetime=lifetime, user_id=args.user_id, shape=args.shape))
    return 0


@command(
    "up",
    "the main job: seed, run, print the dashboard, serve",
    "Load the seeds into the database, build every model, print the dashboard as of the "
    "fixtures' week, then serve the API with an admin token.",
    *SERVER,
    option("--no-serve", action="store_true", help="stop after printing the dashboard"),
)
def up_command(args: argparse.Namespace) -> int:
    """The fixtures are one week in May 2024, so everything is computed as of the
    fixtures' instant (project.yml vars.fixtures_as_of) and the curl line passes the same
    as_of. Without JWT_SECRET a random secret is made for this server only."""
    from api.auth import make_token
    from api.serve import serve
    from api.service import EndpointService
    from runner.serving import Session
    from runner.tasks.build import run, seed

    if not args.no_serve:
        ensure_port_free(args.host, args.port)  # before seeding, building and ~400 lines
    ws = workspace(args)
    as_of = str(ws.project.vars["fixtures_as_of"])
    print(f"== seeding {ws.adapter.describe()}")
    seed(ws, on_result=print_seed)
    print(f"== building every model as of {as_of} (the fixtures' week)")
    results = run(ws, None, {"as_of": as_of}, print_result, temp=False, on_note=print_note)
    if any(r.status != "OK" for r in results):
        return 1
    print(f"== dashboard as of {as_of} (the params' defaults)")
    body = EndpointService(Session(ws), DASHBOARD_STATS).answer({"as_of": as_of})
    print(json.dumps(body, ensure_ascii=False, indent=2))
    if args.no_serve:
        return 0
    ensure_port_free(args.host, args.port)  # again: something may have taken it since
    secret = os.environ.get("JWT_SECRET") or secrets.token_urlsafe(32)
    if "JWT_SECRET" not in os.environ:
        print("== JWT_SECRET is not set: a random secret serves this local session only")
    token = make_token(admin=True, lifetime=8 * 3600, secret=secret)
    print(handover(f"http://{args.host}:{args.port}", token, as_of))
    return serve(args.project_dir, args.database, args.host, args.port, 2, 4, secret=secret)


def ensure_port_free(host: str, port: int) -> None:
    """Refuse before doing anything: a port already taken used to mean gunicorn's
    "Connection in use" five times and exit 1 with no hint (serve), or seeding,
    building and printing the dashboard first (up)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ParamError(
                f"cannot listen on {host}:{port}: {exc.strerror}",
                param="--port",
                hint=f"another server holds it: stop it, or pass --port {port + 1}",
            ) from None


def handover(base: str, token: str, as_of: str) -> str:
    """What ``runner up`` prints for a person: the token, the curl line, and the
    dashboard page's URL. The page gets the token in the fragment (``#token=``), which a
    browser never sends to a server, so it reaches no log, and ``end`` = the fixtures'
    date so that the page shows their week (it would ask for today's otherwise)."""
    from runner.serving import parse_timestamp

    curl = f"{base}/api/analytics/dashboard-stats/?mode=total&as_of={as_of}"
    page = f"{base}/#token={token}&end={parse_timestamp(as_of, 'as_of')[:10]}"
    return (
        f"== admin token (8 h):\n{token}\n== try:\n"
        f"curl -s -H 'Authorization: Bearer {token}' '{curl}'\n"
        f"== or open the dashboard in a browser:\n{page}"
    )
