{#- top_products: units (sum of quantity) per slug over purchase events in W, top 5 -#}
SELECT
    product_slug AS slug,
    SUM(quantity) AS count
FROM {{ ref('stg_events') }}
WHERE in_window = 1 AND event_type = 'purchase' AND product_slug IS NOT NULL
GROUP BY product_slug
ORDER BY SUM(quantity) DESC, {{ sort_key('product_slug') }}
LIMIT 5
