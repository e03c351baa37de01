{{ config(materialized='incremental', unique_key='id', tags=['staging'],
          indexes=[['id'], ['ts'], ['event_type', 'ts', 'identifier', 'day', 'session_id'],
                   ['session_id'], ['batch', 'hour'], ['hour'],
                   ['prev_session'], ['prev_type'], ['prev_slug'], ['product_slug', 'ts']]) }}
{#- Every event parsed once (spec section 1: the one place that knows dirty data), kept
    up to date incrementally: each run parses only the events that arrived since the
    last one. Requests never parse text.

    prev_session / prev_type / prev_slug: the instant of the previous event (order: ts,
    then id) of the same session / session and type / session, type and slug. An event
    is the first of its key inside a window [a, b] exactly when prev < a, so "distinct
    sessions" become sums that add up over hours (see int_hourly, stg_window).

    Incremental run: new events are those with an id above the last one seen, minus
    var('late_commit_ids') ids re-checked for rows committed late on PostgreSQL
    (sequence order is not commit order). Late events (a created_at in the past) need
    nothing special: their session's events get their prev columns recomputed, and
    only rows whose values change are rewritten (batch marks them for int_hourly).
    Events are never updated or deleted by the storefront; if they are, run
    `runner run --full-refresh`. -#}
WITH
{%- if is_incremental() %}
mark AS {{ materialized_cte() }} (
    {#- two scalar subqueries: each MAX is then one index lookup -#}
    SELECT COALESCE((SELECT MAX(id) FROM {{ this }}), 0) AS last_id,
           COALESCE((SELECT MAX(batch) FROM {{ this }}), 0) + 1 AS batch
),
arrived AS {{ materialized_cte() }} (
    SELECT e.*, (SELECT batch FROM mark) AS batch
    FROM {{ source('store', 'events') }} AS e
    WHERE e.id > (SELECT last_id FROM mark) - {{ var('late_commit_ids') | int }}
      AND NOT EXISTS (
          SELECT 1 FROM {{ this }} AS seen
          WHERE seen.id = e.id
            AND seen.id > (SELECT last_id FROM mark) - {{ var('late_commit_ids') | int }}
      )
),
{%- else %}
arrived AS (
    SELECT e.*, 1 AS batch
    FROM {{ source('store', 'events') }} AS e
),
{%- endif %}
parsed AS {{ materialized_cte() }} (
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
        {{ utc_timestamp('created_at') }} AS ts,
        batch
    FROM arrived
),
pool AS (
    SELECT id, event_type, session_id, identifier, product_slug, product_name, unit_price,
           quantity, source, ts, batch, 1 AS arrived_now,
           ts AS old_session, ts AS old_type, ts AS old_slug
    FROM parsed
    WHERE ts IS NOT NULL
{%- if is_incremental() %}
    UNION ALL
    SELECT kept.id, kept.event_type, kept.session_id, kept.identifier, kept.product_slug,
           kept.product_name, kept.unit_price, kept.quantity, kept.source, kept.ts,
           mark.batch, 0, kept.prev_session, kept.prev_type, kept.prev_slug
    FROM mark
    CROSS JOIN {{ this }} AS kept
    WHERE kept.ts IS NOT NULL
      AND kept.session_id IN (SELECT session_id FROM parsed)
{%- endif %}
),
ordered AS (
    SELECT
        pool.*,
        LAG(ts) OVER (PARTITION BY session_id ORDER BY ts, id) AS prev_session,
        LAG(ts) OVER (PARTITION BY session_id, event_type ORDER BY ts, id) AS prev_type,
        LAG(ts) OVER (PARTITION BY session_id, event_type, product_slug ORDER BY ts, id) AS prev_slug
    FROM pool
)
SELECT id, event_type, session_id, identifier, product_slug, product_name, unit_price,
       quantity, source, ts, {{ hour_of('ts') }} AS hour, {{ utc_day('ts') }} AS day,
       prev_session, prev_type, prev_slug, batch
FROM ordered
WHERE arrived_now = 1
   OR {{ differs('prev_session', 'old_session') }}
   OR {{ differs('prev_type', 'old_type') }}
   OR {{ differs('prev_slug', 'old_slug') }}
UNION ALL
-- an instant that does not parse is in no window; kept so it is not parsed again
SELECT id, event_type, session_id, identifier, product_slug, product_name, unit_price,
       quantity, source, ts, NULL, NULL, NULL, NULL, NULL, batch
FROM parsed
WHERE ts IS NULL
