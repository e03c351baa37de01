{#- For incremental rollups: the rows of `relation` (a ref to the parent) in every
    `key` partition (hour, day) that holds a row written after this model's last batch.
    The model then re-aggregates those partitions whole (unique_key = key). The IN list
    lets both engines probe the parent's (batch, key) and key indexes. -#}
{% macro rows_of_touched_partitions(relation, key) -%}
SELECT *
FROM {{ relation }}
WHERE {{ key }} IN (
    SELECT {{ key }} FROM {{ relation }}
    WHERE batch > (SELECT COALESCE(MAX(batch), 0) FROM {{ this }})
)
{%- endmacro %}
