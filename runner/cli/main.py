"""``runner``: the command line, a thin shell over the library.

Each command is one decorated function (``@command``, runner/cli/registry.py) that
returns an exit code; its options are declared beside it. Applications add commands
through the entry-point group ``runner.tasks.build``: every module listed there is imported
at start-up and registers its own ``@command`` functions (the store's dashboard, serve,
token and up: ``api/cli.py``, declared in pyproject.toml).

Exit codes (``exit_code``, the one place they are decided): 0 success; 1 a model or a
test failed; 2 something is wrong before anything ran (a value given, the project, a
template, the SQL, the graph); 3 the database is unavailable or too slow.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from importlib.metadata import entry_points

from runner import __version__
from runner.cli import builtin  # noqa: F401 - registers the runner's own commands
from runner.cli.registry import COMMANDS, PLUGIN_GROUP, PROJECT, exit_code
from runner.errors import RunnerError


def load_plugins() -> None:
    """Import every module of the ``runner.commands`` entry-point group (each registers
    its commands). A broken plugin is reported, and the runner's own commands still work."""
    for entry in entry_points(group=PLUGIN_GROUP):
        try:
            entry.load()
        except Exception as exc:  # noqa: BLE001 - one bad plugin must not break the CLI
            print(
                f"warning: plugin {entry.name} ({entry.value}) failed to load: {exc}",
                file=sys.stderr,
            )


def build_parser() -> argparse.ArgumentParser:
    load_plugins()
    parser = argparse.ArgumentParser(
        prog="runner", description="Render and run a project's SQL models on SQLite or PostgreSQL."
    )
    parser.add_argument("--version", action="version", version=f"runner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.description)
        own = {flag for opt in cmd.options for flag in opt.flags}
        # a command may say what a common option means for it (`unit --database`)
        common = [opt for opt in PROJECT if not own.intersection(opt.flags)]
        for opt in (*common, *cmd.options):
            p.add_argument(*opt.flags, **opt.kwargs)
        p.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except RunnerError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc.format()}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `runner ls | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
