{#- errors_timeline: one row per window day (N + 1), error event counts in W -#}
{{ daily_counts(ref('int_window_day_counts'), var('event_types')['errors_timeline']) }}
