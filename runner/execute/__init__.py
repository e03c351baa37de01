"""Stage 4, execution: compiled SQL run against an adapter.

Owns building models in DAG order (``build``), the materializations (``materializations``:
view, table, ephemeral, incremental, temp), bringing incremental models up to date
(``refresh``), reading output models without writing (``reading``), seeds and what they
were when loaded (``seeds``, ``seed_state``), data tests and unit tests (``data_tests``,
``unit_tests``). A problem here is a ``DatabaseError`` located at the model's template
line, or a failed test.

May import: ``runner.compile``, ``runner.render``, ``runner.project``,
``runner.adapters`` and ``runner.errors``.
"""
