"""Readers and writers of every published form of a cable.

The entry points:

* :func:`detect` names the format of some bytes, by their content;
* :func:`read_bytes` reads bytes in any format and yields a :class:`Cable`
  per cable found, or an :class:`Unreadable` saying why something is not one;
* :func:`read_paths` does the same over files, directories (recursive, in
  sorted order), ``-`` for stdin, and ``.gz``/``.zip``/``.tar`` containers.

Nothing read is silently dropped: every input ends as a cable or as an
Unreadable carrying its bytes, its place and the reason. In ``strict`` mode the
first problem raises :class:`cablegram.errors.FormatError` instead.

One module per format: ``telegram`` (the text itself, the codec every other
reader calls), ``wikileaks`` (Cablegate HTML), ``plusd`` (PlusD HTML of the
1970s), ``plusd_markdown``, ``cablescsv``, ``cfpf`` (NARA bodies with entity
markup) and ``jsonform`` (our own JSON form); ``markdown`` and ``htmlfrag``
write cables for people. The codec functions are re-exported here lazily.
"""

from __future__ import annotations

import functools
import importlib
import io
import itertools
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cablegram.errors import FormatError
from cablegram.formats.cablescsv import iter_cables_csv
from cablegram.formats.cfpf import parse_cfpf
from cablegram.formats.containers import (
    Member,
    container_kind,
    iter_members,
    iter_members_bytes,
    sniff_container,
)
from cablegram.formats.detect import detect, looks_like_telegram, telegram_marks
from cablegram.formats.encoding import decode_bytes
from cablegram.formats.jsonlines import first_line_is_json, iter_json, iter_json_lines
from cablegram.formats.plusd import parse_plusd_html
from cablegram.formats.unreadable import Unreadable
from cablegram.model import Cable, Source

FORMATS: tuple[str, ...] = (
    "telegram", "wikileaks-html", "plusd-html", "plusd-markdown", "cables-csv", "cfpf", "json",
)

Record = Cable | Unreadable

# Bytes read before choosing a format when reading a file or stdin; a cables.csv
# is then streamed from there, anything else is read whole.
_HEAD = 64 * 1024

# Functions of the codec and JSON modules, exported lazily so that this package
# imports even while one of those modules is missing or broken.
_LAZY = {
    "parse_telegram": "cablegram.formats.telegram",
    "render_telegram": "cablegram.formats.telegram",
    "decode_bytes": "cablegram.formats.encoding",
    "parse_wikileaks_html": "cablegram.formats.wikileaks",
    "parse_plusd_markdown": "cablegram.formats.plusd_markdown",
    "to_json": "cablegram.formats.jsonform",
    "from_json": "cablegram.formats.jsonform",
    "record_view": "cablegram.formats.jsonform",
    "render_markdown": "cablegram.formats.markdown",
    "render_html_fragment": "cablegram.formats.htmlfrag",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cablegram.formats' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "FORMATS", "Record", "Unreadable", "detect", "iter_cables_csv", "iter_members",
    "looks_like_telegram", "parse_cfpf", "parse_plusd_html", "read_bytes", "read_paths",
    "telegram_marks", *_LAZY,
]


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8, else Latin-1; BOM dropped; CRLF to LF (formats.encoding)."""
    return decode_bytes(data)


def _telegram_parser(strict: bool) -> Callable[[str, Source], Cable]:
    def parse(text: str, source: Source) -> Cable:
        from cablegram.formats.telegram import parse_telegram

        return parse_telegram(text, source=source, strict=strict)

    return parse


def _not_a_telegram(src: str, position: str, raw: bytes) -> Unreadable:
    return Unreadable(src, position, "no text that looks like a telegram: fewer than two of "
                      "its marks (VZCZC, DE, DTG, FM, TO, classification line, E.O., TAGS, "
                      "SUBJECT, numbered paragraph; rules H1-H10, T1-T9)", raw)


def _read_one(data: bytes, fmt: str, src: str, path: str | None, strict: bool) -> Record:
    """Read a file holding one cable in ``fmt``."""
    whole = "whole file"
    if fmt == "telegram":
        text = decode(data)
        if not looks_like_telegram(text):
            return _not_a_telegram(src, whole, data)
        return _telegram_parser(strict)(text, Source(format="telegram", path=path))
    if fmt == "wikileaks-html":
        from cablegram.formats.wikileaks import parse_wikileaks_html

        return parse_wikileaks_html(data, path=path, strict=strict)
    if fmt == "plusd-html":
        return parse_plusd_html(data, path=path, parser=_telegram_parser(strict))
    if fmt == "plusd-markdown":
        from cablegram.formats.plusd_markdown import parse_plusd_markdown

        text = decode(data)
        if not looks_like_telegram(text):  # e.g. a README quoting the markup
            return _not_a_telegram(src, whole, data)
        return parse_plusd_markdown(text, path=path)
    if fmt == "cfpf":
        return parse_cfpf(decode(data), path=path, parser=_telegram_parser(False),
                          strict_parser=_telegram_parser(True) if strict else None)
    raise FormatError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", source=src)


def read_bytes(data: bytes, *, name: str | None = None, format: str | None = None,
               strict: bool = False) -> Iterator[Record]:
    """Read ``data`` (one file's bytes) and yield each cable, or an Unreadable.

    ``format`` forces a format (one of :data:`FORMATS`); by default it is
    detected from the content, with ``name`` as a tie-breaker. In default mode
    this never raises on bad input; with ``strict`` it raises FormatError.
    """
    src = name or "<bytes>"
    if sniff_container(data[:512]):  # a zip, tar or gzip in memory (e.g. from stdin)
        yield from _read_container(iter_members_bytes(data, src), src, format, strict, data)
        return
    fmt = format or detect(data, name)
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}", source=src)
    if fmt == "cables-csv":
        yield from _guard(iter_cables_csv(blocks=(data,), name=src, strict=strict,
                                          parser=_telegram_parser(strict)), src, data, strict)
        return
    if fmt == "json":
        yield from _guard(iter_json(data, src, strict), src, data, strict)
        return
    try:
        record = _read_one(data, fmt, src, name, strict)
    except Exception as exc:  # any reader failure becomes a record, unless strict
        if strict:
            raise _as_format_error(exc, src) from exc
        yield Unreadable(src, "whole file", _reason(exc, fmt), data)
        return
    if (isinstance(record, Cable) and record.reference_id is None
            and not looks_like_telegram(record.raw)):
        # A page or file of the right shape with no cable in it (an HTML page
        # without <pre> blocks, stray markup): say so rather than store an empty record.
        record = _not_a_telegram(src, "whole file", data)
    if strict and isinstance(record, Unreadable):
        raise FormatError(record.reason, source=src)
    yield record


def _guard(records: Iterator[Record], src: str, data: bytes, strict: bool) -> Iterator[Record]:
    """Turn an unexpected failure half-way through a multi-record file into an Unreadable."""
    count = 0
    try:
        for r in records:
            count += 1
            yield r
    except Exception as exc:
        if strict:
            raise _as_format_error(exc, src) from exc
        yield Unreadable(src, f"after record {count}", _reason(exc, "read"),
                         data if count == 0 else b"")


def _reason(exc: Exception, fmt: str) -> str:
    if isinstance(exc, FormatError):
        return str(exc)
    return f"the {fmt} reader failed: {type(exc).__name__}: {exc}"


def _as_format_error(exc: Exception, src: str) -> FormatError:
    if isinstance(exc, FormatError):
        return exc
    return FormatError(f"could not be read: {type(exc).__name__}: {exc}", source=src)


def _read_stream(stream: IO[bytes], src: str, format: str | None,
                 strict: bool, shard: tuple[int, int] | None = None) -> Iterator[Record]:
    """Read an open binary stream; cables.csv and JSON lines are streamed, the rest read whole."""
    head = stream.read(_HEAD)
    if len(head) == _HEAD:
        head += stream.readline()  # end the head on a line boundary for the csv reader
    if sniff_container(head):
        yield from read_bytes(head + stream.read(), name=src, format=format, strict=strict)
        return
    fmt = format or detect(head, src)
    if fmt == "cables-csv":
        blocks = itertools.chain((head,), iter(functools.partial(stream.read, 1 << 16), b""))
        yield from _guard(iter_cables_csv(blocks=blocks, name=src, strict=strict, shard=shard,
                                          parser=_telegram_parser(strict)), src, b"", strict)
        return
    if fmt == "json" and first_line_is_json(head):  # JSON lines: one line at a time
        json_lines: Iterable[bytes] = itertools.chain(io.BytesIO(head), stream)
        yield from _guard(iter_json_lines(json_lines, src, strict), src, b"", strict)
        return
    data = head + stream.read()
    yield from read_bytes(data, name=src, format=fmt, strict=strict)


def _read_file(path: str, format: str | None, strict: bool,
               shard: tuple[int, int] | None = None) -> Iterator[Record]:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(512)
    except OSError as exc:
        if strict:
            raise FormatError(f"cannot open: {exc.strerror or exc}", source=path) from exc
        yield Unreadable(path, "whole file", f"cannot open: {exc.strerror or exc}", b"")
        return
    if container_kind(path) or sniff_container(magic):
        yield from _read_container(iter_members(path), path, format, strict)
        return
    with open(path, "rb") as fh:
        yield from _read_stream(fh, path, format, strict, shard)


def _read_container(members: Iterator[Member], label: str, format: str | None,
                    strict: bool, raw: bytes = b"") -> Iterator[Record]:
    """Each member of a container; a damaged container or member becomes an Unreadable.

    ``raw`` is the container's bytes when it was read into memory (stdin); for a
    file on disk the file itself keeps them.
    """
    while True:
        try:
            name, member = next(members)
        except StopIteration:
            return
        except Exception as exc:  # a damaged archive: report it, keep what was read
            if strict:
                raise FormatError(f"damaged container: {exc}", source=label) from exc
            yield Unreadable(label, "container", f"damaged container: {exc}", raw)
            return
        try:
            if isinstance(member, bytes):
                yield from read_bytes(member, name=name, format=format, strict=strict)
            else:
                yield from _read_stream(member, name, format, strict)
        except (OSError, EOFError, zlib.error) as exc:  # e.g. a truncated .gz member
            if strict:
                raise FormatError(f"damaged member: {exc}", source=name) from exc
            yield Unreadable(name, "member", f"damaged member: {exc}", b"")


def _walk(directory: str) -> list[str]:
    """Files under ``directory``, recursively, sorted by path; dot-files and -folders skipped."""
    found: list[tuple[tuple[str, ...], str]] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            if not f.startswith("."):
                full = os.path.join(root, f)
                found.append((Path(os.path.relpath(full, directory)).parts, full))
    return [full for _, full in sorted(found)]


def read_paths(paths: Iterable[str], *, format: str | None = None, strict: bool = False,
               stdin: IO[bytes] | None = None,
               shard: tuple[int, int] | None = None) -> Iterator[Record]:
    """Read files, directories (recursive, sorted), ``-`` (stdin) and containers.

    ``shard=(k, n)``: of a plain cables.csv file, read only the records numbered
    k mod n; the others are yielded as ``cablescsv.NOT_OURS`` (archive.shard).
    """
    if format is not None and format not in FORMATS:
        raise FormatError(f"unknown format {format!r}; known: {', '.join(FORMATS)}")
    for p in paths:
        if p == "-":
            yield from _read_stream(stdin or sys.stdin.buffer, "-", format, strict)
        elif os.path.isdir(p):
            for f in _walk(p):
                yield from _read_file(f, format, strict)
        elif os.path.exists(p):
            yield from _read_file(p, format, strict, shard)
        else:
            reason = "no such file or directory"
            if strict:
                raise FormatError(reason, source=p)
            yield Unreadable(p, "whole file", reason, b"")


def read_path(path: str | Path, **kwargs: Any) -> list[Record]:
    """All records of one path, as a list (a convenience for tests and scripts)."""
    return list(read_paths([str(path)], **kwargs))
