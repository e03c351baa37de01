"""``runner docs``: the static documentation site under ``target/docs/``.

Owns the site (``site``), what it says beyond the SQL (``metadata``: descriptions,
column types) and its static files (``static/``: scripts, style, vendored dagre).

May import: ``runner.compile``, ``runner.project`` and ``runner.errors``.
"""
