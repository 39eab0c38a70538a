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

from cablegram.formats.cablescsv import _LineTap, _rows, iter_cables_csv


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
