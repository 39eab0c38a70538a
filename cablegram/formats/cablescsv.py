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
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any, Final, cast

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

    Bytes are read a block of lines at a time into a buffer, from which lines are
    cut for the csv reader, and from which :meth:`quoted_row` splits rows of the
    usual shape itself. Text lines (a text stream) go to the csv reader as they come.
    """

    def __init__(self, lines: Iterable[bytes | str] = (), *,
                 blocks: Iterable[bytes] | None = None) -> None:
        """``lines``, or ``blocks`` of bytes cut anywhere (a file read by size)."""
        self._text: Iterator[str] | None = None  # text lines, when they are text
        self._blocks: Iterator[bytes] | None = None
        if blocks is not None:
            self._blocks = iter(blocks)
        else:
            it = iter(lines)
            first = next(it, None)
            if isinstance(first, str):
                self._text = itertools.chain((first,), cast(Iterator[str], it))
            elif first is not None:
                self._blocks = _blocks(first, cast(Iterator[bytes], it))
        self._buf = b""
        self._pos = 0  # the next unread byte of _buf
        self._eof = self._blocks is None
        self.raw: list[bytes] = []
        self.latin1 = False
        # Whether the next row is wanted whole: a sharded reader only needs to know
        # where another worker's row ends (quoted_row then answers SKIPPED).
        self.keep = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._text is not None:
            line = next(self._text)
            self.raw.append(line.encode("utf-8", "surrogateescape"))
            text = line
        else:
            raw = self._line()
            self.raw.append(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
                self.latin1 = True
        if text.endswith("\r\n"):
            text = text[:-2] + "\n"
        return text

    def _line(self) -> bytes:
        """The next line of the buffer, its newline included; StopIteration at the end."""
        while True:
            nl = self._buf.find(b"\n", self._pos)
            if nl >= 0:
                line = self._buf[self._pos:nl + 1]
                self._pos = nl + 1
                return line
            if not self._more(len(self._buf) - self._pos):
                if self._pos < len(self._buf):  # the last line, without a newline
                    line = self._buf[self._pos:]
                    self._pos = len(self._buf)
                    return line
                raise StopIteration

    def _more(self, unread: int) -> bool:
        """Append at least ``unread`` more bytes (one block at least) to the unread
        part of the buffer; False at the end.

        Callers look again from the start of what they were reading, so the buffer
        at least doubles each time: a line or row of any length costs linear time,
        not a copy and a search of everything read so far per block.
        """
        if self._eof or self._blocks is None:
            return False
        got: list[bytes] = [self._buf[self._pos:]]
        size = 0
        for block in self._blocks:
            got.append(block)
            size += len(block)
            if size >= max(1, unread):
                break
        else:
            self._eof = True
        if not size:
            return False
        self._buf = b"".join(got)
        self._pos = 0
        return True

    def take(self) -> tuple[bytes, bool]:
        raw, latin1 = b"".join(self.raw), self.latin1
        self.raw, self.latin1 = [], False
        return raw, latin1

    def quoted_row(self, limit: int) -> list[str] | None:
        """The next row's fields when the row has the usual shape, as ``csv.reader``
        (backslash escapes, no doubled quotes) would split it; :data:`SKIPPED` for
        such a row when ``keep`` is off; None otherwise, having read nothing.

        The usual shape: every field quoted, a comma or the end of the line right
        after each closing quote, no CR, valid UTF-8, no field over ``limit``
        bytes. For such a row the reader's rules come down to: inside quotes, a
        backslash keeps the character after it (a newline too) and a quote closes
        the field. This finds them with a few byte searches a row, where the csv
        module looks at every character of every decoded line (a fifth of an
        ingest's CPU: each reader process splits every row of a sharded file).
        Any other row is left to ``csv.reader``, which reads it as it always has;
        tests compare the two on generated input.
        """
        if self._text is not None:
            return None
        while True:
            found = self._scan(limit)
            if found is not _MORE:
                return found
            unread = len(self._buf) - self._pos
            if unread > limit:  # a field this long is the csv reader's to refuse
                return None
            if not self._more(unread):  # at the end of the input: once more, knowing it
                found = self._scan(limit)
                return None if found is _MORE else found

    def _scan(self, limit: int) -> list[str] | None:
        """:meth:`quoted_row` over the buffer; _MORE when the row may go on past it."""
        buf, pos = self._buf, self._pos
        if pos >= len(buf):
            return _MORE
        if buf[pos] != 34:  # '"'
            return None
        keep = self.keep
        bounds: list[int] = []  # the pieces of the fields: start, end, start, end...
        count = 0
        start = at = pos + 1
        while True:
            quote = buf.find(b'"', at)
            if quote < 0:
                return _MORE
            escape = buf.find(b"\\", at, quote)
            if escape >= 0:  # the character after it is kept, whatever it is
                bounds.append(start)
                bounds.append(escape)
                start, at = escape + 1, escape + 2
                continue
            bounds.append(start)
            bounds.append(quote)
            bounds.append(-1)  # the field ends here
            count += 1
            if quote + 2 >= len(buf) and not self._eof:
                return _MORE  # what follows the quote is not read yet
            nxt = buf[quote + 1:quote + 3]
            if nxt == b',"':
                start = at = quote + 3
            elif nxt[:1] == b"\n":
                end = quote + 2
                break
            elif not nxt:  # the input ends with the row
                end = quote + 1
                break
            else:
                return None
        if not keep:
            # Only where the row ends matters, which CR does not change (CRLF after
            # a closing quote went to the csv reader above). A row of one field may
            # be blank (not a record): only the csv reader says.
            if count < 2 or _longest(bounds) > limit:
                return None
            self._pos = end
            return SKIPPED
        row = buf[pos:end]
        if b"\r" in row:
            return None  # CRLF and CR: the csv reader's line rules
        if not row.isascii():
            try:
                row.decode("utf-8")
            except UnicodeDecodeError:
                return None  # a Latin-1 line: decoded line by line
        fields: list[str] = []
        parts: list[bytes] = []
        i = 0
        while i < len(bounds):
            b = bounds[i]
            if b < 0:  # a field is complete
                field = b"".join(parts)
                if len(field) > limit:
                    return None  # bytes at least as many as characters: the csv reader says
                fields.append(field.decode("utf-8"))
                parts = []
                i += 1
                continue
            parts.append(buf[b:bounds[i + 1]])
            i += 2
        self._pos = end
        self.raw.append(row)
        return fields


def _blocks(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    """The lines as blocks of _BLOCK_LINES: C-level joins, no Python code per line."""
    yield first
    while True:
        lines = list(itertools.islice(rest, _BLOCK_LINES))
        if not lines:
            return
        yield b"".join(lines)


def _longest(bounds: list[int]) -> int:
    """The longest field in bytes, from :meth:`_LineTap._scan`'s bounds."""
    longest = size = i = 0
    while i < len(bounds):
        if bounds[i] < 0:
            longest, size = max(longest, size), 0
            i += 1
        else:
            size += bounds[i + 1] - bounds[i]
            i += 2
    return longest


# What quoted_row answers for a row another worker reads (``_LineTap.keep`` off).
SKIPPED: Final[list[str]] = ["", ""]
_MORE: Final[list[str]] = []  # _scan's answer when the buffer ends inside the row
_BLOCK_LINES = 512  # lines read into the buffer at a time (memory: a few blocks)


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


def iter_cables_csv(stream: IO[bytes] | IO[str] | Iterable[bytes] | Iterable[str] = (), *,
                    name: str | None = None, strict: bool = False,
                    parser: Parser | None = None,
                    shard: tuple[int, int] | None = None,
                    blocks: Iterable[bytes] | None = None) -> Iterator[Cable | Unreadable]:
    """Yield one :class:`Cable` (or :class:`Unreadable`) per row of a cables.csv stream.

    ``parser`` turns the row's telegram text into a cable; by default the
    telegram reader (formats.telegram.parse_telegram). In ``strict`` mode a bad
    row raises :class:`FormatError` instead of yielding an Unreadable.

    ``shard=(k, n)``: only records numbered k mod n (from 0, bad rows counted)
    are read; every other one is split and yielded as :data:`NOT_OURS`, so that n
    processes each read their part of one file and agree on the numbering
    (archive.shard). Turning a row into a cable is the expensive part.

    ``blocks``: the bytes in pieces of any size instead of ``stream`` (a file read
    64 KB at a time: no Python code runs for each line).
    """
    src = name or "<cables.csv>"
    parse = parser or _default_parser
    tap = _LineTap(stream, blocks=blocks)
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    index = 0
    k, n = shard or (0, 1)
    rows = _rows(tap)
    while True:
        # A row of another worker is split only to find where it ends (NOT_OURS below).
        tap.keep = n == 1 or index % n == k
        row = next(rows, None)
        if row is None:
            break
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
