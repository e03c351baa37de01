{#- events_timeline: one row per window day (8), funnel event counts in W (0 when none) -#}
{{ daily_event_counts(['product_view', 'add_to_cart', 'begin_checkout', 'purchase',
                       'checkout_started', 'payment_info_entered', 'order_completed']) }}
