"""The node-type registry: every type by its name; the engine knows node types only through it."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

from mendflow.nodes.base import NodeType

_DISCOVERED: list[type[NodeType]] = []


def register(cls: type[NodeType]) -> type[NodeType]:
    """Class decorator: make a node type part of the default registry."""
    _DISCOVERED.append(cls)
    return cls


class Registry:
    """Node types by type name. Registering a name twice is an error."""

    def __init__(self, types: list[type[NodeType]] | None = None) -> None:
        self._types: dict[str, NodeType] = {}
        for cls in types or []:
            self.add(cls)

    def add(self, cls: type[NodeType]) -> NodeType:
        name = getattr(cls, "type", None)
        if not name:
            raise ValueError(f"{cls.__name__} has no `type` name")
        if name in self._types:
            raise ValueError(f"node type {name!r} is registered twice "
                             f"({type(self._types[name]).__name__} and {cls.__name__})")
        instance = cls()
        self._types[name] = instance
        return instance

    def get(self, name: str) -> NodeType | None:
        return self._types.get(name)

    def __getitem__(self, name: str) -> NodeType:
        try:
            return self._types[name]
        except KeyError:
            raise KeyError(f"unknown node type {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[NodeType]:
        return iter(sorted(self._types.values(), key=lambda t: (t.category, t.type)))

    def __len__(self) -> int:
        return len(self._types)

    def describe(self) -> list[dict[str, Any]]:
        return [node_type.describe() for node_type in self]


def default_registry() -> Registry:
    """A registry of every node type module under mendflow.nodes (one module per type)."""
    import mendflow.nodes as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    return Registry(list(dict.fromkeys(_DISCOVERED)))
