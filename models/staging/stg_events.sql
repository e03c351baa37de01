{{ config(materialized='table', tags=['staging']) }}
{#- The one place that knows about dirty data (spec section 1). One row per event that
    any dashboard field can need: every event in W, and purchase events in R (for
    retention). Marts read this model only, through ref(). -#}
WITH raw AS (
    SELECT
        e.id,
        e.event_type,
        e.session_id,
        e.user_id,
        e.product_slug,
        e.product_name,
        e.price,
        e.metadata,
        e.source,
        {{ utc_timestamp('e.created_at') }} AS ts
    FROM {{ source('store', 'events') }} AS e
    WHERE {{ created_at_since('e.created_at', var('retention_days')) }}
)
SELECT
    id,
    event_type,
    session_id,
    CASE WHEN user_id IS NOT NULL AND user_id <> '' THEN user_id ELSE session_id END AS identifier,
    NULLIF(product_slug, '') AS product_slug,
    NULLIF(product_name, '') AS product_name,
    {{ event_price('price') }} AS unit_price,
    {{ event_quantity('metadata') }} AS quantity,
    COALESCE(NULLIF(source, ''), 'direct') AS source,
    ts,
    {{ utc_day('ts') }} AS day,
    CASE WHEN ts >= {{ days_before_as_of(var('window_days')) }} THEN 1 ELSE 0 END AS in_window
FROM raw
WHERE ts >= {{ days_before_as_of(var('retention_days')) }}
  AND ts <= {{ as_of() }}
  AND (event_type = 'purchase' OR ts >= {{ days_before_as_of(var('window_days')) }})
