"""Benchmark inputs: synthetic cables.csv files, cached per (size, seed)."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path

CACHE = Path(__file__).parent / ".cache"


def synthetic_csv(n: int, seed: int, cache: Path = CACHE) -> tuple[Path, float | None]:
    """A cables.csv of ``n`` generated cables; the seconds it took, or None if cached."""
    from cablegram.synth import generate
    from cablegram.synth.output import write

    out = cache / f"synth-{n}-{seed}"
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
