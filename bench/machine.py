"""The machine a benchmark ran on: cores, memory, CPU, Python and library versions."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARIES = ("cablegram", "tantivy", "selectolax", "fastapi", "uvicorn", "psycopg", "nats-py",
             "rich", "click")


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def describe() -> dict[str, Any]:
    mem = _first("/proc/meminfo", "MemTotal")
    versions: dict[str, str | None] = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    versions["sqlite"] = sqlite3.sqlite_version
    from cablegram import _native

    return {
        "native": f"{_native.MODE}: {_native.REASON}",
        "cores": os.cpu_count(),
        "memory_kib": int(mem.split()[0]) if mem else None,
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or None,
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "libraries": versions,
        "load": [round(x, 2) for x in os.getloadavg()],
    }
