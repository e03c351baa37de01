{#- whatsapp_sessions and whatsapp_purchases: distinct sessions in W -#}
SELECT
    {{ distinct('type', "event_type = 'whatsapp_cart_click'") }} AS whatsapp_sessions,
    {{ distinct('type', "event_type = 'whatsapp_purchase'") }} AS whatsapp_purchases
FROM {{ ref('int_window_facts') }}
WHERE event_type IN ('whatsapp_cart_click', 'whatsapp_purchase')
