"""The command registry: each command is one decorated function with its options beside
it, and one place decides exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from runner.errors import DatabaseError, ParamError, RunnerError

EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = 1, 2, 3
PLUGIN_GROUP = "runner.commands"


@dataclass(frozen=True)
class Option:
    """One argparse argument: its flags and keyword arguments."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any]


def option(*flags: str, **kwargs: Any) -> Option:
    return Option(flags, kwargs)


@dataclass(frozen=True)
class Command:
    name: str
    run: Callable[[argparse.Namespace], int]
    help: str
    description: str
    options: tuple[Option, ...]


COMMANDS: dict[str, Command] = {}

PROJECT = (
    option("--project-dir", default=".", help="folder holding project.yml (default: .)"),
    option(
        "--database",
        help="database URL: sqlite:///path.db or postgresql://user@host:port/db "
        "(default: $DATABASE_URL, then profiles.yml's target, then the project file's "
        "database:, then the embedded SQLite file)",
    ),
    option(
        "--target",
        dest="profile_target",  # `runner lineage` has a positional `target`
        help="the profiles.yml target to use (default: the profile's)",
    ),
    option("--profiles-dir", help="folder holding profiles.yml (default: dbt's search)"),
)
SELECT = option(
    "--select",
    "-s",
    nargs="+",
    metavar="SELECTOR",
    help="models: NAME, +NAME (with ancestors), NAME+ (with descendants), tag:TAG",
)
VARS = option(
    "--vars",
    help='vars and params as a JSON or YAML mapping, e.g. \'{"mode": "unique"}\' or '
    "'{mode: unique}'",
)


def command(name: str, help: str, description: str = "", *options: Option):
    """Register the decorated function as ``runner NAME``; ``options`` are its own, after
    the ones every command takes (--project-dir, --database, --debug)."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = Command(name, run, help, description or help, options)
        return run

    return register


def exit_code(exc: RunnerError) -> int:
    """The database unavailable or too slow 3, a statement that failed 1, anything wrong
    before running (a value given, the project, a template, the SQL, the graph) 2."""
    if isinstance(exc, DatabaseError):
        return EXIT_UNAVAILABLE if exc.unavailable else EXIT_FAILED
    return EXIT_USAGE


def parse_vars(text: str | None) -> dict[str, Any]:
    """--vars: a mapping written in JSON or, as dbt accepts, YAML (``{mode: unique}``).
    YAML's own timestamps stay text, as in JSON: a timestamp param parses its value."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = yaml.load(text, Loader=_VarsLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            problem = " ".join(str(getattr(exc, "problem", "") or exc).split())
            raise ParamError(
                f"--vars is neither JSON nor YAML: {problem}",
                param="--vars",
                hint="e.g. --vars '{\"mode\": \"unique\"}' or --vars '{mode: unique}'",
            ) from None
    if not isinstance(value, dict):
        raise ParamError("--vars must be a mapping, e.g. '{mode: unique}'", param="--vars")
    return value


class _VarsLoader(yaml.SafeLoader):
    """YAML without its implicit timestamps: ``as_of: 2024-05-22T12:00:00Z`` is text."""


_VarsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def workspace(args: argparse.Namespace, database: str | None = None):
    """The project and its database; warns on stderr about --vars the project does not
    declare (a typo would otherwise pass without a word)."""
    from runner.compile.compiler import unknown_vars
    from runner.workspace import Workspace

    ws = Workspace.open(
        args.project_dir,
        database or args.database,
        target=args.profile_target,
        profiles_dir=args.profiles_dir,
    )
    given = parse_vars(getattr(args, "vars", None))
    for name in unknown_vars(ws.project, given):
        known = ", ".join(sorted({*ws.project.vars, *ws.project.params}))
        print(
            f"warning: --vars names '{name}', which project.yml does not declare "
            f"(vars and params: {known})",
            file=sys.stderr,
        )
    return ws
