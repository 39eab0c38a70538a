"""The cables.csv reader: backslash escapes, newlines in fields, streaming."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from conftest import corpus_path

from cablegram.formats import Unreadable, detect, read_bytes, read_paths
from cablegram.formats.cablescsv import iter_cables_csv, row_text
from cablegram.model import Cable, ReferenceId, Source


def bare(text: str, source: Source) -> Cable:
    """A stand-in telegram parser, so extraction is tested on its own."""
    return Cable(raw=text, source=source)


def csv_field(value: str) -> str:
    """Quote a field the way cables.csv does: backslash escapes, not doubled quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def csv_row(*fields: str) -> str:
    return ",".join(csv_field(f) for f in fields) + "\n"


HEADER = "R 011200Z JAN 99\nFM AMEMBASSY ZEMBLA\nTO SECSTATE WASHDC 0001"
TEXT = ('UNCLAS ZEMBLA 000012\n\nE.O. 12958: N/A\nTAGS: PREL ZZ\n'
        'SUBJECT: A "QUOTED" WORD AND A BACK\\SLASH\n\n1. THE TEXT.\n\nDOE\n')


def invented_csv() -> bytes:
    return (csv_row("1", "1/1/1999 12:00", "99ZEMBLA12", "Embassy Zembla", "UNCLASSIFIED",
                    "99STATE1|98ZEMBLA7", HEADER, TEXT)
            + csv_row("2", "12/31/1999 9:05", "99ZEMBLA13", "Embassy Zembla",
                      "CONFIDENTIAL", "", "", "C O N F I D E N T I A L ZEMBLA 000013\n\nX")
            ).encode("utf-8")


def test_invented_rows_keep_columns_and_text() -> None:
    records = list(iter_cables_csv(io.BytesIO(invented_csv()), name="t.csv", parser=bare))
    assert [type(r) for r in records] == [Cable, Cable]
    first, second = records
    assert isinstance(first, Cable) and isinstance(second, Cable)
    # header and text joined by a blank line; \" and \\ unescaped
    assert first.raw == HEADER + "\n\n" + TEXT
    assert 'A "QUOTED" WORD AND A BACK\\SLASH' in first.raw
    meta = first.source.metadata
    assert first.source.format == "cables-csv"
    assert meta["position"] == "row 1"
    assert meta["row"] == "1"
    assert meta["reference_id"] == "99ZEMBLA12"
    assert meta["references"] == ["99STATE1", "98ZEMBLA7"]
    assert meta["created"] == "1999-01-01T12:00:00Z"
    assert meta["classification"] == "UNCLASSIFIED"
    # a row without a header column reads the text alone
    assert second.raw.startswith("C O N F I D E N T I A L")
    assert second.source.metadata["references"] == []
    assert second.source.metadata["created"] == "1999-12-31T09:05:00Z"
    # the id column fills in where the (stand-in) parser found none (T2)
    assert first.reference_id == ReferenceId(99, "ZEMBLA", 12)
    assert any(w.rule == "T2" for w in first.warnings)


def test_bad_row_is_kept_and_reading_goes_on() -> None:
    data = (csv_row("1", "1/1/1999 12:00", "99ZEMBLA12", "x", "UNCLASSIFIED")  # 5 columns
            .encode() + invented_csv())
    records = list(iter_cables_csv(io.BytesIO(data), name="t.csv", parser=bare))
    assert isinstance(records[0], Unreadable)
    assert records[0].position == "row 1"
    assert "expected 8 columns" in records[0].reason and "found 5" in records[0].reason
    assert records[0].raw == csv_row("1", "1/1/1999 12:00", "99ZEMBLA12", "x",
                                     "UNCLASSIFIED").encode()
    assert [r.source.metadata["position"] for r in records[1:]
            if isinstance(r, Cable)] == ["row 2", "row 3"]


def test_latin1_line_does_not_spoil_the_file() -> None:
    row = csv_row("1", "1/1/1999 12:00", "99ZEMBLA12", "x", "UNCLASSIFIED", "", HEADER,
                  "UNCLAS ZEMBLA 000012\n\xb61. PARA\n")
    data = row.encode("latin-1") + invented_csv()
    records = list(iter_cables_csv(io.BytesIO(data), parser=bare))
    assert len(records) == 3 and all(isinstance(r, Cable) for r in records)
    first = records[0]
    assert isinstance(first, Cable)
    assert "¶1. PARA" in first.raw
    assert first.source.metadata["encoding"] == "latin-1"


def test_text_stream_and_crlf() -> None:
    text = invented_csv().decode().replace("\n", "\r\n")
    records = list(iter_cables_csv(io.StringIO(text, newline=""), parser=bare))
    assert len(records) == 2
    assert isinstance(records[0], Cable) and "\r" not in records[0].raw


def test_row_text_without_header() -> None:
    assert row_text("", "TEXT") == "TEXT"
    assert row_text("FM X\n", "TEXT") == "FM X\n\nTEXT"


def test_detected_by_content_not_name() -> None:
    assert detect(invented_csv(), "cables.txt") == "cables-csv"
    assert detect(b"RUEHC,SECSTATE WASHDC\n", "route2name.csv") != "cables-csv"


def test_corpus_sample_extraction() -> None:
    path = corpus_path("cables-csv", "cables_sample.csv")
    with path.open("rb") as fh:
        records = list(iter_cables_csv(fh, name=str(path), parser=bare))
    assert [r.source.metadata["reference_id"] for r in records if isinstance(r, Cable)] == [
        "66BUENOSAIRES2481", "72TEHRAN1164"]
    first = records[0]
    assert isinstance(first, Cable)
    assert first.raw.startswith("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\n")
    # backslash-escaped quotes come out as plain quotes
    assert 'OF "PREFERENTIAL JURISDICTION" FOR FISHING' in first.raw
    assert "\\" not in first.raw


def test_corpus_sample_parsed() -> None:
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    path = corpus_path("cables-csv", "cables_sample.csv")
    records = list(read_paths([str(path)]))
    assert [str(r.reference_id) for r in records if isinstance(r, Cable)] == [
        "66BUENOSAIRES2481", "72TEHRAN1164"]
    for r in records:
        assert isinstance(r, Cable)
        assert r.source.format == "cables-csv"
        assert r.source.metadata["position"] in ("row 1", "row 2")
        assert r.dtg is not None and r.tags
    # the same bytes read from memory give the same records
    again = list(read_bytes(path.read_bytes(), name=str(path)))
    assert again == records


def _write_large_csv(path: Path, megabytes: int) -> int:
    """Invented rows (each about 4 KB) until the file reaches ``megabytes``."""
    para = "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG, \"TWICE\". " * 60
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        while fh.tell() < megabytes * 1024 * 1024:
            rows += 1
            text = f"UNCLAS ZEMBLA {rows:06d}\n\nSUBJECT: ROW {rows}\n\n1. {para}\n\nDOE\n"
            fh.write(csv_row(str(rows), "1/1/2009 12:00", f"09ZEMBLA{rows}", "Embassy Zembla",
                             "UNCLASSIFIED", "", HEADER, text))
    return rows


def test_streams_in_constant_memory(tmp_path: Path) -> None:
    """A 50 MB csv is read row by row: the peak allocation stays a few MB."""
    big = tmp_path / "cables.csv"
    rows = _write_large_csv(big, 50)
    count = 0
    tracemalloc.start()
    try:
        with big.open("rb") as fh:
            for r in iter_cables_csv(fh, name=str(big), parser=bare):
                assert isinstance(r, Cable)
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming 50 MB"


@pytest.mark.slow
def test_read_paths_streams_csv_files(tmp_path: Path) -> None:
    """The whole path (file, sniffing, telegram parser) streams too: memory stays flat."""
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    big = tmp_path / "cables.csv"
    rows = _write_large_csv(big, 5)
    tracemalloc.start()
    try:
        count = sum(1 for r in read_paths([str(big)]) if isinstance(r, Cable))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while reading 5 MB"


def test_a_reader_failure_spoils_one_row_only() -> None:
    def fragile(text: str, source: Source) -> Cable:
        if "000013" in text:
            raise IndexError("boom")
        return bare(text, source)

    records = list(iter_cables_csv(io.BytesIO(invented_csv()), name="t.csv", parser=fragile))
    assert isinstance(records[0], Cable)
    assert isinstance(records[1], Unreadable)
    assert records[1].position == "row 2" and "IndexError" in records[1].reason


@pytest.mark.parametrize("n", [2, 3])
def test_a_shard_reads_only_its_own_records_and_numbers_them_all(n: int) -> None:
    """archive.shard: worker k of n turns only records k, k + n, ... into cables;
    the rest are placeholders, so that every worker counts the same records.
    A bad row counts as a record wherever it falls."""
    rows = [csv_row(str(i), "1/1/1999 12:00", f"99ZEMBLA{i}", "Embassy Zembla", "UNCLASSIFIED",
                    "", HEADER, TEXT.replace("000012", f"{i:06d}")) for i in range(1, 10)]
    rows.insert(4, '"short","row"\n')
    data = "".join(rows).encode()
    whole = list(iter_cables_csv(io.BytesIO(data), name="c.csv", parser=bare))
    assert len(whole) == 10 and isinstance(whole[4], Unreadable)
    from cablegram.formats.cablescsv import NOT_OURS

    for k in range(n):
        parsed: list[str] = []

        def counting(text: str, source: Source, parsed: list[str] = parsed) -> Cable:
            parsed.append(text)
            return bare(text, source)

        part = list(iter_cables_csv(io.BytesIO(data), name="c.csv", parser=counting,
                                    shard=(k, n)))
        assert len(part) == len(whole)
        for i, (mine, expected) in enumerate(zip(part, whole, strict=True)):
            assert mine == expected if i % n == k else mine is NOT_OURS
        assert len(parsed) == sum(1 for i, r in enumerate(whole)
                                  if i % n == k and isinstance(r, Cable))
