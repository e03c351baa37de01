{#- error_counts: number of each error event type in W -#}
SELECT
    {{ count_events("event_type = 'payment_error'") }} AS payment_error,
    {{ count_events("event_type = 'checkout_error'") }} AS checkout_error,
    {{ count_events("event_type = 'payment_confirmation_error'") }} AS payment_confirmation_error
FROM {{ ref('stg_window') }}
WHERE event_type IN ('payment_error', 'checkout_error', 'payment_confirmation_error')
