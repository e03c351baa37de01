{#- RFM's window R = [as_of - 90 days, as_of] (var('retention_days')), one row: the
    instants the body's start_date and end_date show are the ones rfm_customers used. -#}
SELECT {{ days_before_as_of(var('retention_days')) }} AS start_date, {{ as_of() }} AS end_date
