{#- error_counts: number of each error event type in W -#}
SELECT
    COUNT(CASE WHEN event_type = 'payment_error' THEN 1 END) AS payment_error,
    COUNT(CASE WHEN event_type = 'checkout_error' THEN 1 END) AS checkout_error,
    COUNT(CASE WHEN event_type = 'payment_confirmation_error' THEN 1 END) AS payment_confirmation_error
FROM {{ ref('stg_events') }}
WHERE in_window = 1
  AND event_type IN ('payment_error', 'checkout_error', 'payment_confirmation_error')
