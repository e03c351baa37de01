{#- error_counts: number of each error event type in W -#}
{%- set errors = var('event_types')['errors'] %}
SELECT
    {%- for t in errors %}
    {{ events("event_type = '" ~ t ~ "'") }} AS {{ t }}{{ "," if not loop.last }}
    {%- endfor %}
FROM {{ ref('int_window_facts') }}
WHERE {{ one_of('event_type', errors) }}
