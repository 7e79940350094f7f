"""Templates: native and text rendering, the sandbox, undefined values, step references."""

from __future__ import annotations

from typing import Any

import pytest

from mendflow.flowdoc.templates import TemplateError, evaluate, inspect_template, render_string, render_value

CTX: dict[str, Any] = {
    "event": {"title": "disk full on db-1", "severity": "critical", "entities": [{"name": "db-1"}], "count": 3},
    "incident": {"id": 7},
    "steps": {"open": {"key": "MF-1", "ok": True}},
}


def test_single_expression_renders_native_list() -> None:
    assert render_string("{{ event.entities }}", CTX) == [{"name": "db-1"}]


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ event.count }}", 3),
    ("  {{ event.count * 2 }}  ", 6),
    ("{{ steps.open.ok }}", True),
    ("{{ incident }}", {"id": 7}),
])
def test_single_expression_keeps_its_type(source: str, expected: Any) -> None:
    result = render_string(source, CTX)
    assert result == expected
    assert type(result) is type(expected)


def test_mixed_text_renders_to_a_string() -> None:
    assert render_string("[{{ event.severity | upper }}] {{ event.title }} ({{ event.count }})", CTX) == \
        "[CRITICAL] disk full on db-1 (3)"


def test_block_tags_render_text() -> None:
    source = "{% for e in event.entities %}{{ e.name }};{% endfor %}"
    assert render_string(source, CTX) == "db-1;"


def test_render_value_walks_dicts_and_lists_and_leaves_plain_values() -> None:
    value = {"title": "{{ event.title }}", "tags": ["{{ event.severity }}", "static"], "n": 5, "none": None}
    assert render_value(value, CTX) == {"title": "disk full on db-1", "tags": ["critical", "static"], "n": 5,
                                        "none": None}


def test_undefined_renders_empty_in_text_and_none_alone() -> None:
    assert render_string("ticket: {{ steps.missing.key }}!", CTX) == "ticket: !"
    assert render_string("{{ event.nope.deeper }}", CTX) is None


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "title: {{ event.__class__ }}",
    "{{ event['__class__'] }}",
    "{{ event.title.format.__globals__ }}",
])
def test_sandbox_refuses_unsafe_access(source: str) -> None:
    with pytest.raises(TemplateError, match="unsafe"):
        render_string(source, CTX)


def test_sandbox_is_immutable() -> None:
    with pytest.raises(TemplateError, match="unsafe"):
        render_string("{{ event.entities.append(1) }}", CTX)
    assert CTX["event"]["entities"] == [{"name": "db-1"}]


def test_syntax_error_at_render_time_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match=r"^Template syntax error in '\{\{ event\. \}\} x'"):
        render_string("{{ event. }} x", CTX)


def test_runtime_error_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="division by zero"):
        render_string("{{ event.count / 0 }}", CTX)


def test_evaluate_with_and_without_braces() -> None:
    assert evaluate("event.severity == 'critical'", CTX) is True
    assert evaluate("{{ event.count > 5 }}", CTX) is False
    assert evaluate("steps.nothing.status", CTX) is None
    with pytest.raises(TemplateError, match="Expression syntax error"):
        evaluate("event.severity ==", CTX)


@pytest.mark.parametrize(("source", "refs"), [
    ("{{ steps.a.key }}", {"a"}),
    ("{{ steps['b'].key }} and {{ steps.c | upper }}", {"b", "c"}),
    ("{{ event.title }} {{ steps . d . x }}", {"d"}),
    ("no template at all", set()),
])
def test_step_references_fast_path(source: str, refs: set[str]) -> None:
    assert inspect_template(source) == (None, frozenset(refs))


@pytest.mark.parametrize(("source", "refs"), [
    ("{% if steps.a.ok %}{{ steps['b'].key }}{% endif %}", {"a", "b"}),
    ("{{ steps.a.key ~ '-' ~ steps.z.key }}", {"a", "z"}),
    ("{{ [steps.x, event.title] | join(',') }}", {"x"}),
    ("{# steps.hidden #}{{ event.title }}", set()),
])
def test_step_references_jinja_path(source: str, refs: set[str]) -> None:
    assert inspect_template(source) == (None, frozenset(refs))


def test_expression_references() -> None:
    assert inspect_template("steps.check.status >= 500 and steps.other", expression=True) == \
        (None, frozenset({"check", "other"}))


def test_inspect_reports_syntax_errors() -> None:
    assert inspect_template("{{ steps.a.key ") == ("unexpected end of template, expected 'end of print statement'. "
                                                   "(line 1)", frozenset())
    error, refs = inspect_template("event.severity ==", expression=True)
    assert error == "unexpected 'end of print statement' (line 1)"
    assert refs == frozenset()
