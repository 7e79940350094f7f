"""Durations as people write them in flows."""

from __future__ import annotations

import re

import pytest

from mendflow.flowdoc import parse_duration
from mendflow.flowdoc.durations import DURATION_PATTERN


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30.0), ("15m", 900.0), ("2h", 7200.0), ("1d", 86400.0), ("1h30m", 5400.0), ("250ms", 0.25),
    ("1.5s", 1.5), ("45", 45.0), (" 2M ", 120.0), ("0s", 0.0), ("1d2h3m4s", 93784.0),
])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(("value", "seconds"), [(10, 10.0), (0.5, 0.5)])
def test_numbers_are_seconds(value: float, seconds: float) -> None:
    result = parse_duration(value)
    assert result == seconds
    assert type(result) is float


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "10x", "m5", "1h 30m", "-5s", "1h-30m", "s"])
def test_bad_durations_raise_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration; write e\.g\. 30s, 15m, 2h or 1h30m"):
        parse_duration(text)


@pytest.mark.parametrize("value", [-1, -0.5, True])
def test_negative_numbers_and_booleans_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(value))):
        parse_duration(value)


@pytest.mark.parametrize("text", ["30s", "1h30m", "250ms", "45", "1.5s", "soon", "1h 30m", "10x", ""])
def test_schema_pattern_agrees_with_the_parser(text: str) -> None:
    """The regex the config schemas validate with accepts exactly what the parser can read."""
    try:
        parse_duration(text)
        parses = True
    except ValueError:
        parses = False
    assert (re.match(DURATION_PATTERN, text) is not None) is parses
