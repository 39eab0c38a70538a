"""WikiLeaks Cablegate pages (2010 and 2011 releases) to :class:`Cable`.

A page holds a 5-cell table (Reference ID, Created, Released, Classification,
Origin) and two ``<code><pre>`` blocks: the transmission header and the text,
with ``&#x000A;`` newlines, ``/tag/`` links and ``¶`` anchors (A3). Every field
of the record is read from the TEXT by :func:`parse_telegram`; the table is
kept as ``source.metadata`` (its minutes are wrong on the 2010 pages, and its
classification link's ``title`` attribute is not the classification: the
displayed text is kept).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser

from cablegram.errors import FormatError, RuleError
from cablegram.formats.encoding import decode_bytes
from cablegram.formats.telegram import read_telegram
from cablegram.model import Cable, Dtg, ParseWarning, ReferenceId, Source

FORMAT = "wikileaks-html"
_TABLE_KEYS = ("reference_id", "created", "released", "classification", "origin")
_TABLE_START = "<table class='cable'>"
# The table's Created cell: ``2000-11-29 13:01``.
_CREATED_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2})$")


def parse_wikileaks_html(data: bytes, *, path: str | None = None, strict: bool = False
                         ) -> Cable:
    """Read a Cablegate page. Default mode never raises; strict raises RuleError."""
    try:
        html = decode_bytes(data)
        metadata, blocks = _page_parts(html)
    except Exception as exc:
        if strict:
            raise RuleError(f"unreadable Cablegate page: {exc!r}", source=path, rule="H1") from exc
        metadata, blocks = {}, []
    source = Source(format=FORMAT, path=path, metadata=metadata)
    if not blocks:
        if strict:
            raise RuleError("no <code><pre> blocks: not a Cablegate cable page",
                            source=path, rule="H1")
        return Cable(raw="", source=source,
                     warnings=(ParseWarning("H1", "no <code><pre> blocks on the page"),))
    # The header block, a blank line, then the text block: one telegram (H1).
    text = "\n\n".join(blocks)
    try:
        cable = read_telegram(text, source=source, strict=strict,
                              fallback_dtg=_table_dtg(metadata))
        return _table_reference_id(cable, metadata)
    except RuleError:
        raise
    except FormatError as exc:  # pragma: no cover - parse_telegram raises RuleError only
        raise RuleError(str(exc), source=path, rule=exc.rule) from exc


def _page_parts(html: str) -> tuple[dict[str, str], list[str]]:
    """The table's displayed cells and the texts of the ``<code><pre>`` blocks."""
    start = html.find(_TABLE_START)
    if start < 0:
        start = html.find("<code><pre>")
    end = html.rfind("</pre></code>")
    snippet = html[start:end + 13] if start >= 0 and end > start else html
    tree = LexborHTMLParser(snippet)
    metadata: dict[str, str] = {}
    table = tree.css_first("table.cable")
    if table is not None:
        cells = table.css("td")
        for key, cell in zip(_TABLE_KEYS, cells, strict=False):
            metadata[key] = " ".join(cell.text().split())
    blocks = [pre.text(deep=True) for pre in tree.css("code > pre")]
    if not blocks:
        blocks = [pre.text(deep=True) for pre in tree.css("pre")]
    return metadata, blocks


def _table_reference_id(cable: Cable, metadata: dict[str, str]) -> Cable:
    """The table's Reference ID for pages whose text has no message reference
    number (partial extracts, T2); the text wins whenever it has one."""
    cell = metadata.get("reference_id", "")
    if not cell:
        return cable
    try:
        table_id = ReferenceId.parse(cell)
    except ValueError:
        return cable
    if cable.reference_id is not None:
        if cable.reference_id == table_id:
            return cable
        note = ParseWarning("T2", f"the page's Reference ID says {cell!r} but the text "
                                  f"gives {cable.reference_id}")
        return replace(cable, warnings=(*cable.warnings, note))
    notes = [ParseWarning("T2", f"reference id {table_id} taken from the page's Reference ID; "
                                "the text has no message reference number")]
    origin = cable.origin
    if origin is None:
        origin = table_id.origin
        notes.append(ParseWarning("T2", f"origin {origin} taken from the page's Reference ID"))
    return replace(cable, reference_id=table_id, origin=origin,
                   warnings=(*cable.warnings, *notes))


def _table_dtg(metadata: dict[str, str]) -> Dtg | None:
    """The table's Created time, for pages whose text has no DTG ("partial extract").

    The 2010 pages repeat the hour in the minutes (see the corpus README): only
    the date and hour are trusted there, so the minutes become 00.
    """
    m = _CREATED_RE.match(metadata.get("created", ""))
    if m is None:
        return None
    try:  # strptime is slow (speed, issue 2); the same fields, checked by datetime
        y, mo, d, h, mi = (int(x) for x in m.groups())
        when = datetime(y, mo, d, h, mi, tzinfo=UTC)
    except ValueError:
        return None
    if metadata.get("released", "").startswith("2010-"):
        when = when.replace(minute=0)
    return Dtg(when)
