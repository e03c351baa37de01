"""dbt's cross-database macros (``dbt.dateadd(...)`` etc.) for both engines.

They are dispatched Jinja macros like a project's own (``sqlite__x``, ``postgres__x``,
``default__x``), shipped with the runner. A project's own ``<dialect>__x`` or
``default__x`` wins, as in dbt's search order; a ``dbt.x`` we do not ship is an error
that lists the ones we do.
"""

from __future__ import annotations

from typing import Any

from runner.errors import TemplateError

PATH = "<runner>/crossdb.sql"
MACROS = """
{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}
{% macro sqlite__date_trunc(datepart, date) -%}
{%- if datepart == 'day' %}date({{ date }})
{%- elif datepart == 'week' %}date({{ date }}, 'weekday 0', '-6 days')
{%- elif datepart == 'month' %}date({{ date }}, 'start of month')
{%- elif datepart == 'year' %}date({{ date }}, 'start of year')
{%- elif datepart == 'hour' %}strftime('%Y-%m-%d %H:00:00', {{ date }})
{%- else %}{{ exceptions.raise_compiler_error("date_trunc: unsupported datepart " ~ datepart) }}
{%- endif %}{% endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
({{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }})))
{%- endmacro %}
{% macro sqlite__dateadd(datepart, interval, from_date_or_timestamp) -%}
{%- set unit = {'day': 'days', 'week': 'days', 'month': 'months', 'year': 'years',
                'hour': 'hours', 'minute': 'minutes', 'second': 'seconds'}[datepart] -%}
datetime({{ from_date_or_timestamp }}, ({{ interval }}){{ ' * 7' if datepart == 'week' else '' }} || ' {{ unit }}')
{%- endmacro %}

{% macro postgres__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'year' %}(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart == 'month' %}((date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date)) * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'day' %}(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' %}((({{ second_date }})::date - ({{ first_date }})::date) / 7)
{%- elif datepart == 'hour' %}((({{ second_date }})::date - ({{ first_date }})::date) * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
{%- else %}{{ exceptions.raise_compiler_error("datediff: unsupported datepart " ~ datepart) }}
{%- endif %}{% endmacro %}
{% macro sqlite__datediff(first_date, second_date, datepart) -%}
{%- set days = "CAST(julianday(date(" ~ second_date ~ ")) - julianday(date(" ~ first_date ~ ")) AS INTEGER)" -%}
{%- set y = "(CAST(strftime('%Y', " ~ second_date ~ ") AS INTEGER) - CAST(strftime('%Y', " ~ first_date ~ ") AS INTEGER))" -%}
{%- if datepart == 'year' %}{{ y }}
{%- elif datepart == 'month' %}({{ y }} * 12 + CAST(strftime('%m', {{ second_date }}) AS INTEGER) - CAST(strftime('%m', {{ first_date }}) AS INTEGER))
{%- elif datepart == 'day' %}{{ days }}
{%- elif datepart == 'week' %}({{ days }} / 7)
{%- elif datepart == 'hour' %}({{ days }} * 24 + CAST(strftime('%H', {{ second_date }}) AS INTEGER) - CAST(strftime('%H', {{ first_date }}) AS INTEGER))
{%- else %}{{ exceptions.raise_compiler_error("datediff: unsupported datepart " ~ datepart) }}
{%- endif %}{% endmacro %}

{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro postgres__hash(field) %}md5(cast({{ field }} as varchar)){% endmacro %}
{% macro sqlite__hash(field) %}md5(cast({{ field }} as text)){% endmacro %}
{% macro default__concat(fields) %}({{ fields | join(' || ') }}){% endmacro %}
{% macro default__current_timestamp() %}now(){% endmacro %}
{% macro sqlite__current_timestamp() %}CURRENT_TIMESTAMP{% endmacro %}

{% macro default__type_string() %}varchar{% endmacro %}
{% macro sqlite__type_string() %}text{% endmacro %}
{% macro default__type_int() %}integer{% endmacro %}
{% macro default__type_bigint() %}bigint{% endmacro %}
{% macro sqlite__type_bigint() %}integer{% endmacro %}
{% macro default__type_float() %}float{% endmacro %}
{% macro sqlite__type_float() %}real{% endmacro %}
{% macro default__type_numeric() %}numeric(28,6){% endmacro %}
{% macro sqlite__type_numeric() %}numeric{% endmacro %}
{% macro default__type_timestamp() %}timestamp{% endmacro %}
{% macro sqlite__type_timestamp() %}text{% endmacro %}
{% macro default__type_boolean() %}boolean{% endmacro %}
{% macro sqlite__type_boolean() %}integer{% endmacro %}

{% macro default__except() %}except{% endmacro %}
{% macro default__intersect() %}intersect{% endmacro %}
{% macro default__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro default__length(expression) %}length({{ expression }}){% endmacro %}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro default__string_literal(value) %}'{{ value }}'{% endmacro %}
{% macro default__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}
{% macro default__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}
{% macro sqlite__bool_or(expression) %}max({{ expression }}){% endmacro %}
{% macro default__any_value(expression) %}min({{ expression }}){% endmacro %}
{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro sqlite__position(substring_text, string_text) %}instr({{ string_text }}, {{ substring_text }}){% endmacro %}
{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro sqlite__right(string_text, length_expression) -%}
case when {{ length_expression }} = 0 then '' else substr({{ string_text }}, -({{ length_expression }})) end
{%- endmacro %}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as varchar){% endmacro %}
{% macro sqlite__cast_bool_to_text(field) -%}
case when {{ field }} then 'true' when not {{ field }} then 'false' end
{%- endmacro %}
{% macro default__last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}
{% macro sqlite__last_day(date, datepart) -%}
date({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }})
{%- endmacro %}
{% macro postgres__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- else %}reverse(split_part(reverse({{ string_text }}), reverse({{ delimiter_text }}), {{ -part_number }}))
{%- endif %}{% endmacro %}
{% macro sqlite__split_part(string_text, delimiter_text, part_number) -%}
{{ exceptions.raise_compiler_error("split_part() has no SQLite implementation") }}
{%- endmacro %}
"""
NAMES = (
    "date_trunc",
    "dateadd",
    "datediff",
    "safe_cast",
    "hash",
    "concat",
    "current_timestamp",
    "type_string",
    "type_int",
    "type_bigint",
    "type_float",
    "type_numeric",
    "type_timestamp",
    "type_boolean",
    "except",
    "intersect",
    "replace",
    "length",
    "cast",
    "string_literal",
    "escape_single_quotes",
    "bool_or",
    "any_value",
    "position",
    "right",
    "cast_bool_to_text",
    "split_part",
    "last_day",
)


class DbtNamespace:
    """``dbt.x(...)``: the project's ``<dialect>__x``/``default__x`` if it has one, else
    the runner's."""

    def __init__(self, project: dict[str, Any], builtin: Any, dialects: tuple[str, ...]):
        self._project, self._builtin, self._dialects = project, builtin, dialects

    def bind(self, builtin: Any) -> None:
        """The runner's macros, made once this namespace is in their context."""
        self._builtin = builtin

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in NAMES:
            raise TemplateError(
                f"dbt.{name} is not supported",
                hint="supported: " + ", ".join(f"dbt.{n}" for n in NAMES),
            )
        for registry in (self._project, None):
            for prefix in (*self._dialects, "default"):
                macro = (
                    registry.get(f"{prefix}__{name}")
                    if registry is not None
                    else getattr(self._builtin, f"{prefix}__{name}", None)
                )
                if macro is not None:
                    return macro
        raise TemplateError(f"dbt.{name} has no implementation for {self._dialects[0]}")
