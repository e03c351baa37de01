{#- The funnel's window F = [as_of - N days, as_of] (N = var('funnel_days')), one row:
    the instants the body's start_date and end_date show are the ones its counts used. -#}
SELECT w_start AS start_date, w_end AS end_date
FROM ({{ window_bounds(var('funnel_days')) }}) AS bounds
