"""cables.csv rows split without the csv module read exactly as the csv module reads them.

``cablescsv._LineTap.quoted_row`` splits rows of the usual shape (every field
quoted, backslash escapes) with string searches, for speed; any other row is
given back to ``csv.reader``. Whatever the input, the rows, the errors, the raw
bytes kept for each row and its encoding must be those of ``csv.reader`` alone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from cablegram.formats.cablescsv import NOT_OURS, SKIPPED, _LineTap, _rows, iter_cables_csv
from cablegram.formats.unreadable import Unreadable
from cablegram.model import Cable, Source


def _split(lines: list[bytes] | list[str], fast: bool) -> list[tuple[object, bytes, bool]]:
    tap = _LineTap(lines)
    out: list[tuple[object, bytes, bool]] = []
    for row in _rows(tap, fast=fast):
        shown = f"error: {row}" if isinstance(row, csv.Error) else row
        out.append((shown, *tap.take()))
    return out


def _lines(blob: bytes) -> list[bytes]:
    return blob.splitlines(keepends=True)


def test_a_usual_row_is_split_without_the_csv_module() -> None:
    row = (b'"1","12/28/1966 18:48","66BUENOSAIRES2481","Embassy Buenos Aires",'
           b'"UNCLASSIFIED","","header line\n","1. He said \\"no\\" and C:\\\\dir.\n'
           b'2. Second \\\n line."\n')
    tap = _LineTap(_lines(row))
    fields = tap.quoted_row(csv.field_size_limit())
    assert fields == ["1", "12/28/1966 18:48", "66BUENOSAIRES2481", "Embassy Buenos Aires",
                      "UNCLASSIFIED", "", "header line\n",
                      '1. He said "no" and C:\\dir.\n2. Second \n line.']
    assert tap.take() == (row, False)
    assert _split(_lines(row), True) == _split(_lines(row), False)


def test_other_shapes_are_given_back_to_the_csv_module() -> None:
    blob = (b'"1","a"\n'
            b'2,unquoted,"x"\n'  # unquoted fields
            b'"3","after"quote,"y"\n'  # text after a closing quote
            b'"4","nul\x00"\n'  # NUL (read as a character since Python 3.11)
            b'\n'  # a blank line
            b'"5","caf\xe9 latin-1"\r\n'  # a Latin-1 line, CRLF
            b'"6","unterminated\n')
    for lines in (_lines(blob), [line.decode("latin-1") for line in _lines(blob)]):
        fast, plain = _split(lines, True), _split(lines, False)
        assert fast == plain
        assert [r[1] for r, _, _ in fast if isinstance(r, list) and len(r) > 1] == [
            "a", "unquoted", "afterquote", "nul\x00", "caf\xe9 latin-1", "unterminated\n"]


def test_a_field_over_the_limit_is_the_csv_modules_error() -> None:
    old = csv.field_size_limit(10)
    try:
        lines = _lines(b'"1","0123456789"\n"2","0123456789A"\n"3","a\nbcdefghijkl"\n"4","x"\n')
        fast = _split(lines, True)
        assert fast == _split(lines, False)
        assert sum(isinstance(r, str) and r.startswith("error:") for r, _, _ in fast) == 2
    finally:
        csv.field_size_limit(old)


_PIECES = st.sampled_from([
    b'"', b'","', b",", b"\\", b'\\"', b"\\\\", b"\n", b"\r\n", b"\r", b"\x00", b"\xe9",
    b"\xc3\xa9", b"text", b" ", b'"\n', b'\n"', b'"1","2"\n',
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.binary(max_size=3)), max_size=25).map(b"".join),
       st.booleans())
def test_any_bytes_split_as_the_csv_module_splits_them(blob: bytes, as_text: bool) -> None:
    lines: list[bytes] | list[str] = _lines(blob)
    if as_text:  # readers of text streams hand over str lines
        lines = [line.decode("utf-8", "surrogateescape") for line in lines]
    assert _split(lines, True) == _split(lines, False)


def _csv_rows(rows: list[list[str]]) -> Iterator[bytes]:
    for row in rows:
        fields = (f.replace("\\", "\\\\").replace('"', '\\"') for f in row)
        yield ('"' + '","'.join(fields) + '"\n').encode()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), min_size=8, max_size=8), max_size=6))
def test_rows_written_in_the_cablegate_style_read_back(rows: list[list[str]]) -> None:
    blob = b"".join(_csv_rows(rows))
    assert _split(_lines(blob), True) == _split(_lines(blob), False)
    # and the reader keeps every row: a record, or an Unreadable naming its row
    assert len(list(iter_cables_csv(_lines(blob)))) <= len(rows)


def _stub(text: str, source: Source) -> Cable:
    return Cable(raw=text, source=source)


def _records(blob: bytes, shard: tuple[int, int] | None) -> list[object]:
    out: list[object] = []
    for r in iter_cables_csv(_lines(blob), parser=_stub, shard=shard):
        if r is NOT_OURS:
            out.append("not ours")
        elif isinstance(r, Unreadable):
            out.append(("unreadable", r.position, r.reason, r.raw))
        else:
            out.append((r.raw, dict(r.source.metadata)))
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.binary(max_size=3)), max_size=25).map(b"".join),
       st.sampled_from([(0, 2), (1, 2), (1, 3)]))
def test_a_shard_reads_its_records_and_only_splits_the_others(blob: bytes,
                                                              shard: tuple[int, int]) -> None:
    # Another worker's rows are split without their fields (quoted_row answers
    # SKIPPED): the records and their numbering stay those of one whole reading.
    k, n = shard
    whole = _records(blob, None)
    part = _records(blob, shard)
    assert len(part) == len(whole)
    for i, (mine, one) in enumerate(zip(part, whole, strict=True)):
        # (a row the csv module cannot split is reported by every worker; the
        # shard reader takes each record from its owner only)
        assert mine == one if i % n == k else mine in ("not ours", one)


def test_another_workers_row_is_only_split() -> None:
    tap = _LineTap(_lines(b'"1","x\\"y\ncaf\xe9"\n"2","z"\n'))  # a Latin-1 line, too
    tap.keep = False
    assert tap.quoted_row(csv.field_size_limit()) is SKIPPED
    tap.keep = True
    assert tap.quoted_row(csv.field_size_limit()) == ["2", "z"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.binary(max_size=3)), max_size=25).map(b"".join),
       st.integers(min_value=1, max_value=7))
def test_a_file_read_in_blocks_splits_as_its_lines(blob: bytes, size: int) -> None:
    # read_paths hands over the file in 64 KB blocks, cut anywhere (here: tiny ones)
    blocks = [blob[i:i + size] for i in range(0, len(blob), size)]
    tap = _LineTap(blocks=blocks)
    fast: list[tuple[object, bytes, bool]] = []
    for row in _rows(tap):
        fast.append((f"error: {row}" if isinstance(row, csv.Error) else row, *tap.take()))
    assert fast == _split(_lines(blob), False)


def test_long_rows_and_lines_across_many_small_blocks() -> None:
    # A row or line that runs past the buffer makes it at least double (linear
    # time whatever the length; appending one block at a time copied and searched
    # everything read so far once per block).
    body = b"x" * 300_000
    row = b'"1","' + body + b'"\n'
    tap = _LineTap(blocks=[row[i:i + 1] for i in range(len(row))])
    assert tap.quoted_row(csv.field_size_limit()) == ["1", body.decode()]
    line = b"unquoted " + body + b"\n"
    tap = _LineTap(blocks=[line[i:i + 1] for i in range(len(line))])
    assert next(tap) == line.decode()
