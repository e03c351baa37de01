{%- set keys = var('distinct_keys') %}
{%- set ix = namespace(list=[['id'], ['ts'], ['event_type', 'ts', 'identifier', 'day', 'session_id'],
                             ['session_id'], ['batch', 'part', 'was_part'], ['part'],
                             ['product_slug', 'ts']]) %}
{%- for key in keys %}{% set ix.list = ix.list + [['prev_' ~ key]] %}{% endfor %}
{{ config(materialized='incremental', unique_key='id', indexes=ix.list) }}
{#- The incremental state: every event cleaned once (stg_store__events) and kept, with,
    for each declared distinct key (vars.distinct_keys), prev_<key>: the instant of the
    previous event (order: ts, then id) with the same key. An event is the first of its
    key inside a window [a, b] exactly when prev < a, so "how many distinct <key>s" is a
    sum of flags that adds up over hours and days (int_events_hourly, int_window_facts).
    An event whose key has a NULL column is never the first of it (prev = its own ts).

    A batch (is_incremental) holds what changed, and costs what changed:
    * new events: ids above the last one seen, minus var('late_commit_ids') ids re-checked
      for rows PostgreSQL committed out of sequence order;
    * with var('reconcile') (the server's refresher sets it every minute): source rows
      that changed since they were cleaned (their raw fields differ), and rows deleted
      at the source, which stay here as tombstones (gone = 1, no instant: in no window);
    * the events of the touched sessions whose prev_<key> these change (late events,
      deletions, moves); only rows whose values change are rewritten.
    part is the hourly rollup's partition of the row; was_part the one it left in this
    batch (an update or a deletion), so the rollups rebuild both. -#}
WITH
{%- if is_incremental() %}
mark AS {{ materialized_cte() }} (
    {#- two scalar subqueries: each MAX is then one index lookup -#}
    SELECT COALESCE((SELECT MAX(id) FROM {{ this }}), 0) AS last_id,
           COALESCE((SELECT MAX(batch) FROM {{ this }}), 0) + 1 AS batch
),
fresh AS {{ materialized_cte() }} (
    SELECT e.id
    FROM {{ ref('stg_store__events') }} AS e
    WHERE e.id > (SELECT last_id FROM mark) - {{ var('late_commit_ids') | int }}
      AND NOT EXISTS (
          SELECT 1 FROM {{ this }} AS seen
          WHERE seen.id = e.id
            AND seen.id > (SELECT last_id FROM mark) - {{ var('late_commit_ids') | int }}
      )
{%- if var('reconcile', false) %}
    UNION
    SELECT e.id
    FROM {{ ref('stg_store__events') }} AS e
    JOIN {{ this }} AS s ON s.id = e.id
    WHERE s.gone = 1
       OR e.event_type <> s.event_type OR e.session_id <> s.session_id OR e.source <> s.source
       {%- for column in ['user_id', 'product_slug', 'product_name', 'raw_price', 'raw_metadata', 'raw_created_at'] %}
       OR {{ differs('e.' ~ column, 's.' ~ column) }}
       {%- endfor %}
{%- endif %}
),
gone AS {{ materialized_cte() }} (
    SELECT s.*
    FROM {{ this }} AS s
{%- if var('reconcile', false) %}
    WHERE s.gone = 0
      AND NOT EXISTS (SELECT 1 FROM {{ ref('stg_store__events') }} AS e WHERE e.id = s.id)
{%- else %}
    WHERE 1 = 0
{%- endif %}
),
arrived AS {{ materialized_cte() }} (
    SELECT e.*, (SELECT batch FROM mark) AS batch
    FROM {{ ref('stg_store__events') }} AS e
    WHERE {{ in_batch('e.id', 'SELECT id FROM fresh') }}
),
replaced AS {{ materialized_cte() }} (
    {#- the stored versions of the rows this batch rewrites or removes -#}
    {#- two lookups by id, not one OR of them: PostgreSQL scans the table for an OR -#}
    SELECT s.id, s.session_id, s.part
    FROM {{ this }} AS s
    WHERE {{ in_batch('s.id', 'SELECT id FROM arrived') }}
    UNION
    SELECT s.id, s.session_id, s.part
    FROM {{ this }} AS s
    WHERE {{ in_batch('s.id', 'SELECT id FROM gone') }}
),
{%- else %}
arrived AS {{ materialized_cte() }} (
    {#- materialized: each event is cleaned once, not once per use of its columns #}
    SELECT e.*, 1 AS batch
    FROM {{ ref('stg_store__events') }} AS e
),
{%- endif %}
pool AS {{ materialized_cte() }} (
    SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
           unit_price, quantity, source, ts, raw_price, raw_metadata, raw_created_at,
           batch, 1 AS arrived_now
           {%- for key in keys %}, ts AS old_{{ key }}{% endfor %}
    FROM arrived
    WHERE ts IS NOT NULL
{%- if is_incremental() %}
    UNION ALL
    SELECT kept.id, kept.event_type, kept.session_id, kept.user_id, kept.identifier,
           kept.product_slug, kept.product_name, kept.unit_price, kept.quantity, kept.source,
           kept.ts, kept.raw_price, kept.raw_metadata, kept.raw_created_at, mark.batch, 0
           {%- for key in keys %}, kept.prev_{{ key }}{% endfor %}
    FROM mark
    CROSS JOIN {{ this }} AS kept
    WHERE kept.ts IS NOT NULL
      {# one IN over a UNION (an index lookup per session), not an OR of two INs #}
      AND {{ in_batch('kept.session_id',
                      'SELECT session_id FROM arrived UNION SELECT session_id FROM replaced') }}
      AND NOT EXISTS (SELECT 1 FROM replaced AS r WHERE r.id = kept.id)
{%- endif %}
),
{#- the previous-event instants, computed on the key columns only: each LAG sorts its
    rows, and sorting narrow rows is several times cheaper than sorting whole events #}
{%- set ns = namespace(columns=[]) %}
{%- for columns in keys.values() %}{% for c in columns %}{% if c not in ns.columns %}{% set ns.columns = ns.columns + [c] %}{% endif %}{% endfor %}{% endfor %}
prevs AS (
    SELECT
        id
        {%- for key, columns in keys.items() %},
        CASE WHEN {% for c in columns %}{{ c }} IS NULL{{ " OR " if not loop.last }}{% endfor %} THEN ts
             ELSE LAG(ts) OVER (PARTITION BY {{ columns | join(', ') }} ORDER BY ts, id) END AS prev_{{ key }}
        {%- endfor %}
    FROM (SELECT id, ts, {{ ns.columns | join(', ') }} FROM pool) AS narrow
),
ordered AS (
    SELECT pool.*{% for key in keys %}, prevs.prev_{{ key }}{% endfor %}
    FROM pool
    JOIN prevs ON prevs.id = pool.id
),
written AS (
    SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
           unit_price, quantity, source, ts, {{ hour_of('ts') }} AS hour, {{ utc_day('ts') }} AS day
           {%- for key in keys %}, prev_{{ key }}{% endfor %},
           {{ hour_partition('ts') }} AS part, 0 AS gone,
           raw_price, raw_metadata, raw_created_at, batch
    FROM ordered
    WHERE arrived_now = 1
    {%- for key in keys %}
       OR {{ differs('prev_' ~ key, 'old_' ~ key) }}
    {%- endfor %}
    UNION ALL
    {#- an instant that does not parse is in no window; kept so it is not cleaned again #}
    SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
           unit_price, quantity, source, ts, NULL, NULL
           {%- for key in keys %}, NULL{% endfor %}, NULL, 0,
           raw_price, raw_metadata, raw_created_at, batch
    FROM arrived
    WHERE ts IS NULL
{%- if is_incremental() %}
    UNION ALL
    {#- deleted at the source: a tombstone, in no window #}
    SELECT id, event_type, session_id, user_id, identifier, product_slug, product_name,
           unit_price, quantity, source, NULL, NULL, NULL
           {%- for key in keys %}, NULL{% endfor %}, NULL, 1,
           raw_price, raw_metadata, raw_created_at, (SELECT batch FROM mark)
    FROM gone
{%- endif %}
)
SELECT written.*,
{%- if is_incremental() %}
       (SELECT r.part FROM replaced AS r WHERE r.id = written.id) AS was_part
{%- else %}
       CAST(NULL AS TEXT) AS was_part
{%- endif %}
FROM written
