{#- top_products: units (sum of quantity) per slug over purchase events in W, top 5 -#}
SELECT
    product_slug AS slug,
    SUM(units) AS count
FROM {{ ref('stg_window') }}
WHERE event_type = 'purchase' AND product_slug IS NOT NULL
GROUP BY product_slug
HAVING SUM(n) > 0
ORDER BY SUM(units) DESC, {{ sort_key('product_slug') }}
LIMIT 5
