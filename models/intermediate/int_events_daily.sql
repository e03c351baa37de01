{{ config(materialized='incremental', unique_key='dpart', indexes=[['dpart'], ['day'], ['batch'], ['wpart']]) }}
{#- int_events_hourly summed per UTC day, event type and product (the partition, dpart),
    kept up to date incrementally: a batch re-aggregates the day partitions that hold an
    hourly row written since this table's last batch (zeros included: a partition left
    empty), and replaces them whole. A request reads from here the days W holds whole
    outside the whole weeks it holds (int_events_weekly); wpart names the week partition
    a row rolls up into.

    A previous-event hour on the same day collapses to the day's start: such an event
    is never the first of its key in a window that holds the whole day. Earlier hours
    are kept as they are (int_window_facts compares them with the hour of W's start). -#}
{{ rollup_periods(ref('int_events_hourly'), 'dpart', 'day', 'day', day_floor('hour'),
                  next_part=('wpart', week_partition)) }}
