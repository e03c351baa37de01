"""Stage 2, rendering: model templates through Jinja with dbt's context.

Owns the ``Renderer`` (``renderer``), what one template sees (``context``: ``ref``,
``source``, ``var``, ``config``, ``this``), dbt's globals (``dbt_globals``: ``target``,
``adapter.dispatch``, ``return``), macro namespaces and dispatch (``namespaces``), dbt's
cross-database macros (``cross_db``), Relations (``relation``), catalogue queries made
while rendering (``introspection``: ``run_query``, ``statement``), custom schemas
(``schemas``), ``unique_key`` parsing, Jinja errors located at template lines
(``jinja_errors``) and the rendered-line -> template-line map (``lines``). A problem
here is a ``TemplateError``.

May import: ``runner.project``, ``runner.adapters`` (engine facts, introspection
queries) and ``runner.errors``.
"""
