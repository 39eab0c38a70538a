"""An ingest inside a memory cgroup: ``python -m bench.memcap [--cables N] [--limit-mib M]``.

The archive issue asks for an ingest whose resident memory stays under 1 GB
whatever the corpus size. The plain peak RSS (``bench.rss``) grows past that
beyond ~320,000 cables, but what grows is file pages: tantivy maps its segment
files, and a merge reads them through the map. This runs the same ingest as
the bench (``bench.ingest_child`` under ``bench.rss``) in a memory cgroup
limited to ``--limit-mib``, which charges the page cache the ingest touches
to it, so that the kernel must take file pages back to stay under the limit.
The ingest passes when it ends normally and stores every cable; the cgroup's
own counters (peak usage, times the limit was hit, OOM kills) are reported
beside its peak RSS and anonymous peak.

It needs root and the cgroup memory controller (v2 at /sys/fs/cgroup, or v1 at
/sys/fs/cgroup/memory); it creates ``cablegram-memcap-<pid>`` and removes it
after. It is not part of ``make bench``: at 500,000 cables it takes ~8 minutes.
Measured 2026-11-29 on an idle 2-core host: 500,000 cables (seed 11) in 1 GiB
finished in 293 s with a peak RSS of 789 MiB (355 MiB anonymous), no OOM kill;
unlimited, the same ingest peaked at 2.2 GB of RSS, 1.86 GB of it file pages.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.inputs import CACHE, synthetic_csv

V2 = Path("/sys/fs/cgroup")
V1 = Path("/sys/fs/cgroup/memory")


def _make_group(limit: int) -> tuple[Path, dict[str, str]]:
    """A new memory cgroup limited to ``limit`` bytes, and the names of its counters."""
    name = f"cablegram-memcap-{os.getpid()}"
    if (V2 / "cgroup.controllers").exists():
        if "memory" not in (V2 / "cgroup.subtree_control").read_text().split():
            (V2 / "cgroup.subtree_control").write_text("+memory")
        group = V2 / name
        group.mkdir()
        (group / "memory.max").write_text(str(limit))
        (group / "memory.swap.max").write_text("0")
        return group, {"peak": "memory.peak", "events": "memory.events"}
    if V1.is_dir():
        group = V1 / name
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(limit))
        return group, {"peak": "memory.max_usage_in_bytes", "failcnt": "memory.failcnt",
                       "events": "memory.oom_control"}
    raise SystemExit("no cgroup memory controller at /sys/fs/cgroup: cannot limit memory")


def _read(group: Path, name: str) -> str | None:
    try:
        return (group / name).read_text().strip()
    except OSError:
        return None


def run(cables: int, seed: int, limit_mib: int, work: Path) -> dict[str, Any]:
    csv_path, _ = synthetic_csv(cables, seed, CACHE)
    group, counters = _make_group(limit_mib * 1024 * 1024)
    archive = work / "memcap.db"

    def enter() -> None:  # in the child, before it runs: it and its workers are charged
        (group / "cgroup.procs").write_text(str(os.getpid()))

    try:
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "bench.rss", sys.executable, "-m", "bench.ingest_child",
             str(archive), str(csv_path)],
            capture_output=True, text=True, check=False, preexec_fn=enter,
            cwd=Path(__file__).resolve().parents[1])
        seconds = time.perf_counter() - t
        try:
            child: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            child = {"error": (proc.stderr or proc.stdout)[-2000:]}
        out: dict[str, Any] = {
            "cables": cables, "seed": seed, "limit_mib": limit_mib,
            "returncode": proc.returncode, "wall_seconds": round(seconds, 1),
            "ingest": child,
            "max_rss_mib": round(child.get("max_rss_kib", 0) / 1024, 1),
            "max_anon_mib": round((child.get("max_anon_kib") or 0) / 1024, 1),
            "cgroup": {k: _read(group, v) for k, v in counters.items()},
        }
        summary = child.get("summary", {})
        out["passed"] = proc.returncode == 0 and summary.get("new") == cables
        return out
    finally:
        for _ in range(50):  # the group can be removed once its processes are gone
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cables", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--limit-mib", type=int, default=1024)
    ap.add_argument("--work", type=Path, default=None, help="scratch dir (default: a temp dir)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        out = run(args.cables, args.seed, args.limit_mib, Path(tmp))
    print(json.dumps(out, indent=1))
    return 0 if out["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
