{#- The events table exactly as spec section 1 defines it. The project does not own
    this table in production; seeds create it so CI runs against the real shape. -#}
{% macro sqlite__create_events_table() %}
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    event_type TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id TEXT,
    product_slug TEXT,
    product_name TEXT,
    price TEXT,
    metadata TEXT,
    source TEXT,
    error_message TEXT,
    idempotency_key TEXT,
    created_at TEXT
)
{% endmacro %}

{% macro postgres__create_events_table() %}
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    event_type TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id TEXT,
    product_slug TEXT,
    product_name TEXT,
    price TEXT,
    metadata JSONB,
    source TEXT,
    error_message TEXT,
    idempotency_key TEXT,
    created_at TIMESTAMPTZ NOT NULL
)
{% endmacro %}
