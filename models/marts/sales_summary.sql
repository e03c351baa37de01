{#- total_sales, total_revenue, average_order_value: purchase events in W -#}
SELECT
    COUNT(*) AS total_sales,
    {{ money_round(money_sum('unit_price', 'quantity')) }} AS total_revenue,
    {{ money_ratio(money_sum('unit_price', 'quantity'), 'COUNT(*)') }} AS average_order_value
FROM {{ ref('stg_events') }}
WHERE in_window = 1 AND event_type = 'purchase'
