{#- top_viewed_products: count_mode of product_view events per slug in W, top 5 -#}
SELECT
    product_slug AS slug,
    {{ count_mode(grain='slug') }} AS count
FROM {{ ref('stg_window') }}
WHERE event_type = 'product_view' AND product_slug IS NOT NULL
GROUP BY product_slug
HAVING SUM(n) > 0
ORDER BY {{ count_mode(grain='slug') }} DESC, {{ sort_key('product_slug') }}
LIMIT 5
