"""The same cable read from different published forms gives the same record.

``jsonform.record_view`` leaves out provenance (raw text, cleaned text,
source, warnings); everything the cable says must agree whichever form it was
read from: its WikiLeaks page, its row in cables.csv, its bare telegram text,
and our own JSON form.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_path

from cablegram.formats import read_bytes, read_paths
from cablegram.model import Cable

pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
pytest.importorskip("cablegram.formats.wikileaks", reason="the WikiLeaks reader is not built")

from cablegram.formats.jsonform import record_view, to_json


def only_cable(records: list[Any]) -> Cable:
    assert len(records) == 1 and isinstance(records[0], Cable), records
    cable: Cable = records[0]
    return cable


def differences(a: Cable, b: Cable) -> dict[str, tuple[Any, Any]]:
    va, vb = record_view(a), record_view(b)
    return {k: (va.get(k), vb.get(k)) for k in va.keys() | vb.keys() if va.get(k) != vb.get(k)}


def csv_field(value: str) -> str:
    """cables.csv quoting: backslash escapes, not doubled quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def csv_row(cable: Cable, text: str, n: int) -> str:
    """Our own cables.csv row for a cable: its header and text columns split at T1."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines)
                 if cable.classification_line and line.strip() == cable.classification_line)
    header, body = "\n".join(lines[:first]).rstrip("\n"), "\n".join(lines[first:])
    when = cable.dtg.when if cable.dtg else None
    date = f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}" if when else ""
    refs = "|".join(str(r.id) for r in cable.references if r.id)
    fields = [str(n), date, str(cable.reference_id), "Embassy", cable.level.label, refs,
              header, body]
    return ",".join(csv_field(f) for f in fields) + "\n"


def test_csv_rows_match_their_wikileaks_pages() -> None:
    root = corpus_path()
    rows = list(read_paths([str(root / "cables-csv" / "cables_sample.csv")]))
    compared = 0
    for row in rows:
        assert isinstance(row, Cable)
        pages = sorted(root.glob(f"cablegate-*/**/{row.reference_id}.html"))
        for page in pages:
            web = only_cable(list(read_paths([str(page)])))
            assert web.source.format == "wikileaks-html"
            assert differences(row, web) == {}, page
            compared += 1
    assert compared >= 2, "no WikiLeaks page found for the csv sample rows"


def test_csv_rows_match_their_bare_text(tmp_path: Path) -> None:
    """A row's header and text columns saved as a plain telegram file read the same."""
    import csv as _csv

    sample = corpus_path("cables-csv", "cables_sample.csv")
    with sample.open(encoding="utf-8", newline="") as fh:
        raw_rows = list(_csv.reader(fh, escapechar="\\", doublequote=False))
    rows = list(read_paths([str(sample)]))
    for raw, row in zip(raw_rows, rows, strict=True):
        assert isinstance(row, Cable)
        bare = tmp_path / f"{raw[2]}.txt"
        bare.write_text(raw[6] + "\n\n" + raw[7], encoding="utf-8")
        text = only_cable(list(read_paths([str(bare)])))
        assert text.source.format == "telegram"
        assert differences(row, text) == {}, raw[2]


def test_raw_telegrams_as_our_own_csv_rows(tmp_path: Path) -> None:
    """Every raw telegram of the corpus, rendered as a cables.csv row, reads back the same."""
    files = sorted(corpus_path("raw-telegrams").glob("*.txt"))
    from cablegram.formats import decode

    out = tmp_path / "mine.csv"
    originals: list[Cable] = []
    with out.open("w", encoding="utf-8", newline="") as fh:
        for n, f in enumerate(files, 1):
            cable = only_cable(list(read_bytes(f.read_bytes(), name=str(f))))
            originals.append(cable)
            fh.write(csv_row(cable, decode(f.read_bytes()), n))
    rows = list(read_paths([str(out)]))
    assert len(rows) == len(originals) == len(files)
    for original, row in zip(originals, rows, strict=True):
        assert isinstance(row, Cable), row
        assert row.source.format == "cables-csv"
        assert differences(original, row) == {}, original.reference_id


def test_json_form_reads_back_the_same(tmp_path: Path) -> None:
    root = corpus_path()
    cables = [r for r in read_paths([str(root / "plusd-1970s"), str(root / "raw-telegrams")])
              if isinstance(r, Cable)]
    out = tmp_path / "all.jsonl"
    out.write_text("".join(json.dumps(to_json(c)) + "\n" for c in cables), encoding="utf-8")
    again = list(read_paths([str(out)]))
    assert again == cables  # the whole record, provenance included
