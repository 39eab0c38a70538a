"""Release-and-delivery throughput and FLASH latency under a ROUTINE backlog.

The messaging part exposes ``cablegram.messaging.bench.run(...)``; until it
exists this benchmark reports itself as skipped.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any


def run(work: Path, smoke: bool) -> dict[str, Any]:
    try:
        from cablegram.messaging import bench as mbench
    except ImportError as exc:
        return {"skipped": f"messaging benchmark not available: {exc}"}
    kwargs: dict[str, Any] = {}
    params = inspect.signature(mbench.run).parameters
    (work / "messaging").mkdir(parents=True, exist_ok=True)
    wanted = {"posts": 20 if smoke else 250, "cables": 20 if smoke else 500,
              "backlog": 1000 if smoke else 100_000, "flashes": 5 if smoke else 50,
              "path": work / "messaging"}
    for k, v in wanted.items():
        if k in params:
            kwargs[k] = v
    try:
        result = mbench.run(**kwargs)
    except Exception as exc:  # a failing benchmark is reported, not fatal to the others
        return {"error": f"{type(exc).__name__}: {exc}"}
    return dict(result) if isinstance(result, dict) else {"result": repr(result)}
