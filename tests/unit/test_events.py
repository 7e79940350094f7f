"""Event normalization: aliases, derived dedup keys, and precise errors."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from mendflow.incidents import EventError, normalize_event


def test_normalized_shape() -> None:
    event = normalize_event({"title": "  disk full  ", "severity": "critical", "dedup_key": "db-1:disk",
                             "service": "db", "entities": [{"type": "host", "name": "db-1"}]}, source="webhook")
    assert {k: v for k, v in event.items() if k not in ("id", "received_at")} == {
        "source": "webhook", "dedup_key": "db-1:disk", "title": "disk full", "severity": "critical",
        "state": "open", "service": "db", "entities": [{"type": "host", "name": "db-1"}], "links": [],
        "raw": {"title": "  disk full  ", "severity": "critical", "dedup_key": "db-1:disk", "service": "db",
                "entities": [{"type": "host", "name": "db-1"}]}}
    assert len(event["id"]) == 20


def test_defaults_are_warning_and_open() -> None:
    event = normalize_event({"title": "x"})
    assert (event["severity"], event["state"], event["source"]) == ("warning", "open", "api")


@pytest.mark.parametrize(("given", "severity"), [
    ("P1", "critical"), ("fatal", "critical"), ("AVAILABILITY", "critical"), ("major", "error"),
    ("warn", "warning"), ("low", "warning"), ("informational", "info"), ("ok", "info"),
])
def test_severity_aliases(given: str, severity: str) -> None:
    assert normalize_event({"title": "x", "severity": given})["severity"] == severity


@pytest.mark.parametrize(("given", "state"), [
    ("firing", "open"), ("PROBLEM", "open"), ("triggered", "open"), ("OK", "resolved"), ("closed", "resolved"),
    ("ack", "acknowledged"),
])
def test_state_aliases(given: str, state: str) -> None:
    assert normalize_event({"title": "x", "state": given})["state"] == state


def test_vendor_field_names() -> None:
    event = normalize_event({"ProblemTitle": "High CPU", "ProblemSeverity": "PERFORMANCE", "State": "OPEN",
                             "PID": "-4711", "ImpactedEntities": [{"name": "web-1"}]}, source="dynatrace")
    assert (event["title"], event["severity"], event["state"], event["dedup_key"], event["entities"]) == (
        "High CPU", "warning", "open", "-4711", [{"name": "web-1"}])


def test_dedup_key_is_derived_from_source_and_title() -> None:
    digest = hashlib.sha1(b"disk full").hexdigest()[:16]
    first = normalize_event({"title": "disk full", "source": "zabbix"})
    second = normalize_event({"title": "disk full", "source": "zabbix", "severity": "critical"})
    assert first["dedup_key"] == second["dedup_key"] == f"zabbix:{digest}"
    assert normalize_event({"title": "disk full"})["dedup_key"] == f"api:{digest}"


def test_numeric_dedup_key_becomes_text() -> None:
    assert normalize_event({"title": "x", "dedup_key": 42})["dedup_key"] == "42"


@pytest.mark.parametrize(("payload", "message", "field"), [
    ({"title": "x", "severity": "meh"}, "Unknown severity 'meh'; use one of critical, error, warning, info.",
     "severity"),
    ({"title": "x", "state": "pending"}, "Unknown state 'pending'; use open, acknowledged or resolved.", "state"),
    ({"severity": "critical"}, "The event needs a title (or summary / message).", "title"),
    ({"title": "   "}, "The event needs a title (or summary / message).", "title"),
    ({"title": True}, "The event needs a title (or summary / message).", "title"),
    ({"title": "x", "entities": "db-1"}, "entities must be a list.", "entities"),
    ({"title": "x", "links": {"a": 1}}, "links must be a list.", "links"),
    ([{"title": "x"}], "An event must be a JSON object.", None),
])
def test_errors_name_the_field(payload: Any, message: str, field: str | None) -> None:
    with pytest.raises(EventError) as caught:
        normalize_event(payload)
    assert (str(caught.value), caught.value.field) == (message, field)


def test_long_titles_are_cut() -> None:
    assert len(normalize_event({"title": "x" * 5000})["title"]) == 1024
