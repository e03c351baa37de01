"""Jinja's errors as the runner's: the model, the template file and line of the error.

Jinja raises from inside compiled templates; the traceback holds the template frames.
``located`` turns what it raises into a TemplateError at the template line that caused
it (for a missing macro argument: the line that called the macro).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable

import jinja2

from runner.errors import RunnerError, TemplateError, closest


class located:
    """Turn any error raised while rendering into a RunnerError with path and line.

    Jinja rewrites tracebacks so template frames carry the template's file and line;
    the innermost such frame is where the problem is.
    """

    def __init__(
        self, model: str | None, templates: dict[str, str], known: Iterable[str] = ()
    ) -> None:
        """``known``: the names the template could have meant (its context: macros,
        dbt's globals), for a closest-name hint when it names one that is undefined."""
        self.model = model
        self.templates = templates
        self.known = known

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
            frames = _template_frames(exc, self.templates)
            (path, line), chain = _call_chain(frames, self.templates)  # the call, not the macro
            callee = _enclosing_macro(self.templates, *frames[-1]) if frames else None
            raise self._error(
                f"{f'macro {callee!r}' if callee else 'a macro'} was called without an "
                f"argument: {exc.message}{chain}",
                path,
                line,
                hint="pass every parameter the macro declares (or give it a default)",
            ) from None
        if isinstance(exc, jinja2.UndefinedError):
            name = UNDEFINED.fullmatch(exc.message or "")
            raise self._error(
                f"undefined: {exc.message}",
                path,
                line,
                hint=(name and closest(name.group(1), self.known))
                or "check the spelling, or define it with {% set %}, a macro or --vars",
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


def _template_frames(exc: BaseException, templates: dict[str, str]) -> list[tuple[str, int]]:
    """(file, line) of each template frame, outermost first."""
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    return [f for f in frames if f[0] in templates and f[1] is not None]


def _call_chain(
    frames: list[tuple[str, int]], templates: dict[str, str]
) -> tuple[tuple[str | None, int | None], str]:
    """The call of the macro the error happened in (the frame before the innermost),
    and how it was reached: `` (in pct, called at models/m.sql:3)``, each macro that
    made a call named, so a call missing an argument inside a macro is not blamed on
    the model's call of the outer macro."""
    if len(frames) < 2:
        return (frames[-1] if frames else (None, None)), ""
    steps = []
    for (path, line), (outer_path, outer_line) in zip(frames[-2:0:-1], frames[-3::-1]):
        macro = _enclosing_macro(templates, path, line)
        if macro is None:
            break
        outer = _enclosing_macro(templates, outer_path, outer_line)
        steps.append(
            f"in {macro}, called at {outer_path}:{outer_line}" + (f" (in {outer})" if outer else "")
        )
    return frames[-2], f" ({'; '.join(steps)})" if steps else ""


#: Jinja's message for a name nothing defines
UNDEFINED = re.compile(r"'(\w+)' is undefined")
#: the start and end of a macro definition in a template
MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)|\{%-?\s*endmacro\b")


def _enclosing_macro(templates: dict[str, str], path: str, line: int) -> str | None:
    """The name of the macro whose definition holds ``path:line``, if any: the last
    one begun by the end of that line and not ended before its start (a macro may be
    defined on one line)."""
    lines = (templates.get(path) or "").splitlines()
    before = sum(len(text) + 1 for text in lines[: line - 1])
    name = None
    for match in MACRO.finditer("\n".join(lines[:line])):
        if match.group(1) or match.start() < before:
            name = match.group(1)  # None after an endmacro
    return name


def _line(source: str | None, line: int | None) -> str | None:
    if not source or not line:
        return None
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None
