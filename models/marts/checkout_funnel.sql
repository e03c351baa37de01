{#- checkout_started_count, payment_info_entered_count, order_completed_count (events in W)
    and the two conversions between them -#}
WITH counts AS (
    SELECT
        {{ count_events("event_type = 'checkout_started'") }} AS checkout_started_count,
        {{ count_events("event_type = 'payment_info_entered'") }} AS payment_info_entered_count,
        {{ count_events("event_type = 'order_completed'") }} AS order_completed_count
    FROM {{ ref('stg_window') }}
    WHERE event_type IN ('checkout_started', 'payment_info_entered', 'order_completed')
)
SELECT
    checkout_started_count,
    payment_info_entered_count,
    order_completed_count,
    {{ pct('payment_info_entered_count', 'checkout_started_count') }} AS conversion_checkout_to_payment,
    {{ pct('order_completed_count', 'payment_info_entered_count') }} AS conversion_payment_to_order
FROM counts
