{#- whatsapp_sessions_list: sessions with a whatsapp_cart_click in W, latest click first -#}
SELECT session_id
FROM {{ ref('int_window_events') }}
WHERE in_window = 1 AND event_type = 'whatsapp_cart_click'
GROUP BY session_id
ORDER BY MAX(ts) DESC, {{ sort_key('session_id') }}
LIMIT 10
