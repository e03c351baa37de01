"""The command line: ``runner.cli.main`` is the ``runner`` script."""

from __future__ import annotations

from runner.cli.main import main
from runner.cli.registry import COMMANDS, command, exit_code, option, parse_vars, workspace

__all__ = ["COMMANDS", "command", "exit_code", "main", "option", "parse_vars", "workspace"]
