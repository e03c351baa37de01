{#- top_viewed_products: count_mode of product_view events per slug in W, top 5 -#}
SELECT
    product_slug AS slug,
    {{ count_mode(key='slug') }} AS count
FROM {{ ref('int_window_facts') }}
WHERE event_type = 'product_view' AND product_slug IS NOT NULL
GROUP BY product_slug
HAVING {{ events() }} > 0
ORDER BY {{ count_mode(key='slug') }} DESC, {{ sort_key('product_slug') }}
LIMIT 5
