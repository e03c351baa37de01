{{ config(materialized='incremental', unique_key='wpart', indexes=[['wpart'], ['week'], ['batch']]) }}
{#- int_events_daily summed per week (named by its Monday), event type and product (the
    partition, wpart), kept up to date as the daily rollup is: a batch re-aggregates the
    week partitions that hold a daily row written since this table's last batch (zeros
    included: a partition left empty) and replaces them whole. A request reads the weeks
    W holds whole from here, so a 90-day window reads about 12 weeks and a few days, not
    90 days (issue 10: a 90-day request costs no more than 3x a 7-day one).

    A previous-event instant in the same week collapses to the week's start, as the
    daily rollup collapses the same day's: such an event is never the first of its key
    in a window that holds the whole week. Earlier instants are kept as they are. -#}
{{ rollup_periods(ref('int_events_daily'), 'wpart', 'week', week_of('day'), day_start(week_of('day'))) }}
