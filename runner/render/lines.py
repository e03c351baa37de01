"""Mapping lines of rendered SQL back to the template that produced them.

Jinja keeps literal text line for line, so lines that survive rendering unchanged are
anchors; a rendered line that came from an expression or a macro maps to the nearest
anchored template line above it (plus its offset). Good enough to point a person at
the right statement, which is what every error message needs.
"""

from __future__ import annotations

import difflib
import re


class LineMap:
    def __init__(self, template: str, rendered: str) -> None:
        self.template_lines = template.splitlines()
        self.rendered_lines = rendered.splitlines()
        norm_t = [ln.strip() for ln in self.template_lines]
        norm_r = [ln.strip() for ln in self.rendered_lines]
        matcher = difflib.SequenceMatcher(None, norm_r, norm_t, autojunk=False)
        self.anchors: list[tuple[int, int]] = []  # (rendered index, template index)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                if norm_r[block.a + k]:
                    self.anchors.append((block.a + k, block.b + k))

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

    def line_of_token(self, token: str) -> int | None:
        """Template line of the first whole-word occurrence of ``token`` (for driver errors)."""
        last = token.split(".")[-1]
        patterns = [r"(?<![\w.])" + re.escape(c) + r"(?!\w)" for c in dict.fromkeys((token, last))]
        patterns.append(r"(?<![\w])" + re.escape(last) + r"(?!\w)")  # t.col, any qualifier
        for pattern in map(re.compile, patterns):
            for i, line in enumerate(self.template_lines):
                if pattern.search(line):
                    return i + 1
            for i, line in enumerate(self.rendered_lines):
                if pattern.search(line):
                    return self.template_line(i + 1)
        return None

    def text(self, template_line: int) -> str:
        if 1 <= template_line <= len(self.template_lines):
            return self.template_lines[template_line - 1]
        return ""
