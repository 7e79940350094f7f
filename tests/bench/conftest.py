"""Benchmarks: `make bench`. Each records its figures in tests/bench/results/<name>.json and prints them."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RESULTS = Path(__file__).parent / "results"


@pytest.fixture
def record() -> Callable[[str, dict[str, Any]], None]:
    def write(name: str, figures: dict[str, Any]) -> None:
        RESULTS.mkdir(exist_ok=True)
        payload = {"benchmark": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), "cpus": os.cpu_count(),
                   "python": platform.python_version(), "load_average": os.getloadavg()[0], **figures}
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\n[bench] {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))

    return write
