{#- abandonment_rate: identifiers with a begin_checkout in W and no purchase in W.
    One grouped pass (no join): per identifier, did it begin, did it buy. -#}
WITH per_identifier AS (
    SELECT
        identifier,
        MAX(CASE WHEN event_type = 'begin_checkout' THEN 1 ELSE 0 END) AS began,
        MAX(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS bought
    FROM {{ ref('int_window_events') }}
    WHERE in_window = 1 AND event_type IN ('begin_checkout', 'purchase')
    GROUP BY identifier
),
counts AS (
    SELECT
        COUNT(CASE WHEN began = 1 THEN 1 END) AS began,
        COUNT(CASE WHEN began = 1 AND bought = 0 THEN 1 END) AS abandoned
    FROM per_identifier
)
SELECT {{ pct('abandoned', 'began') }} AS abandonment_rate
FROM counts
