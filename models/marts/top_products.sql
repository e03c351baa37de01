{#- top_products: units (sum of quantity) per slug over purchase events in W, top 5 -#}
SELECT
    product_slug AS slug,
    {{ units() }} AS count
FROM {{ ref('int_window_facts') }}
WHERE event_type = 'purchase' AND product_slug IS NOT NULL
GROUP BY product_slug
HAVING {{ events() }} > 0
ORDER BY {{ units() }} DESC, {{ sort_key('product_slug') }}
LIMIT 5
