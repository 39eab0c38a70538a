"""Run one command and report its peak RSS: ``python -m bench.rss CMD...``.

The parent of a single child reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``,
which is then exactly that child's peak (Linux reports KiB). The child's own
stdout (one JSON object) is passed through with ``max_rss_kib`` added.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def main() -> int:
    proc = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        out = {"error": (proc.stderr or proc.stdout)[-2000:]}
    out["max_rss_kib"] = rss
    out["returncode"] = proc.returncode
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
