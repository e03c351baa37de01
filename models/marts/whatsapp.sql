{#- whatsapp_sessions and whatsapp_purchases: distinct sessions in W -#}
SELECT
    COALESCE(SUM(CASE WHEN event_type = 'whatsapp_cart_click' THEN first_type ELSE 0 END), 0) AS whatsapp_sessions,
    COALESCE(SUM(CASE WHEN event_type = 'whatsapp_purchase' THEN first_type ELSE 0 END), 0) AS whatsapp_purchases
FROM {{ ref('stg_window') }}
WHERE event_type IN ('whatsapp_cart_click', 'whatsapp_purchase')
