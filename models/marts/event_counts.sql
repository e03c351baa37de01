{#- event_counts (count_mode per funnel event type in W) and conversion_rates from them -#}
{%- set funnel = var('event_types')['funnel'] %}
WITH counts AS (
    SELECT
        {%- for t in funnel %}
        {{ count_mode("event_type = '" ~ t ~ "'") }} AS {{ t }}{{ "," if not loop.last }}
        {%- endfor %}
    FROM {{ ref('int_window_facts') }}
    WHERE {{ one_of('event_type', funnel) }}
)
SELECT
    {%- for t in funnel %}
    {{ t }},
    {%- endfor %}
    {{ pct('add_to_cart', 'product_view') }} AS visit_to_cart,
    {{ pct('begin_checkout', 'add_to_cart') }} AS cart_to_checkout,
    {{ pct('purchase', 'begin_checkout') }} AS checkout_to_purchase
FROM counts
