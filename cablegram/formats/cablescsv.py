"""The ``cables.csv`` distribution of Cablegate (corpus/cables-csv).

No header row; eight columns per row: row number, ``M/D/YYYY H:MM`` (UTC),
reference id, origin, classification, ``|``-joined reference ids, the
transmission header, the text. Quotes inside fields are escaped with a
backslash (``\\"``), not doubled, and fields hold newlines.

The full file is 1.7 GB, so it is streamed: one row is read, decoded, parsed
and yielded before the next is read, and memory stays flat whatever the size.
Each row keeps its columns in ``source.metadata`` and its position as
``row N``; a row that cannot be read becomes an :class:`Unreadable` with the
exact bytes it took, and reading goes on with the next row.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any, Final

from cablegram.errors import FormatError
from cablegram.formats.unreadable import Unreadable
from cablegram.model import Cable, ParseWarning, ReferenceId, Source

FORMAT = "cables-csv"
COLUMNS = ("row", "date", "reference_id", "origin", "classification", "references",
           "header", "text")

# A first line of cables.csv: ``"1","12/28/1966 18:48","66BUENOSAIRES2481",`` (detect.py).
ROW_START_RE = re.compile(rb'^"\d+","\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}","')
# The date column: ``12/28/1966 18:48`` (month/day/year, 24-hour clock, UTC).
DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})$")

# A cable's text can exceed the csv module's default 128 KiB field limit; the
# limit is a guard against runaway quoting, so keep one, but far above any cable.
_FIELD_LIMIT = 64 * 1024 * 1024

Parser = Callable[[str, Source], Cable]


class _LineTap:
    """Feeds decoded lines to the csv reader and keeps the raw bytes of the current row.

    Lines are decoded one by one: UTF-8, else Latin-1 (which cannot fail), so a
    stray Latin-1 byte spoils neither its row nor the rest of the file. CRLF is
    turned into LF as the other readers do (encoding.decode_bytes).

    :meth:`quoted_row` reads a row of the usual shape itself; lines it gives back
    are served again, in order, before the next one is read.
    """

    def __init__(self, lines: Iterable[bytes | str]) -> None:
        self._lines = iter(lines)
        self.raw: list[bytes] = []
        self.latin1 = False
        self._back: list[str] = []  # lines given back, the next to serve last

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._back:
            return self._back.pop()  # its raw bytes are kept already
        line = next(self._lines)
        if isinstance(line, str):
            self.raw.append(line.encode("utf-8", "surrogateescape"))
            text = line
        else:
            self.raw.append(line)
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
                self.latin1 = True
        if text.endswith("\r\n"):
            text = text[:-2] + "\n"
        return text

    def take(self) -> tuple[bytes, bool]:
        raw, latin1 = b"".join(self.raw), self.latin1
        self.raw, self.latin1 = [], False
        return raw, latin1

    def quoted_row(self, limit: int) -> list[str] | None:
        """The next row's fields when the row has the usual shape, as ``csv.reader``
        (backslash escapes, no doubled quotes) would split it; None otherwise.

        The usual shape: every field quoted, a comma or the end of the line right
        after each closing quote, no field over ``limit`` characters. For
        such a row the reader's rules come down to: inside quotes, a backslash
        keeps the character after it (a newline too) and a quote closes the field.
        This reads it with two searches a line where the csv module looks at every
        character (that was a fifth of an ingest's CPU: every reader process splits
        every row of a sharded file). Any other row, and the end of the input,
        give None with every line read given back, for ``csv.reader`` to read as
        it always has; a test compares the two on generated rows.
        """
        lines: list[str] = []
        try:
            line = next(self)
        except StopIteration:
            return None
        lines.append(line)
        if not line.startswith('"'):
            return self._refuse(lines)
        fields: list[str] = []
        parts: list[str] = []
        size = 0
        pos = 1
        while True:
            quote = line.find('"', pos)
            escape = line.find("\\", pos, len(line) if quote < 0 else quote)
            if escape >= 0:  # the character after it, whatever it is
                if escape + 1 == len(line):
                    return self._refuse(lines)  # at the very end of the input
                parts.append(line[pos:escape])
                parts.append(line[escape + 1])
                size += escape + 1 - pos
                pos = escape + 2
                continue
            if quote < 0:  # the field goes on with the next line
                parts.append(line[pos:])
                size += len(line) - pos
                if size > limit:
                    return self._refuse(lines)
                try:
                    line = next(self)
                except StopIteration:
                    return self._refuse(lines)
                lines.append(line)
                pos = 0
                continue
            parts.append(line[pos:quote])
            field = "".join(parts)
            if len(field) > limit:
                return self._refuse(lines)
            fields.append(field)
            parts, size = [], 0
            after = line[quote + 1:quote + 3]
            if after == ',"':
                pos = quote + 3
            elif quote + 1 == len(line) or (after == "\n" and quote + 2 == len(line)):
                return fields  # the row ends with its line
            else:
                return self._refuse(lines)

    def _refuse(self, lines: list[str]) -> list[str] | None:
        """:meth:`quoted_row`'s answer for a row it does not read: the lines it read
        are given back (served again, in order), and None."""
        self._back.extend(reversed(lines))
        return None


def _default_parser(text: str, source: Source) -> Cable:
    from cablegram.formats.telegram import parse_telegram

    return parse_telegram(text, source=source)


def row_text(header: str, text: str) -> str:
    """The telegram text of a row: the header column, a blank line, the text column.

    WikiLeaks printed the same two fields as two blocks; a blank line keeps the
    header's last line (``INFO ...``) apart from the first text line (T1).
    """
    if not header.strip():
        return text
    return header.rstrip("\n") + "\n\n" + text


def parse_date(value: str) -> str | None:
    """``12/28/1966 18:48`` -> ``1966-12-28T18:48:00Z``, or None if it is not a date."""
    m = DATE_RE.match(value.strip())
    if not m:
        return None
    mo, d, y, h, mi = (int(g) for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


# What a sharded reader yields for a record another process reads (``shard``).
NOT_OURS: Final = Unreadable("", "", "a record another worker owns", b"")


def iter_cables_csv(stream: IO[bytes] | IO[str] | Iterable[bytes] | Iterable[str], *,
                    name: str | None = None, strict: bool = False,
                    parser: Parser | None = None,
                    shard: tuple[int, int] | None = None) -> Iterator[Cable | Unreadable]:
    """Yield one :class:`Cable` (or :class:`Unreadable`) per row of a cables.csv stream.

    ``parser`` turns the row's telegram text into a cable; by default the
    telegram reader (formats.telegram.parse_telegram). In ``strict`` mode a bad
    row raises :class:`FormatError` instead of yielding an Unreadable.

    ``shard=(k, n)``: only records numbered k mod n (from 0, bad rows counted)
    are read; every other one is split and yielded as :data:`NOT_OURS`, so that n
    processes each read their part of one file and agree on the numbering
    (archive.shard). Turning a row into a cable is the expensive part.
    """
    src = name or "<cables.csv>"
    parse = parser or _default_parser
    tap = _LineTap(stream)
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    index = 0
    k, n = shard or (0, 1)
    for row in _rows(tap):
        if isinstance(row, csv.Error):
            exc = row
            index += 1
            raw, _ = tap.take()
            bad = Unreadable(src, f"row {index}", f"not a csv row: {exc}", raw)
            if strict:
                raise FormatError(bad.reason, source=f"{src} {bad.position}") from exc
            yield bad
            continue
        raw, latin1 = tap.take()
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line between rows carries nothing
        index += 1
        if n > 1 and (index - 1) % n != k:  # index - 1: the records yielded before
            yield NOT_OURS
            continue
        yield _row_to_cable(row, raw, latin1, src, index, strict, parse)


def _rows(tap: _LineTap, fast: bool = True) -> Iterator[list[str] | csv.Error]:
    """The rows of the lines ``tap`` serves, as ``csv.reader`` splits them (an error
    in place of a row it cannot split); ``fast``: rows of the usual shape are split
    by :meth:`_LineTap.quoted_row`, with the same result."""
    reader = csv.reader(tap, escapechar="\\", doublequote=False, strict=False)
    limit = csv.field_size_limit()
    while True:
        try:
            row = tap.quoted_row(limit) if fast else None
            if row is None:  # another shape, or the end: the csv module reads it
                row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield exc
            continue
        yield row


def _row_to_cable(row: list[str], raw: bytes, latin1: bool, src: str, index: int,
                  strict: bool, parse: Parser) -> Cable | Unreadable:
    position = f"row {index}"
    if len(row) != len(COLUMNS):
        reason = (f"expected {len(COLUMNS)} columns (row number, date, reference id, origin, "
                  f"classification, references, header, text), found {len(row)}")
        if strict:
            raise FormatError(reason, source=f"{src} {position}")
        return Unreadable(src, position, reason, raw)
    meta: dict[str, Any] = dict(zip(COLUMNS, row, strict=True))
    meta["references"] = [r for r in row[5].split("|") if r.strip()]
    meta["position"] = position
    created = parse_date(row[1])
    if created:
        meta["created"] = created
    if latin1:
        meta["encoding"] = "latin-1"
    del meta["header"], meta["text"]  # they are the cable's raw text, kept there
    text = row_text(row[6], row[7])
    if not text.strip():
        reason = "the header and text columns are empty: no telegram to read"
        if strict:
            raise FormatError(reason, source=f"{src} {position}")
        return Unreadable(src, position, reason, raw)
    source = Source(format=FORMAT, path=src, metadata=meta)
    try:
        cable = parse(text, source)
    except FormatError as exc:
        if strict:
            raise
        return Unreadable(src, position, f"the telegram text could not be read: {exc}", raw)
    except Exception as exc:  # a reader bug spoils one row, not the rest of the file
        if strict:
            raise FormatError(f"the telegram reader failed: {exc!r}",
                              source=f"{src} {position}") from exc
        return Unreadable(src, position, f"the telegram reader failed: {exc!r}", raw)
    return _reconcile(cable, source, row[2])


def _reconcile(cable: Cable, source: Source, column_id: str) -> Cable:
    """Keep the row's metadata on the cable, and note an id the text disagrees with."""
    ref = cable.reference_id
    col = ReferenceId.try_parse(column_id) if column_id.strip() else None
    note: ParseWarning | None = None
    if ref is None and col is not None:
        ref = col
        note = ParseWarning("T2", f"reference id {col} taken from the csv column; "
                                  "the text has no message reference number")
    elif ref is not None and col is not None and ref != col:
        note = ParseWarning("T2", f"the csv column says {column_id!r} but the text "
                                  f"gives {ref}")
    if note is None and cable.source is source:
        return cable  # the usual row: nothing to change, and a copy of a Cable costs
    warnings = cable.warnings if note is None else (*cable.warnings, note)
    return dataclasses.replace(cable, reference_id=ref, source=source, warnings=warnings)
