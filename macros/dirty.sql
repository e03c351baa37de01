{#- Dirty values (spec section 1). These are used by the staging model only. -#}

{#- quantity = metadata.quantity when a whole number 1..10000, as a JSON integer or a
    string of digits; otherwise 1. Invalid JSON never reaches a JSON function. -#}
{% macro sqlite__event_quantity(metadata) -%}
{%- set q = "json_extract(" ~ metadata ~ ", '$.quantity')" -%}
(CASE WHEN typeof({{ metadata }}) <> 'text' THEN 1
      WHEN NOT json_valid({{ metadata }}) THEN 1
      WHEN json_type({{ metadata }}) <> 'object' THEN 1
 ELSE
  CASE json_type({{ metadata }}, '$.quantity')
    WHEN 'integer' THEN CASE WHEN {{ q }} BETWEEN 1 AND 10000 THEN {{ q }} ELSE 1 END
    WHEN 'text' THEN
      CASE WHEN {{ q }} <> '' AND {{ q }} NOT GLOB '*[^0-9]*' AND length(ltrim({{ q }}, '0')) BETWEEN 1 AND 5
           THEN CASE WHEN CAST({{ q }} AS INTEGER) BETWEEN 1 AND 10000 THEN CAST({{ q }} AS INTEGER) ELSE 1 END
           ELSE 1 END
    ELSE 1 END
 END)
{%- endmacro %}

{#- PostgreSQL: JSONB is always valid JSON. Conditions are nested CASEs because
    PostgreSQL does not promise to evaluate AND left to right. -#}
{% macro postgres__event_quantity(metadata) -%}
{%- set q = "(" ~ metadata ~ " ->> 'quantity')" -%}
(CASE WHEN jsonb_typeof({{ metadata }}) = 'object' THEN
  CASE jsonb_typeof({{ metadata }} -> 'quantity')
    WHEN 'number' THEN
      CASE WHEN {{ q }} ~ '^[0-9]{1,5}$'
           THEN CASE WHEN CAST({{ q }} AS INTEGER) BETWEEN 1 AND 10000 THEN CAST({{ q }} AS INTEGER) ELSE 1 END
           ELSE 1 END
    WHEN 'string' THEN
      CASE WHEN {{ q }} ~ '^[0-9]+$' AND ltrim({{ q }}, '0') ~ '^[0-9]{1,5}$'
           THEN CASE WHEN CAST(ltrim({{ q }}, '0') AS INTEGER) BETWEEN 1 AND 10000
                     THEN CAST(ltrim({{ q }}, '0') AS INTEGER) ELSE 1 END
           ELSE 1 END
    ELSE 1 END
  ELSE 1 END)
{%- endmacro %}

{#- price = the non-negative decimal in `price` (digits, optionally '.' and digits),
    else 0. SQLite keeps it as exact text for decimal_sum; PostgreSQL as NUMERIC. -#}
{% macro sqlite__event_price(price) -%}
{%- set t = "CAST(" ~ price ~ " AS TEXT)" -%}
(CASE WHEN {{ t }} GLOB '[0-9]*' AND {{ t }} GLOB '*[0-9]' AND {{ t }} NOT GLOB '*[^0-9.]*'
       AND {{ t }} NOT GLOB '*.*.*' THEN {{ t }} ELSE '0' END)
{%- endmacro %}

{% macro postgres__event_price(price) -%}
(CASE WHEN {{ price }} ~ '^[0-9]+([.][0-9]+)?$' THEN CAST({{ price }} AS NUMERIC) ELSE 0 END)
{%- endmacro %}
