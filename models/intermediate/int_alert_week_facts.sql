{{ config(materialized='ephemeral') }}
{#- The alerts' D7 = [as_of - 7 days, as_of] as additive facts, per request: product
    views and purchases per product (macros/facts.sql window_facts, from the rollups), for
    the popular_no_conversion rule (distinct sessions viewing a product, its purchases). -#}
{{ window_facts(7, ['product_view', 'purchase']) }}
