{#- checkout_started_count, payment_info_entered_count, order_completed_count (events in W)
    and the two conversions between them -#}
{%- set checkout = var('event_types')['checkout'] %}
WITH counts AS (
    SELECT
        {%- for t in checkout %}
        {{ events("event_type = '" ~ t ~ "'") }} AS {{ t }}_count{{ "," if not loop.last }}
        {%- endfor %}
    FROM {{ ref('int_window_facts') }}
    WHERE {{ one_of('event_type', checkout) }}
)
SELECT
    {%- for t in checkout %}
    {{ t }}_count,
    {%- endfor %}
    {{ pct('payment_info_entered_count', 'checkout_started_count') }} AS conversion_checkout_to_payment,
    {{ pct('order_completed_count', 'payment_info_entered_count') }} AS conversion_payment_to_order
FROM counts
