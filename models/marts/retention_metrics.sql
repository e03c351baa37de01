{#- retention_metrics: purchase events in R; a recurrent customer is an identifier that
    purchased on at least 2 different UTC days -#}
WITH buyers AS (
    SELECT identifier, COUNT(DISTINCT day) AS purchase_days
    FROM {{ ref('int_window_events') }}
    WHERE event_type = 'purchase' AND in_retention = 1
    GROUP BY identifier
),
counts AS (
    SELECT
        COUNT(*) AS total_unique_buyers,
        COUNT(CASE WHEN purchase_days >= 2 THEN 1 END) AS recurrent_customers
    FROM buyers
)
SELECT
    {{ pct('recurrent_customers', 'total_unique_buyers') }} AS repurchase_rate,
    recurrent_customers,
    total_unique_buyers,
    {{ var('retention_days') | int }} AS period_days
FROM counts
