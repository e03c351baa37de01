{{ config(materialized='table', tags=['staging']) }}
{#- The one place that knows about dirty data (spec section 1). One row per event that
    any dashboard field can need: every event in W, and purchase events in R (for
    retention). Marts read this model only, through ref().

    bounds computes the window edges once (not once per row). The first cut on the raw
    column uses the indexes on created_at and (event_type, created_at), so rows that
    cannot be in W, or be purchases in R, are never parsed. materialized_cte(): on
    SQLite the instant is parsed once per row instead of once per reference. -#}
WITH bounds AS {{ materialized_cte() }} (
    SELECT
        {{ as_of() }} AS as_of,
        {{ days_before_as_of(var('window_days')) }} AS w_start,
        {{ days_before_as_of(var('retention_days')) }} AS r_start
),
cuts AS {{ materialized_cte() }} (
    SELECT
        as_of,
        w_start,
        r_start,
        {{ cut_low('w_start') }} AS w_low,
        {{ cut_low('r_start') }} AS r_low,
        {{ cut_high('as_of') }} AS high
    FROM bounds
),
raw AS {{ materialized_cte() }} (
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
        {{ utc_timestamp('e.created_at') }} AS ts,
        cuts.as_of,
        cuts.w_start,
        cuts.r_start
    FROM cuts
    CROSS JOIN {{ source('store', 'events') }} AS e
    WHERE {{ within_cut('e.created_at', 'cuts.r_low', 'cuts.high') }}
      AND (e.event_type = 'purchase' OR {{ within_cut('e.created_at', 'cuts.w_low', 'cuts.high') }})
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
    CASE WHEN ts >= w_start THEN 1 ELSE 0 END AS in_window
FROM raw
WHERE ts >= r_start
  AND ts <= as_of
  AND (event_type = 'purchase' OR ts >= w_start)
