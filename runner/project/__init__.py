"""Stage 1, loading: a project's files read into frozen objects, nothing rendered.

Owns the project file (``dbt_project.yml`` or ``project.yml``: ``loader``), the YAML
beside the models (``properties``: columns, data and unit tests; ``generic_tests``,
``doc_blocks``), ``sources``, folder configs (``folder_config``), installed packages
(``packages``), dbt's ``profiles.yml`` (``profiles``), typed params (``params``) and
line-numbered YAML (``yamlfile``). A problem here is a ``ConfigError`` at its
file:line.

May import: ``runner.errors`` only.
"""
