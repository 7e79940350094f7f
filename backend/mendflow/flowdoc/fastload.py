"""A fast path for marshmallow loading: schemas compiled into plain checks for clean input.

Marshmallow stays the single source of truth. A compiled loader handles the common case
(values already of the right JSON type) in a fraction of the time; anything else (a type to
coerce, a failed validator, an unknown key, a field or validator it does not know) makes it
answer `None`, and the caller runs marshmallow for the exact result and messages. So the fast
path can only ever agree with marshmallow or step aside; tests check that it agrees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, fields, missing, validate

_FAIL = object()
Loader = Callable[[Any], Any]


class Unsupported(Exception):
    """The schema uses something the compiler does not translate; use marshmallow for it."""


def compile_schema(schema: Schema) -> Callable[[Any], dict[str, Any] | None]:
    """A function returning the loaded dict for clean input, or None to mean "ask marshmallow"."""
    try:
        loader = _schema_loader(schema)
    except Unsupported:
        return lambda data: None

    def load(data: Any) -> dict[str, Any] | None:
        result = loader(data)
        return None if result is _FAIL else result

    return load


def _schema_loader(schema: Schema) -> Loader:
    if any(hooks for tag, hooks in schema._hooks.items() if tag != "post_dump"):
        raise Unsupported("load or validation hooks")  # pre_load, validates, ...: marshmallow's job
    if schema.unknown != RAISE:
        raise Unsupported("unknown keys allowed")
    entries = []
    for name, field in schema.load_fields.items():
        if field.data_key not in (None, name):
            raise Unsupported("data_key")
        entries.append((name, field.required, field.load_default, field.allow_none, _field_loader(field)))
    names = frozenset(name for name, *_ in entries)

    def load(data: Any) -> Any:
        if type(data) is not dict or not names.issuperset(data):
            return _FAIL
        out: dict[str, Any] = {}
        for name, required, default, allow_none, loader in entries:
            if name in data:
                value = data[name]
                if value is None:
                    if not allow_none:
                        return _FAIL
                    out[name] = None
                    continue
                value = loader(value)
                if value is _FAIL:
                    return _FAIL
                out[name] = value
            elif required:
                return _FAIL
            elif default is not missing:
                out[name] = default() if callable(default) else default
        return out

    return load


def _field_loader(field: fields.Field) -> Loader:
    kind = type(field)
    if kind is fields.String:
        base: Loader = lambda v: v if type(v) is str else _FAIL  # noqa: E731
    elif kind is fields.Integer and not field.strict:
        base = lambda v: v if type(v) is int else _FAIL  # noqa: E731
    elif kind is fields.Boolean:
        base = lambda v: v if type(v) is bool else _FAIL  # noqa: E731
    elif issubclass(kind, fields.Number) and kind.num_type is float and kind._deserialize is fields.Number._deserialize:
        base = lambda v: float(v) if type(v) in (int, float) else _FAIL  # noqa: E731
    elif kind is fields.Raw:
        base = lambda v: v  # noqa: E731
    elif kind is fields.List:
        base = _list_loader(_field_loader_allowing_none(field.inner))
    elif kind is fields.Dict:
        base = _dict_loader(field)
    elif kind is fields.Nested:
        if field.many:
            raise Unsupported("nested many")
        base = _schema_loader(field.schema)
    else:
        raise Unsupported(kind.__name__)
    checks = [_validator_check(v) for v in field.validators]
    if not checks:
        return base

    def load(value: Any) -> Any:
        value = base(value)
        if value is _FAIL:
            return _FAIL
        for check in checks:
            if not check(value):
                return _FAIL
        return value

    return load


def _field_loader_allowing_none(field: fields.Field) -> Loader:
    loader = _field_loader(field)
    if not field.allow_none:
        return lambda v: _FAIL if v is None else loader(v)
    return lambda v: None if v is None else loader(v)


def _list_loader(item: Loader) -> Loader:
    def load(value: Any) -> Any:
        if type(value) is not list:
            return _FAIL
        out = [item(v) for v in value]
        return _FAIL if any(v is _FAIL for v in out) else out

    return load


def _dict_loader(field: fields.Dict) -> Loader:
    if field.key_field is not None and type(field.key_field) is not fields.String:
        raise Unsupported("dict keys")
    if field.key_field is not None and field.key_field.validators:
        raise Unsupported("dict key validators")
    values = _field_loader_allowing_none(field.value_field) if field.value_field is not None else None

    def load(value: Any) -> Any:
        if type(value) is not dict:
            return _FAIL
        if values is None:
            return dict(value)
        out = {k: values(v) for k, v in value.items()}
        return _FAIL if any(v is _FAIL for v in out.values()) else out

    return load


def _validator_check(validator: Any) -> Callable[[Any], bool]:
    kind = type(validator)
    if kind is validate.Length:
        low, high, equal = validator.min, validator.max, validator.equal
        if equal is not None:
            return lambda v: len(v) == equal
        return lambda v: (low is None or len(v) >= low) and (high is None or len(v) <= high)
    if kind is validate.Range:
        low, high = validator.min, validator.max
        if not (validator.min_inclusive and validator.max_inclusive):
            raise Unsupported("exclusive range")
        return lambda v: (low is None or v >= low) and (high is None or v <= high)
    if kind is validate.OneOf:
        choices = tuple(validator.choices)
        return lambda v: v in choices
    if kind is validate.Equal:
        comparable = validator.comparable
        return lambda v: v == comparable
    if kind is validate.Regexp:
        regex = validator.regex
        return lambda v: regex.match(v) is not None
    raise Unsupported(kind.__name__)
