"""Sandboxed Jinja2 templates over the run context: rendering, syntax checks, step references.

Config strings are templates. A string that is exactly one `{{ expression }}` renders to the
expression's native value (a list stays a list); anything else renders to text. Compiled
templates are cached by source, since the same flow renders the same strings on every run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(ValueError):
    """A template that does not compile or does not render, with a message for the run view."""


class _Sandbox(ImmutableSandboxedEnvironment):
    """Refuses unsafe attributes outright: with ChainableUndefined they would otherwise render empty."""

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")


ENV = _Sandbox(undefined=ChainableUndefined, autoescape=False, keep_trailing_newline=True)

_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}|\{\{).)+)\}\}\s*$", re.S)
_PATH = r"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*|\[\s*(?:'[^'\\]*'|\"[^\"\\]*\"|\d+)\s*\])*"
_SIMPLE_BLOCK = re.compile(r"\{\{\s*(" + _PATH + r")\s*(?:\|\s*[A-Za-z_]\w*\s*)*\}\}")
_STEP_REF = re.compile(r"^steps\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*(?:'([^']*)'|\"([^\"]*)\")\s*\])")


def is_template(value: str) -> bool:
    return "{{" in value or "{%" in value or "{#" in value


@lru_cache(maxsize=8192)
def _compiled_template(source: str) -> Any:
    return ENV.from_string(source)


@lru_cache(maxsize=8192)
def _compiled_expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


def render_value(value: Any, context: dict[str, Any]) -> Any:
    """Render every template string inside `value` (dicts and lists walked) against `context`."""
    if isinstance(value, str):
        return render_string(value, context) if is_template(value) else value
    if isinstance(value, dict):
        return {key: render_value(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render_value(item, context) for item in value]
    return value


def render_string(source: str, context: dict[str, Any]) -> Any:
    try:
        single = _SINGLE_EXPRESSION.match(source)
        if single:
            result = _compiled_expression(single.group("expr").strip())(**context)
            return _plain(result)
        return _compiled_template(source).render(context)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template syntax error in {source!r}: {exc.message} (line {exc.lineno})") from None
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(f"Template {source!r} failed: {exc}") from None


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """Evaluate a bare expression (`event.severity == 'critical'`); `{{ }}` around it is allowed."""
    source = strip_braces(expression)
    try:
        return _plain(_compiled_expression(source)(**context))
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Expression syntax error in {expression!r}: {exc.message}") from None
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(f"Expression {expression!r} failed: {exc}") from None


def strip_braces(expression: str) -> str:
    single = _SINGLE_EXPRESSION.match(expression)
    return single.group("expr").strip() if single else expression.strip()


def _plain(value: Any) -> Any:
    if isinstance(value, ChainableUndefined):
        return None
    return value


@lru_cache(maxsize=65536)
def inspect_template(source: str, *, expression: bool = False) -> tuple[str | None, frozenset[str]]:
    """(syntax error message or None, node ids read through `steps.X`) for one template or expression.

    Plain `{{ a.b.c }}` substitutions, the usual case, are checked with a regular expression;
    anything else is parsed by Jinja2.
    """
    if expression:
        source = "{{ " + strip_braces(source) + " }}"
    if "{%" not in source and "{#" not in source:
        refs: set[str] = set()
        rest = _SIMPLE_BLOCK.sub(lambda m: _collect_ref(m.group(1), refs), source)
        if "{{" not in rest and "}}" not in rest:
            return None, frozenset(refs)
    try:
        tree = ENV.parse(source)
    except TemplateSyntaxError as exc:
        return f"{exc.message} (line {exc.lineno})", frozenset()
    return None, frozenset(_ast_step_refs(tree))


def _collect_ref(path: str, refs: set[str]) -> str:
    match = _STEP_REF.match(path)
    if match:
        refs.add(next(group for group in match.groups() if group is not None))
    return ""


def _ast_step_refs(tree: nodes.Node) -> set[str]:
    refs: set[str] = set()
    for getattr_node in tree.find_all(nodes.Getattr):
        if isinstance(getattr_node.node, nodes.Name) and getattr_node.node.name == "steps":
            refs.add(getattr_node.attr)
    for getitem in tree.find_all(nodes.Getitem):
        if (isinstance(getitem.node, nodes.Name) and getitem.node.name == "steps"
                and isinstance(getitem.arg, nodes.Const) and isinstance(getitem.arg.value, str)):
            refs.add(getitem.arg.value)
    return refs
