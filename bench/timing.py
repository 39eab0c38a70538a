"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of latencies in milliseconds."""
    if not samples_ms:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0, "n": 0}
    s = sorted(samples_ms)

    def q(p: float) -> float:
        return round(s[min(len(s) - 1, int(p * len(s)))], 3)

    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99),
            "mean": round(statistics.fmean(s), 3), "n": len(s)}


def latencies(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``fn``, after ``warmup`` untimed ones.

    The first call after an ingest pays for cold pages of the index files (a
    200-400 ms outlier that made p99 the cost of one page-in, not of a search).
    """
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else 0.0


def ratio(ours: float, base: float) -> float | None:
    return round(ours / base, 3) if base else None
