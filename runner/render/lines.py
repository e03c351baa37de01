"""Mapping lines of rendered SQL back to the template that produced them.

Jinja keeps literal text line for line, so lines that survive rendering unchanged are
anchors; then, between two anchors, a template line that mixes text and Jinja
(``from {{ ref('x') }} as e``) anchors the rendered line its text parts match, in
order (whitespace control such as ``{#- ... -#}`` moves lines, so counting from the
anchor above is not enough). Any other rendered line (from a macro, say) maps to the
nearest anchored template line above it (plus its offset). Lines inside Jinja (a
comment, a tag) never anchor anything. Good enough to point a person at the right
statement, which is what every error message needs.

A name an error message gives (``no such table: int_events``) is looked for among the
rendered SQL's tokens, never in the template's text: a Jinja comment, an SQL comment or
a string may name anything, and pointing there sends a person to the wrong line.
"""

from __future__ import annotations

import difflib
import re

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

#: Jinja in a template: an expression, a tag or a comment (over several lines too)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


class LineMap:
    def __init__(self, template: str, rendered: str) -> None:
        self.template_lines = template.splitlines()
        self.rendered_lines = rendered.splitlines()
        parts = _literal_parts(template)
        # a line with Jinja in it never equals a rendered line as written
        norm_t = [
            ln.strip() if p is None else f"\0{i}"
            for i, (ln, p) in enumerate(zip(self.template_lines, parts))
        ]
        norm_r = [ln.strip() for ln in self.rendered_lines]
        matcher = difflib.SequenceMatcher(None, norm_r, norm_t, autojunk=False)
        exact: list[tuple[int, int]] = []  # (rendered index, template index)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                if norm_r[block.a + k]:
                    exact.append((block.a + k, block.b + k))
        self.anchors = _fill_gaps(exact, norm_r, [_pattern(p) for p in parts])

    def template_line(self, rendered_line: int) -> int:
        """1-based template line for a 1-based rendered line.

        Between two anchors, lines map one to one from the anchor above, but never
        past the anchor below (a macro that expanded to several lines stays on the
        template line that called it).
        """
        index = rendered_line - 1
        above, below = (-1, -1), (len(self.rendered_lines), len(self.template_lines))
        for r, t in self.anchors:
            if r <= index:
                above = (r, t)
            else:
                below = (r, t)
                break
        t = above[1] + (index - above[0])
        t = min(t, below[1] - 1) if below[1] > above[1] else above[1]
        return max(1, min(t + 1, len(self.template_lines) or 1))

    def line_of_token(self, token: str, dialect: str | None = None) -> int | None:
        """Template line of the first place the rendered SQL names ``token`` (a name,
        or a qualified ``t.col``) as SQL, outside comments and strings."""
        line = token_line("\n".join(self.rendered_lines), token, dialect)
        return self.template_line(line) if line else None

    def text(self, template_line: int) -> str:
        if 1 <= template_line <= len(self.template_lines):
            return self.template_lines[template_line - 1]
        return ""


def _literal_parts(template: str) -> list[list[tuple[str, bool, bool]] | None]:
    """Per template line: None when it has no Jinja, else its text outside Jinja as
    (text, at the line's start, at its end) pieces (empty for a line all Jinja)."""
    spans = [m.span() for m in JINJA.finditer(template)]
    found: list[list[tuple[str, bool, bool]] | None] = []
    start = 0
    for line in template.splitlines(keepends=True):
        end = start + len(line)
        inside = [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]
        if not inside:
            found.append(None)
        else:
            pieces, at = [], start
            for a, b in [*inside, (end, end)]:
                text = template[at:a].rstrip("\n")
                if text.strip():
                    pieces.append((text.strip(), at == start, a >= end - 1))
                at = b
            found.append(pieces)
        start = end
    return found


def _pattern(pieces: list[tuple[str, bool, bool]] | None) -> re.Pattern | None:
    """What a rendered line made from a template line mixing text and Jinja looks like:
    its text pieces in order, anything between; None when the text says too little."""
    if not pieces or not any(ch.isalnum() for text, _, _ in pieces for ch in text):
        return None
    body = ".*?".join(re.escape(text) for text, _, _ in pieces)
    return re.compile(("^" if pieces[0][1] else "") + body + ("$" if pieces[-1][2] else ""))


def _fill_gaps(
    exact: list[tuple[int, int]], rendered: list[str], patterns: list[re.Pattern | None]
) -> list[tuple[int, int]]:
    """The exact anchors, plus, between each two, rendered lines matched in order to the
    patterns of the template lines between them."""
    anchors: list[tuple[int, int]] = []
    bounds = [(-1, -1), *exact, (len(rendered), len(patterns))]
    for (r0, t0), (r1, t1) in zip(bounds, bounds[1:]):
        t = t0 + 1
        for r in range(r0 + 1, r1):
            if not rendered[r]:
                continue
            match = next(
                (k for k in range(t, t1) if patterns[k] and patterns[k].search(rendered[r])),
                None,
            )
            if match is not None:
                anchors.append((r, match))
                t = match + 1
        if (r1, t1) != bounds[-1]:
            anchors.append((r1, t1))
    return anchors


#: tokens that are text or numbers, never a name
_NOT_NAMES = (TokenType.STRING, TokenType.NUMBER, TokenType.NATIONAL_STRING)


def token_line(sql: str, token: str, dialect: str | None = None) -> int | None:
    """1-based line of ``sql`` where it first names ``token``: the qualified name
    whole (``x.q3``), else its last part unqualified, else that part under any
    qualifier; compared as SQL compares unquoted names (case-insensitively)."""
    try:
        tokens = [
            t
            for t in sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
            if t.token_type not in _NOT_NAMES
        ]
    except SqlglotError:
        return None
    parts = [p.strip('"`[]').lower() for p in token.split(".")]
    for i in range(len(tokens)):
        if _names(tokens, i, parts):
            return tokens[i].line
    last = parts[-1]
    after_dot = {i + 1 for i, t in enumerate(tokens) if t.token_type == TokenType.DOT}
    for pick in (lambda i: i not in after_dot, lambda i: True):
        for i, t in enumerate(tokens):
            if t.text.lower() == last and pick(i):
                return t.line
    return None


def _names(tokens: list[Token], i: int, parts: list[str]) -> bool:
    """Whether ``tokens[i:]`` spell the qualified name ``parts`` (``a . b``)."""
    if len(parts) < 2 or i + 2 * len(parts) - 1 > len(tokens):
        return False
    for k, part in enumerate(parts):
        if tokens[i + 2 * k].text.lower() != part:
            return False
        if k and tokens[i + 2 * k - 1].token_type != TokenType.DOT:
            return False
    return True
