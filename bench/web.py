"""Page latency of the web server (a real uvicorn process over the bench archive).

Baseline, in the same run: a static asset from the same server, the floor of
one HTTP round trip through the framework.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

from bench.timing import latencies, percentiles, ratio

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
        return int(r.status)


def _first_id(db: str) -> str | None:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        for table in ("cables", "cable_versions", "versions"):
            try:
                row = con.execute(f"SELECT reference_id FROM {table} LIMIT 1").fetchone()
            except sqlite3.Error:
                continue
            if row:
                return str(row[0])
    finally:
        con.close()
    return None


def run(db: str, repeat: int) -> dict[str, Any]:
    try:
        import cablegram.web.app  # noqa: F401
    except ImportError as exc:
        return {"skipped": f"web reader not available: {exc}"}
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cablegram", "serve", "--archive", db, "--port", str(port),
         "--open"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/static/site.css")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode()[-1000:] if proc.stderr else ""
                    return {"skipped": f"server did not start: {err}"}
                time.sleep(0.2)
        rid = _first_id(db)
        pages = {"home": "/", "search": "/search?q=embassy", "static_baseline": "/static/site.css"}
        if rid:
            pages["cable"] = f"/cables/{rid}"
        out: dict[str, Any] = {"repeat": repeat, "pages": {}}
        for name, path in pages.items():
            _get(base + path)  # warm
            out["pages"][name] = {"path": path, "ms": percentiles(
                latencies(partial(_get, base + path), repeat))}
        floor = out["pages"]["static_baseline"]["ms"]["p50"]
        out["ratios_p50_vs_static"] = {n: ratio(v["ms"]["p50"], floor)
                                       for n, v in out["pages"].items()
                                       if n != "static_baseline"}
        return out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
