{#- errors_timeline: one row per window day (8), error event counts in W -#}
{{ daily_event_counts(['payment_error', 'checkout_error', 'payment_confirmation_error', 'address_error']) }}
