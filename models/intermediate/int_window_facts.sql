{{ config(materialized='table') }}
{#- The dashboard's N-day window W as additive facts, built per request (the SQL and
    how it stays exact and cheap: macros/facts.sql window_facts). Marts read it through
    the measures of macros/measures.sql only; the timelines, which need days, read
    int_window_day_counts. Each row: event_type, product_slug, source (page views
    only), events, units, revenue and first_<key> for each declared distinct key. -#}
{{ window_facts(var('window_days')) }}
