"""The runner's exceptions.

One root, ``RunnerError``; every subclass carries the model, its path and the line so
the CLI can print ``path:line: message`` plus a hint, and the API can log it without
showing it to a client.
"""

from __future__ import annotations


class RunnerError(Exception):
    """Root of every error the runner reports to a person."""

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
        snippet: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.model = model
        self.path = path
        self.line = line
        self.hint = hint
        self.snippet = snippet

    def location(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or ""

    def format(self) -> str:
        """One line a person can act on, plus the offending text and a hint if known."""
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.snippet:
            text += f"\n    {self.snippet.strip()}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()


class ProjectError(RunnerError):
    """project.yml, duplicate model names, bad vars or params."""


class CompileError(RunnerError):
    """Jinja rendering or SQL parsing failed."""


class GraphError(RunnerError):
    """A cycle, a ref to a missing model, or a selector that matches nothing."""


class DatabaseError(RunnerError):
    """The database is unreachable or a statement failed."""

    def __init__(self, message: str, *, unavailable: bool = False, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.unavailable = unavailable
        self.position: int | None = None  # character offset in the statement, if the driver says
        self.sql_line: int | None = None  # line of the statement that offset falls on


class SeedError(RunnerError):
    """A seed file cannot be loaded."""
