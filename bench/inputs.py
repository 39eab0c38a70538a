"""Benchmark inputs: synthetic cables.csv files, cached per (size, seed)."""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

CACHE = Path(__file__).parent / ".cache"


def generator_fingerprint() -> str:
    """A hash of the generator's code and data: a cached input is reused only if unchanged."""
    import cablegram.synth as synth

    root = Path(synth.__file__).parent
    h = hashlib.sha256()
    for p in sorted([*root.glob("*.py"), *(root / "data").glob("*")]):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:10]


def synthetic_csv(n: int, seed: int, cache: Path = CACHE) -> tuple[Path, float | None]:
    """A cables.csv of ``n`` generated cables; the seconds it took, or None if cached."""
    from cablegram.synth import generate
    from cablegram.synth.output import write

    out = cache / f"synth-{n}-{seed}-{generator_fingerprint()}"
    done = out / ".complete"
    if done.exists():
        return out / "cables.csv", None
    t = time.perf_counter()
    write(generate(n, seed), out, "cables-csv")
    seconds = time.perf_counter() - t
    done.write_text(f"{seconds:.3f}\n")
    return out / "cables.csv", seconds


def csv_records(path: Path) -> Iterator[tuple[str, str, str]]:
    """(reference id, tags, text) of each row: the texts every baseline indexes."""
    csv.field_size_limit(64 * 1024 * 1024)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, escapechar="\\", doublequote=False):
            if len(row) != 8:
                continue
            text = row[6] + "\n\n" + row[7]
            tags = ""
            for line in row[7].splitlines():
                if line.startswith("TAGS:"):
                    tags = line[5:].strip()
                    break
            yield row[2], tags, text
