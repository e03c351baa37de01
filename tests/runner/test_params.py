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


def test_string_params_are_short_text_a_driver_can_send():
    spec = ParamSpec("source", "string", default="", max_length=8)
    assert spec.validate("") == "" and spec.validate("google") == "google"
    assert spec.validate("señal 🙂") == "señal 🙂"  # 7 characters (11 bytes)
    for bad in ("ninechars", "go\x00gle", "\ud800", 5, None):
        with pytest.raises(ParamError, match="source"):
            spec.validate(bad)


def test_max_length_is_declared_for_string_params_only():
    from runner.errors import ConfigError
    from runner.project.params import param_from_config

    assert (
        param_from_config("s", {"type": "string", "default": "", "max_length": 3}).max_length == 3
    )
    assert param_from_config("s", {"type": "string", "default": "x"}).max_length == 64
    for raw in (
        {"type": "integer", "default": 1, "max_length": 3},
        {"type": "string", "default": "", "max_length": 0},
        {"type": "string", "default": "", "max_length": True},
        {"type": "string", "default": "long", "max_length": 3},
    ):
        with pytest.raises(ConfigError, match="params.s"):
            param_from_config("s", raw)
