{%- set keys = var('distinct_keys') %}
{%- set ix = namespace(list=[['id'], ['ts'], ['event_type', 'ts', 'identifier', 'day', 'session_id'],
                             ['session_id'], ['batch', 'hour'], ['hour'], ['product_slug', 'ts']]) %}
{%- for key in keys %}{% set ix.list = ix.list + [['prev_' ~ key]] %}{% endfor %}
{{ config(materialized='incremental', unique_key='id', indexes=ix.list) }}
{#- The incremental state: every event cleaned once (stg_store__events) and kept, with,
    for each declared distinct key (vars.distinct_keys), prev_<key>: the instant of the
    previous event (order: ts, then id) with the same key. An event is the first of its
    key inside a window [a, b] exactly when prev < a, so "how many distinct <key>s" is a
    sum of flags that adds up over hours and days (int_events_hourly, int_window_facts).
    An event whose key has a NULL column is never the first of it (prev = its own ts).

    Incremental run: new events are those with an id above the last one seen, minus
    var('late_commit_ids') ids re-checked for rows committed late on PostgreSQL
    (sequence order is not commit order). Late events (a created_at in the past) need
    nothing special: their session's events get their prev columns recomputed, and
    only rows whose values change are rewritten (batch marks them for the rollups). -#}
WITH
{%- if is_incremental() %}
mark AS {{ materialized_cte() }} (
    {#- two scalar subqueries: each MAX is then one index lookup -#}
    SELECT COALESCE((SELECT MAX(id) FROM {{ this }}), 0) AS last_id,
           COALESCE((SELECT MAX(batch) FROM {{ this }}), 0) + 1 AS batch
),
arrived AS {{ materialized_cte() }} (
    SELECT e.*, (SELECT batch FROM mark) AS batch
    FROM {{ ref('stg_store__events') }} AS e
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
    FROM {{ ref('stg_store__events') }} AS e
),
{%- endif %}
pool AS (
    SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
           unit_price, quantity, source, ts, batch, 1 AS arrived_now
           {%- for key in keys %}, ts AS old_{{ key }}{% endfor %}
    FROM arrived
    WHERE ts IS NOT NULL
{%- if is_incremental() %}
    UNION ALL
    SELECT kept.id, kept.event_type, kept.session_id, kept.user_id, kept.identifier,
           kept.product_slug, kept.product_name, kept.unit_price, kept.quantity, kept.source,
           kept.ts, mark.batch, 0
           {%- for key in keys %}, kept.prev_{{ key }}{% endfor %}
    FROM mark
    CROSS JOIN {{ this }} AS kept
    WHERE kept.ts IS NOT NULL
      AND kept.session_id IN (SELECT session_id FROM arrived)
{%- endif %}
),
ordered AS (
    SELECT
        pool.*
        {%- for key, columns in keys.items() %},
        CASE WHEN {% for c in columns %}{{ c }} IS NULL{{ " OR " if not loop.last }}{% endfor %} THEN ts
             ELSE LAG(ts) OVER (PARTITION BY {{ columns | join(', ') }} ORDER BY ts, id) END AS prev_{{ key }}
        {%- endfor %}
    FROM pool
)
SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
       unit_price, quantity, source, ts, {{ hour_of('ts') }} AS hour, {{ utc_day('ts') }} AS day
       {%- for key in keys %}, prev_{{ key }}{% endfor %}, batch
FROM ordered
WHERE arrived_now = 1
{%- for key in keys %}
   OR {{ differs('prev_' ~ key, 'old_' ~ key) }}
{%- endfor %}
UNION ALL
-- an instant that does not parse is in no window; kept so it is not cleaned again
SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
       unit_price, quantity, source, ts, NULL, NULL
       {%- for key in keys %}, NULL{% endfor %}, batch
FROM arrived
WHERE ts IS NULL
