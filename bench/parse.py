"""Parse throughput: WikiLeaks pages of the corpus and telegram text, in cables/s.

Both read from memory after one warm-up pass, so the figure is the reader's own
cost; the baseline is a raw decode-and-split of the same bytes (the floor any
reader pays to look at every line).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.timing import rate, ratio


def _timed(fn: Any, items: list[Any], min_seconds: float) -> tuple[int, float]:
    n, t0 = 0, time.perf_counter()
    while True:
        for it in items:
            fn(it)
        n += len(items)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return n, elapsed


def _split(data: bytes) -> int:
    return len(data.decode("utf-8", "replace").splitlines())


def wikileaks(corpus: Path | None, limit: int | None, min_seconds: float) -> dict[str, Any]:
    from cablegram.formats.wikileaks import parse_wikileaks_html

    if corpus is None:
        return {"skipped": "corpus not found"}
    paths = sorted((corpus / "cablegate-2010").rglob("*.html"))
    paths += sorted((corpus / "cablegate-2011").rglob("*.html"))
    pages = [p.read_bytes() for p in paths[:limit]]
    for p in pages[:20]:
        parse_wikileaks_html(p)
    n, s = _timed(parse_wikileaks_html, pages, min_seconds)
    bn, bs = _timed(_split, pages, min_seconds / 4)
    ours, base = rate(n, s), rate(bn, bs)
    return {"pages": len(pages), "bytes": sum(map(len, pages)), "cables_per_s": ours,
            "baseline_split_per_s": base, "ratio_to_baseline": ratio(ours, base)}


def telegram(count: int, seed: int, min_seconds: float) -> dict[str, Any]:
    from cablegram.formats.telegram import parse_telegram, render_telegram
    from cablegram.synth import generate

    texts = [render_telegram(c) for c in generate(count, seed)]
    for t in texts[:20]:
        parse_telegram(t)
    n, s = _timed(parse_telegram, texts, min_seconds)
    bn, bs = _timed(str.splitlines, texts, min_seconds / 4)
    ours, base = rate(n, s), rate(bn, bs)
    return {"cables": len(texts), "bytes": sum(len(t.encode()) for t in texts),
            "cables_per_s": ours, "baseline_split_per_s": base,
            "ratio_to_baseline": ratio(ours, base)}


def pure_rates(corpus: Path | None, limit: int | None, count: int, seed: int,
               min_seconds: float) -> dict[str, float]:
    """The same two figures with the hot modules run from their Python sources
    (``CABLEGRAM_PURE=1``, docs/native.md), in a process of their own: what the
    compiled modules buy, measured in the same run."""
    code = (
        "import json, sys; from pathlib import Path; from bench import parse; "
        "c, limit, count, seed, s = json.loads(sys.argv[1]); "
        "w = parse.wikileaks(Path(c) if c else None, limit, s); "
        "t = parse.telegram(count, seed, s); "
        "print(json.dumps({'wikileaks-html': w.get('cables_per_s'), "
        "'telegram': t.get('cables_per_s')}))")
    args = json.dumps([str(corpus) if corpus else None, limit, count, seed, min_seconds])
    env = {**os.environ, "CABLEGRAM_PURE": "1"}
    done = subprocess.run([sys.executable, "-c", code, args], capture_output=True, text=True,
                          env=env, cwd=Path(__file__).resolve().parents[1], check=True)
    return {k: v for k, v in json.loads(done.stdout).items() if v is not None}
