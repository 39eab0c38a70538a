"""Reading our own JSON form back: one object, or JSON lines, streamed (design).

``cablegram parse --json`` and the archive's export write one JSON object per
line; a file of them can be large, so JSON lines are read one line at a time.
A pretty-printed single object (``archive show --json``) is read whole.

A line that is not a cable in the JSON form (an object with a ``raw`` key that
``jsonform.from_json`` accepts) becomes an :class:`Unreadable` naming the line.
A file in which *no* line is a cable (say, a metadata listing that happens to
be JSON lines) becomes one Unreadable for the whole file rather than thousands.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from cablegram.errors import FormatError
from cablegram.formats.unreadable import Unreadable
from cablegram.model import Cable

# Unreadable lines held back, before the first cable, to be folded into one
# record if no cable follows; past this many they are given out one by one.
_HOLD = 10_000


def _text(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _record(doc: Any, src: str, position: str, raw: bytes) -> Cable | Unreadable:
    from cablegram.formats.jsonform import from_json

    if not isinstance(doc, dict) or "raw" not in doc:
        return Unreadable(src, position, "a JSON value that is not a cable in the JSON form "
                          "(an object with a 'raw' key)", raw)
    try:
        return from_json(doc)
    except FormatError as exc:
        return Unreadable(src, position, exc.message, raw)


def first_line_is_json(head: bytes) -> bool:
    """Whether the first non-blank line of ``head`` is a whole JSON value (JSON lines)."""
    for line in head.splitlines():
        if line.strip():
            try:
                json.loads(_text(line))
            except ValueError:
                return False
            return True
    return False


def iter_json_lines(lines: Iterable[bytes], src: str,
                    strict: bool = False) -> Iterator[Cable | Unreadable]:
    """Yield a Cable or an Unreadable per non-blank line, reading one line at a time."""
    held: list[Unreadable] = []
    seen_cable = overflowed = False
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        position = f"line {n}"
        try:
            rec = _record(json.loads(_text(line)), src, position, line)
        except ValueError as exc:
            rec = Unreadable(src, position, f"not JSON: {exc}", line)
        if isinstance(rec, Unreadable):
            if strict:
                raise FormatError(rec.reason, source=f"{src} {position}", rule="json-form")
            if not seen_cable and not overflowed:
                held.append(rec)
                if len(held) >= _HOLD:
                    overflowed = True
                    yield from held
                    held = []
                continue
            yield rec
            continue
        seen_cable = True
        yield from held
        held = []
        yield rec
    if len(held) > 1 and not seen_cable and not overflowed:
        raw = b"".join(u.raw if u.raw.endswith(b"\n") else u.raw + b"\n" for u in held)
        yield Unreadable(src, "whole file", f"none of its {len(held)} JSON lines is a cable in "
                         f"the JSON form (first: {held[0].reason})", raw)
        return
    yield from held


def iter_json(data: bytes, src: str, strict: bool = False) -> Iterator[Cable | Unreadable]:
    """A whole file's bytes: one JSON document, or else JSON lines."""
    try:
        doc = json.loads(_text(data))
    except ValueError:
        yield from iter_json_lines(data.splitlines(keepends=True), src, strict)
        return
    rec = _record(doc, src, "whole file", data)
    if strict and isinstance(rec, Unreadable):
        raise FormatError(rec.reason, source=src, rule="json-form")
    yield rec
