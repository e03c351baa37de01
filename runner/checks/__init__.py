"""Static checks of a compiled project, without a database.

Owns ``lint`` (unknown refs, ``SELECT *`` in marts, untested models), ``lint_columns``
(every unknown or ambiguous column, at its line), ``lint_types`` (arithmetic on text)
and ``lineage`` (column lineage down to sources).

May import: ``runner.compile``, ``runner.render``, ``runner.project`` and
``runner.errors``; never ``runner.execute`` (a check runs no SQL).
"""
