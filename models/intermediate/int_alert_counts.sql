{{ config(materialized='ephemeral') }}
{#- What the alerts count one by one (admin-endpoints section 3), one row, per request,
    from int_events through its (event_type, ts, identifier, day, session_id) and ts
    indexes; every window closed and ending at as_of, exact to the microsecond:

    began, abandoned  identifiers with a begin_checkout in D24 (24 hours), and those of
                      them without a purchase in D24 (rule 1)
    payment_errors    payment_error events in H1 (1 hour) (rule 3)
    carts_abandoned   sessions with an add_to_cart in H6 (6 hours) and no begin_checkout
                      in H6 (rule 4)
    stuck_sessions    sessions with more than var('alert_thresholds').stuck_events (15)
                      events of any type in D24 and no purchase among them (rule 5) -#}
{%- set stuck_events = var('alert_thresholds')['stuck_events'] | int %}
WITH bounds AS {{ materialized_cte() }} (
    SELECT {{ as_of() }} AS b, {{ hours_before_as_of(24) }} AS d24,
           {{ hours_before_as_of(6) }} AS h6, {{ hours_before_as_of(1) }} AS h1
),
checkouts AS (
    SELECT e.identifier,
           MAX(CASE WHEN e.event_type = 'begin_checkout' THEN 1 ELSE 0 END) AS began,
           MAX(CASE WHEN e.event_type = 'purchase' THEN 1 ELSE 0 END) AS bought
    FROM bounds
    JOIN {{ ref('int_events') }} AS e
      ON e.event_type IN ('begin_checkout', 'purchase') AND e.ts >= bounds.d24 AND e.ts <= bounds.b
    GROUP BY e.identifier
),
carts AS (
    SELECT e.session_id,
           MAX(CASE WHEN e.event_type = 'add_to_cart' THEN 1 ELSE 0 END) AS carted,
           MAX(CASE WHEN e.event_type = 'begin_checkout' THEN 1 ELSE 0 END) AS began
    FROM bounds
    JOIN {{ ref('int_events') }} AS e
      ON e.event_type IN ('add_to_cart', 'begin_checkout') AND e.ts >= bounds.h6 AND e.ts <= bounds.b
    GROUP BY e.session_id
),
sessions AS (
    SELECT e.session_id,
           COUNT(*) AS events,
           MAX(CASE WHEN e.event_type = 'purchase' THEN 1 ELSE 0 END) AS bought
    FROM bounds
    JOIN {{ ref('int_events') }} AS e ON e.ts >= bounds.d24 AND e.ts <= bounds.b
    GROUP BY e.session_id
),
payments AS (
    SELECT COUNT(*) AS payment_errors
    FROM bounds
    JOIN {{ ref('int_events') }} AS e
      ON e.event_type = 'payment_error' AND e.ts >= bounds.h1 AND e.ts <= bounds.b
)
SELECT
    (SELECT COUNT(*) FROM checkouts WHERE began = 1) AS began,
    (SELECT COUNT(*) FROM checkouts WHERE began = 1 AND bought = 0) AS abandoned,
    payments.payment_errors,
    (SELECT COUNT(*) FROM carts WHERE carted = 1 AND began = 0) AS carts_abandoned,
    (SELECT COUNT(*) FROM sessions WHERE events > {{ stuck_events }} AND bought = 0) AS stuck_sessions
FROM payments
