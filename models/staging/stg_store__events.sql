{{ config(materialized='ephemeral') }}
{#- The storefront's events, one row each, cleaned as spec section 1 says: the only model
    that knows about dirty data. Ephemeral, so each event is cleaned once, inside
    int_events' incremental batch, and never again. -#}
SELECT
    id,
    event_type,
    session_id,
    NULLIF(user_id, '') AS user_id,
    CASE WHEN user_id IS NOT NULL AND user_id <> '' THEN user_id ELSE session_id END AS identifier,
    NULLIF(product_slug, '') AS product_slug,
    NULLIF(product_name, '') AS product_name,
    {{ event_price('price') }} AS unit_price,
    {{ event_quantity('metadata') }} AS quantity,
    COALESCE(NULLIF(source, ''), 'direct') AS source,
    {{ utc_timestamp('created_at') }} AS ts,
    {#- as received, for the reconciliation that notices rows changed at the source -#}
    price AS raw_price,
    metadata AS raw_metadata,
    created_at AS raw_created_at
FROM {{ source('store', 'events') }}
