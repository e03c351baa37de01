{{ config(materialized='ephemeral', tags=['staging']) }}
{#- The events the marts need one by one (identifiers, instants): begin_checkout,
    purchase and whatsapp_cart_click events in W, and purchase events in R (retention).
    Parsed once in int_events; read here through its (event_type, ts) index. Every
    count of events comes from stg_window instead. -#}
WITH bounds AS {{ materialized_cte() }} (
    SELECT
        {{ as_of() }} AS as_of,
        {{ days_before_as_of(var('window_days')) }} AS w_start,
        {{ days_before_as_of(var('retention_days')) }} AS r_start
)
SELECT
    e.id,
    e.event_type,
    e.session_id,
    e.identifier,
    e.product_slug,
    e.product_name,
    e.unit_price,
    e.quantity,
    e.source,
    e.ts,
    e.day,
    CASE WHEN e.ts >= bounds.w_start THEN 1 ELSE 0 END AS in_window
FROM bounds
JOIN {{ ref('int_events') }} AS e
  ON e.event_type IN ('begin_checkout', 'purchase', 'whatsapp_cart_click')
 AND e.ts >= bounds.r_start
 AND e.ts <= bounds.as_of
WHERE e.event_type = 'purchase' OR e.ts >= bounds.w_start
