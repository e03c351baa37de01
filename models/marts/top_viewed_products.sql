{#- top_viewed_products: count_mode of product_view events per slug in W, top 5 -#}
SELECT
    product_slug AS slug,
    {{ count_mode() }} AS count
FROM {{ ref('stg_events') }}
WHERE in_window = 1 AND event_type = 'product_view' AND product_slug IS NOT NULL
GROUP BY product_slug
ORDER BY {{ count_mode() }} DESC, {{ sort_key('product_slug') }}
LIMIT 5
