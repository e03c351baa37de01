"""The command line: ``runner.cli.main`` is the ``runner`` script; an application adds
its own commands with ``command`` and ``option`` (entry-point group ``runner.commands``)."""

from __future__ import annotations

from runner.cli.builtin import print_note, print_result, print_seed
from runner.cli.main import main
from runner.cli.registry import (
    COMMANDS,
    Option,
    command,
    exit_code,
    option,
    parse_vars,
    workspace,
)

__all__ = [
    "COMMANDS",
    "Option",
    "command",
    "exit_code",
    "main",
    "option",
    "parse_vars",
    "print_note",
    "print_result",
    "print_seed",
    "workspace",
]
