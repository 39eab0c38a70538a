"""Export cables as CSV, JSON lines (the JSON form) or Parquet, streamed.

Each writer consumes an iterator of cables and holds at most one batch in
memory, so an export of the whole archive runs in constant memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any, Literal

from cablegram.errors import ArchiveError
from cablegram.formats.jsonform import to_json
from cablegram.model import Cable

ExportFormat = Literal["csv", "jsonl", "parquet"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")

# The flat columns of CSV and Parquet; the JSON lines carry every field.
FLAT_COLUMNS = ("reference_id", "dtg", "year", "origin", "classification", "caveats", "tags",
                "subject", "references", "precedence", "body", "raw")
_PARQUET_BATCH = 1000


def flat_row(c: Cable) -> dict[str, Any]:
    return {
        "reference_id": str(c.reference_id) if c.reference_id else None,
        "dtg": c.dtg.isoformat() if c.dtg else None,
        "year": c.year,
        "origin": c.origin,
        "classification": c.classification.banner,
        "caveats": list(c.caveats),
        "tags": [t.code for t in c.tags],
        "subject": c.subject,
        "references": [str(r.id) for r in c.references if r.id is not None],
        "precedence": c.precedence.word,
        "body": c.body or c.cleaned,
        "raw": c.raw,
    }


def write_jsonl(cables: Iterable[Cable], out: IO[str]) -> int:
    n = 0
    for c in cables:
        out.write(json.dumps(to_json(c), ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def write_csv(cables: Iterable[Cable], out: IO[str]) -> int:
    """A header row, then one row per cable; list fields joined with ``|``
    (as cables.csv joins its reference ids)."""
    w = csv.writer(out)
    w.writerow(FLAT_COLUMNS)
    n = 0
    for c in cables:
        row = flat_row(c)
        w.writerow(["|".join(v) if isinstance(v, list) else ("" if v is None else v)
                    for v in (row[k] for k in FLAT_COLUMNS)])
        n += 1
    return n


def write_parquet(cables: Iterable[Cable], path: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ArchiveError("Parquet export needs pyarrow: pip install 'cablegram[parquet]'") \
            from exc
    text, strings = pa.string(), pa.list_(pa.string())
    schema = pa.schema([
        ("reference_id", text), ("dtg", text), ("year", pa.int32()), ("origin", text),
        ("classification", text), ("caveats", strings), ("tags", strings), ("subject", text),
        ("references", strings), ("precedence", text), ("body", text), ("raw", text),
    ])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(iter(cables), _PARQUET_BATCH):
            rows = [flat_row(c) for c in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            n += len(rows)
    return n


def _batches(it: Iterator[Cable], size: int) -> Iterator[list[Cable]]:
    while batch := list(islice(it, size)):
        yield batch


def export_to(cables: Iterable[Cable], fmt: str, path: str, stdout: IO[str]) -> int:
    """Write ``cables`` to ``path`` (``-`` = ``stdout``, not for Parquet); return the count."""
    if fmt not in EXPORT_FORMATS:
        raise ArchiveError(f"unknown export format {fmt!r}; choose one of "
                           f"{', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        if path == "-":
            raise ArchiveError("Parquet cannot be written to standard output; give -o FILE")
        return write_parquet(cables, path)
    writer = write_csv if fmt == "csv" else write_jsonl
    if path == "-":
        return writer(cables, stdout)
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            return writer(cables, out)
    except OSError as exc:
        raise ArchiveError(f"cannot write export file {path}: {exc.strerror}") from exc
