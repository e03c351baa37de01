"""The runner's exceptions, one class per stage where a problem is found.

Every error carries what a person needs to act: the model, its path and line, the
offending text and a hint. The stage decides what happens next, in one place each:
``runner.cli.exit_code`` maps it to an exit code, and an application (an HTTP API)
maps it to an HTTP status. Errors are never changed after they are raised: a layer that
knows more (the template line of a database error) raises a located copy instead.

=================  ========================================================  ====
stage              raised when                                              exit
=================  ========================================================  ====
``ParamError``     a value given from outside is wrong: a request            2
                   parameter, ``--vars``, a command-line argument
``ConfigError``    a project file is wrong: project.yml, model YAML, a       2
                   model's ``config()``, a seed file, a database URL
``TemplateError``  Jinja cannot render a model or macro                      2
``CompileError``   the rendered SQL does not parse or cannot be analysed     2
``GraphError``     a ref to a missing model, a cycle, a selector matching    2
                   nothing
``DatabaseError``  the database is unavailable or too slow (3), or a         3/1
                   statement failed (1)
=================  ========================================================  ====
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound="RunnerError")


class RunnerError(Exception):
    """Root of every error the runner reports to a person."""

    stage: ClassVar[str] = "runner"

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

    def located(self: E, **fields: Any) -> E:
        """A copy with the given fields filled in where this error left them empty (a
        caller that knows the model or the template line adds them and raises the copy)."""
        clone = copy.copy(self)
        for name, value in fields.items():
            if getattr(clone, name, None) in (None, "") and value is not None:
                setattr(clone, name, value)
        clone.args = (clone.message,)
        return clone

    def noting(self: E, note: str) -> E:
        """A copy whose message ends with ``note`` in parentheses (where the error was
        met, when that is not where it is located)."""
        clone = copy.copy(self)
        clone.message = f"{self.message} ({note})"
        clone.args = (clone.message,)
        return clone

    def hinted(self: E, hint: str) -> E:
        """A copy with ``hint`` instead of the one it had (a layer that knows the project
        says better than the driver what to do)."""
        clone = copy.copy(self)
        clone.hint = hint
        return clone

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


class ParamError(RunnerError):
    """A value given from outside (a request parameter, --vars, an argument) is invalid.

    ``param`` names it, so an API can answer 400 naming the parameter."""

    stage = "request"

    def __init__(self, message: str, *, param: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.param = param

    def format(self) -> str:
        """Prefixed with the parameter's name unless the message already names it
        (``--vars: --vars is not valid JSON`` said it twice)."""
        text = super().format()
        named = f"'{self.param}'" in self.message or self.message.startswith(f"{self.param} ")
        if self.param and not named:
            text = f"{self.param}: {text}"
        return text


class ConfigError(RunnerError):
    """A project file or setting is wrong: project.yml, YAML properties, a model's
    config(), a seed file, the database URL, an application's configuration."""

    stage = "config"


class SeedError(ConfigError):
    """A seed file cannot be loaded (it names the file, line and column)."""


class TemplateError(RunnerError):
    """Jinja could not render a model, a macro or a test (undefined name, bad syntax,
    a var without a value, a macro raising)."""

    stage = "template"


class CompileError(RunnerError):
    """The rendered SQL does not parse, is not one query, or cannot be analysed."""

    stage = "compile"


class GraphError(RunnerError):
    """The DAG is wrong: a ref()/source() to something that does not exist (``missing``
    names it), a cycle, or a selector that matches nothing."""

    stage = "graph"

    def __init__(self, message: str, *, missing: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.missing = missing


#: what a DatabaseError's cause can be; the adapter that raised it classified it
CAUSES = ("unavailable", "timeout", "sql")


class DatabaseError(RunnerError):
    """The database is unavailable, a statement ran out of time, or a statement failed.

    ``cause`` is decided by the adapter from its driver's error (one place per engine):
    ``unavailable`` (cannot connect, locked, pool exhausted, server going away),
    ``timeout`` (the statement timeout interrupted it) or ``sql`` (the statement is
    wrong for this database). ``position`` is a character offset into the statement
    when the driver gives one, ``token`` an identifier the message names (both help
    point at the template line); ``missing`` the relation the database says does not
    exist (a layer that knows the project says what it is and how to build it)."""

    stage = "database"

    def __init__(
        self,
        message: str,
        *,
        cause: str = "sql",
        position: int | None = None,
        token: str | None = None,
        missing: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        if cause not in CAUSES:
            raise ValueError(f"cause must be one of {CAUSES}")
        self.cause = cause
        self.position = position
        self.token = token
        self.missing = missing
        self.sql_line: int | None = None  # line of the statement ``position`` falls on

    @property
    def unavailable(self) -> bool:
        """Worth retrying later: the database, not the SQL, is the problem."""
        return self.cause in ("unavailable", "timeout")


def closest(name: str, known) -> str | None:
    """'did you mean ...?' with the nearest known names (difflib), or None."""
    import difflib

    matches = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?" if matches else None
