"""Jinja's errors as the runner's: the model, the template file and line of the error.

Jinja raises from inside compiled templates; the traceback holds the template frames.
``located`` turns what it raises into a TemplateError at the template line that caused
it (for a missing macro argument: the line that called the macro).
"""

from __future__ import annotations

import traceback

import jinja2

from runner.errors import RunnerError, TemplateError


class located:
    """Turn any error raised while rendering into a RunnerError with path and line.

    Jinja rewrites tracebacks so template frames carry the template's file and line;
    the innermost such frame is where the problem is.
    """

    def __init__(self, model: str | None, templates: dict[str, str]) -> None:
        self.model = model
        self.templates = templates

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        path, line = _template_frame(exc, self.templates)
        if isinstance(exc, jinja2.TemplateSyntaxError):
            path, line = exc.filename or exc.name or path, exc.lineno
            raise self._error(f"Jinja syntax error: {exc.message}", path, line) from None
        if isinstance(exc, RunnerError):
            raise exc.located(
                model=self.model,
                path=path,
                line=line,
                snippet=_line(self.templates.get(path), line),
            ) from None
        if isinstance(exc, jinja2.UndefinedError) and "was not provided" in exc.message:
            path, line = _caller_frame(exc, self.templates)  # the call, not the macro
            raise self._error(
                f"a macro was called without an argument: {exc.message}",
                path,
                line,
                hint="pass every parameter the macro declares (or give it a default)",
            ) from None
        if isinstance(exc, jinja2.UndefinedError):
            raise self._error(
                f"undefined: {exc.message}",
                path,
                line,
                hint="check the spelling, or define it with {% set %}, a macro or --vars",
            ) from None
        if isinstance(exc, Exception):
            message = f"error while rendering: {type(exc).__name__}: {exc}"
            raise self._error(message, path, line) from exc
        return False

    def _error(
        self, message: str, path: str | None, line: int | None, hint: str | None = None
    ) -> TemplateError:
        """A TemplateError at ``path:line`` of this model, with that line's text."""
        return TemplateError(
            message,
            model=self.model,
            path=path,
            line=line,
            snippet=_line(self.templates.get(path), line),
            hint=hint,
        )


def _template_frame(exc: BaseException, templates: dict[str, str]) -> tuple[str | None, int | None]:
    found = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in templates:
            found = (frame.filename, frame.lineno)
    return found


def _caller_frame(exc: BaseException, templates: dict[str, str]) -> tuple[str | None, int | None]:
    """The template frame that called the macro the error happened in: the frame before
    the innermost one whose file differs, else the one before the innermost."""
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    frames = [f for f in frames if f[0] in templates]
    if len(frames) < 2:
        return frames[-1] if frames else (None, None)
    inner = frames[-1][0]
    outer = [f for f in frames[:-1] if f[0] != inner]
    return outer[-1] if outer else frames[-2]


def _line(source: str | None, line: int | None) -> str | None:
    if not source or not line:
        return None
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None
