"""Stage 3, compiling: rendered models become a ``CompiledProject``.

Owns the DAG (``graph``: deterministic order, name-sorted ties, cycles, selectors) and
the compiler (``compiler``: sqlglot parses and transpiles each model, ephemeral parents
are inlined as CTEs, params are bound or rendered, and where each line of what runs
comes from is recorded), and where a database error comes from (``origin``: the model,
ephemeral parent included, and its template line). A compiled project depends only on
the files, the dialect and the vars that reach SQL text, so it is cached per choice
param. A problem here is a ``CompileError`` or ``GraphError``.

May import: ``runner.render``, ``runner.project``, ``runner.adapters`` (engine facts)
and ``runner.errors``.
"""
