{#- events_timeline: one row per window day (N + 1), funnel and checkout event counts in W -#}
{{ daily_counts(ref('int_window_day_counts'), var('event_types')['funnel'] + var('event_types')['checkout']) }}
