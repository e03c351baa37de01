{#- The benchmark's own macros: DuckDB runs the project's models as a baseline
    (bench/duck.py), rendered with PostgreSQL's macros and transpiled by sqlglot; these
    are the few where DuckDB differs in what it means, not in how it is spelled. -#}

{#- metadata is VARCHAR here (JSONB on PostgreSQL) -#}
{% macro duckdb__event_quantity(metadata) -%}
{%- set q = "json_extract_string(" ~ metadata ~ ", '$.quantity')" -%}
(CASE WHEN NOT coalesce(json_valid({{ metadata }}), false) THEN 1
      WHEN json_type({{ metadata }}) <> 'OBJECT' THEN 1
 ELSE CASE json_type({{ metadata }}, '$.quantity')
    WHEN 'UBIGINT' THEN CASE WHEN CAST({{ q }} AS BIGINT) BETWEEN 1 AND 10000 THEN CAST({{ q }} AS INTEGER) ELSE 1 END
    WHEN 'BIGINT' THEN CASE WHEN CAST({{ q }} AS BIGINT) BETWEEN 1 AND 10000 THEN CAST({{ q }} AS INTEGER) ELSE 1 END
    WHEN 'VARCHAR' THEN
      CASE WHEN regexp_full_match({{ q }}, '[0-9]+') AND regexp_full_match(ltrim({{ q }}, '0'), '[0-9]{1,5}')
           THEN CASE WHEN CAST(ltrim({{ q }}, '0') AS INTEGER) BETWEEN 1 AND 10000
                     THEN CAST(ltrim({{ q }}, '0') AS INTEGER) ELSE 1 END
           ELSE 1 END
    ELSE 1 END
 END)
{%- endmacro %}

{#- byte order without PostgreSQL's COLLATE "C" -#}
{% macro duckdb__sort_key(column) %}{{ column }}{% endmacro %}
