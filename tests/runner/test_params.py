from __future__ import annotations

import pytest

from runner.errors import ParamError
from runner.project.params import ParamSpec, parse_timestamp


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2024-05-22T12:00:00Z", "2024-05-22 12:00:00.000000"),
        ("2024-05-22 12:00:00", "2024-05-22 12:00:00.000000"),
        ("2024-05-22T07:00:00-05:00", "2024-05-22 12:00:00.000000"),
        ("2024-05-22T12:00:00.123456+00:00", "2024-05-22 12:00:00.123456"),
        ("2024-05-22", "2024-05-22 00:00:00.000000"),
    ],
)
def test_timestamps_become_canonical_utc(text, canonical):
    assert parse_timestamp(text) == canonical


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2024-13-01", "2024-05-22 12:00:00 ", "1' OR 1=1", 5]
)
def test_bad_timestamps_are_refused(text):
    with pytest.raises(ParamError):
        parse_timestamp(text)


def test_choice_params_are_allow_listed():
    spec = ParamSpec("mode", "choice", ("total", "unique"))
    assert spec.validate("unique") == "unique"
    for bad in ("TOTAL", "total ", "", "total; drop table events"):
        with pytest.raises(ParamError, match="mode"):
            spec.validate(bad)
