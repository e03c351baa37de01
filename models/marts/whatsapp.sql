{#- whatsapp_sessions and whatsapp_purchases: distinct sessions in W -#}
SELECT
    COUNT(DISTINCT CASE WHEN event_type = 'whatsapp_cart_click' THEN session_id END) AS whatsapp_sessions,
    COUNT(DISTINCT CASE WHEN event_type = 'whatsapp_purchase' THEN session_id END) AS whatsapp_purchases
FROM {{ ref('stg_events') }}
WHERE in_window = 1 AND event_type IN ('whatsapp_cart_click', 'whatsapp_purchase')
