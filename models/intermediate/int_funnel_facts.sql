{{ config(materialized='ephemeral') }}
{#- The funnel's window F = [as_of - N, as_of] (N = var('funnel_days'), a bound param,
    30 by default) as additive facts, per request: the funnel steps' events only, one
    row per event type and source (every event's: the source filter applies to each
    event, not to the session), no product. The same rollups and edge hours as the
    dashboard's W (macros/facts.sql window_facts), so a 90-day funnel reads about 12
    weeks and a few days of rollup rows, never the window's events one by one. -#}
{{ window_facts(var('funnel_days'), var('event_types')['funnel_steps'], by_product=false, all_sources=true) }}
