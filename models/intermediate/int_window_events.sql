{{ config(materialized='ephemeral') }}
{#- The events the marts need one by one (identifiers, instants), per request:
    begin_checkout, purchase and whatsapp_cart_click events in W (abandonment, the
    WhatsApp list) and purchase events in R (retention), from int_events through its
    (event_type, ts) index. Every count of events comes from int_window_facts instead. -#}
WITH bounds AS {{ materialized_cte() }} (
    SELECT b.*, CASE WHEN b.w_start < b.r_start THEN b.w_start ELSE b.r_start END AS low
    FROM ({{ window_bounds() }}) AS b
)
SELECT
    e.id,
    e.event_type,
    e.session_id,
    e.identifier,
    e.ts,
    e.day,
    CASE WHEN e.ts >= bounds.w_start THEN 1 ELSE 0 END AS in_window,
    CASE WHEN e.ts >= bounds.r_start THEN 1 ELSE 0 END AS in_retention
FROM bounds
JOIN {{ ref('int_events') }} AS e
  ON e.event_type IN ('begin_checkout', 'purchase', 'whatsapp_cart_click')
 AND e.ts >= bounds.low
 AND e.ts <= bounds.w_end
WHERE e.ts >= bounds.w_start OR (e.event_type = 'purchase' AND e.ts >= bounds.r_start)
