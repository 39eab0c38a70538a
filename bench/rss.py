"""Run one command and report its peak RSS: ``python -m bench.rss CMD...``.

The parent of a single child reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``,
which is then exactly that child's peak (Linux reports KiB). The child's own
stdout (one JSON object) is passed through with ``max_rss_kib`` added, and
``max_anon_kib``: the peak of the child's anonymous memory (``RssAnon``,
sampled every 0.1 s), which leaves out the file pages it maps. tantivy maps
its segment files and a merge reads them through the map, so the RSS peak
includes the page cache of the segments merged (1.9 GB of a 2.2 GB peak at
500k cables): pages the kernel takes back under memory pressure, unlike the
anonymous ones.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading


def _anon_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main() -> int:
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = {"anon": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            kib = _anon_kib(proc.pid)
            if kib is not None:
                peak["anon"] = max(peak["anon"], kib)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        out = json.loads(stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        out = {"error": (stderr or stdout)[-2000:]}
    out["max_rss_kib"] = rss
    out["max_anon_kib"] = peak["anon"] or None
    out["returncode"] = proc.returncode
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
