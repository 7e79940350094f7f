"""Fixtures for the pure-logic tests: the default node-type registry, built once."""

from __future__ import annotations

import pytest

from mendflow.nodes import Registry, default_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    return default_registry()
