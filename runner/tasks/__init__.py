"""The runner as a library: what each command does, without printing or exiting.

Owns ``build`` (``seed``, ``run``, ``data_tests``, ``build``), ``show`` and the
artifacts under ``target/`` (``artifacts``: compiled SQL, manifest.json,
run_results.json). The CLI (``runner.cli``) is a thin shell over these functions; an
application and the tests call them too.

May import: ``runner.workspace`` and every stage below it.
"""
