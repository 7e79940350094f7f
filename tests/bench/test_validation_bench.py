"""Validating a generated 10,000-node flow. Target: under 200 ms (median of 15 runs)."""

from __future__ import annotations

import statistics
import time

from mendflow.flowdoc import validate_flow
from mendflow.flowdoc.templates import inspect_template
from mendflow.nodes import default_registry
from tests.bench.flowgen import chain_flow

TARGET_MS = 200


def test_validate_10k_nodes(record) -> None:  # type: ignore[no-untyped-def]
    document = chain_flow(10_000)
    registry = default_registry()
    assert validate_flow(document, registry.get) == []  # warm-up, and it must be valid
    timings = []
    for _ in range(15):
        inspect_template.cache_clear()  # no help from earlier runs
        start = time.perf_counter()
        problems = validate_flow(document, registry.get)
        timings.append((time.perf_counter() - start) * 1000)
        assert problems == []
    median = statistics.median(timings)
    record("validate_10k", {"nodes": 10_000, "median_ms": round(median, 1), "min_ms": round(min(timings), 1),
                            "max_ms": round(max(timings), 1), "target_ms": TARGET_MS})
    assert median < TARGET_MS, f"validation took {median:.0f} ms (median), target {TARGET_MS} ms"
