from __future__ import annotations

import pytest

SHOP = {
    "project.yml": """
        name: shop
        vars:
          minimum: 1
        params:
          as_of: {type: timestamp, default: "2024-01-01T00:00:00"}
          mode: {type: choice, choices: [total, unique], default: total}
        sources:
          shop:
            tables:
              items: {}
    """,
    "seeds/items.csv": "id,name,qty\n1,a,3\n2,b,0\n3,c,5\n",
    "models/base.sql": """
        {{ config(materialized='table', tags=['core']) }}
        select id, name, qty from {{ source('shop', 'items') }}
        where qty >= {{ var('minimum') }}
    """,
    "models/doubled.sql": """
        {{ config(materialized='ephemeral') }}
        select id, {{ twice('qty') }} as q2 from {{ ref('base') }}
    """,
    "models/final.sql": """
        with x as (select * from {{ ref('doubled') }})
        select id, q2 from x
    """,
    "macros/twice.sql": """
        {% macro sqlite__twice(c) %}({{ c }} * 2){% endmacro %}
        {% macro default__twice(c) %}({{ c }} + {{ c }}){% endmacro %}
    """,
}


@pytest.fixture
def shop(make_project):
    """A small project over a seeded `items` source; pass extra files to override."""

    def make(**extra: str):
        files = dict(SHOP)
        files.update({k.replace("__", "/").replace("_sql", ".sql"): v for k, v in extra.items()})
        return make_project(files)

    return make
