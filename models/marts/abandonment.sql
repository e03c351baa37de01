{#- abandonment_rate: identifiers with a begin_checkout in W and no purchase in W -#}
WITH began AS (
    SELECT DISTINCT identifier
    FROM {{ ref('stg_events') }}
    WHERE in_window = 1 AND event_type = 'begin_checkout'
),
bought AS (
    SELECT DISTINCT identifier
    FROM {{ ref('stg_events') }}
    WHERE in_window = 1 AND event_type = 'purchase'
),
counts AS (
    SELECT
        COUNT(*) AS began,
        COUNT(CASE WHEN bought.identifier IS NULL THEN 1 END) AS abandoned
    FROM began
    LEFT JOIN bought ON bought.identifier = began.identifier
)
SELECT {{ pct('abandoned', 'began') }} AS abandonment_rate
FROM counts
