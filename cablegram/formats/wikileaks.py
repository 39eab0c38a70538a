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

import html.entities
import re
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

from selectolax.lexbor import LexborHTMLParser

from cablegram.errors import FormatError, RuleError
from cablegram.formats.encoding import decode_bytes
from cablegram.formats.telegram import read_telegram
from cablegram.model import Cable, Dtg, ParseWarning, ReferenceId, Source
from cablegram.model.ids import ORIGIN_ALIASES

FORMAT = "wikileaks-html"
_TABLE_KEYS = ("reference_id", "created", "released", "classification", "origin")
_TABLE_START = "<table class='cable'>"
# The table's Created cell: ``2000-11-29 13:01``.
_CREATED_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2})$")


def parse_wikileaks_html(data: bytes, *, path: str | None = None, strict: bool = False
                         ) -> Cable:
    """Read a Cablegate page. Default mode never raises; strict raises RuleError."""
    try:
        metadata, blocks, lines = _page_read(decode_bytes(data))
    except Exception as exc:
        if strict:
            raise RuleError(f"unreadable Cablegate page: {exc!r}", source=path, rule="H1") from exc
        metadata, blocks, lines = {}, [], None
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
        # The table's date only for a text without a DTG (speed: rarely needed).
        cable = read_telegram(text, source=source, strict=strict,
                              fallback_dtg=partial(_table_dtg, metadata), lines=lines)
        return _table_reference_id(cable, metadata)
    except RuleError:
        raise
    except FormatError as exc:  # pragma: no cover - parse_telegram raises RuleError only
        raise RuleError(str(exc), source=path, rule=exc.rule) from exc


def _page_read(html: str) -> tuple[dict[str, str], list[str], list[str] | None]:
    """The table's displayed cells, the texts of the ``<code><pre>`` blocks, and
    their lines joined as in the telegram (``"\\n\\n".join(blocks).split("\\n")``)
    where the plain reading has them, else None: the plain reading splits each
    block at its ``&#x000A;`` once, and the telegram reader need not split the
    text again (speed, issue 2)."""
    snippet = _snippet(html)
    plain = _plain_page_read(snippet)
    if plain is None:
        metadata, blocks = _parsed_page_parts(snippet)
        return metadata, blocks, None
    metadata, blocks, block_lines = plain
    lines = list(block_lines[0]) if block_lines else []
    for more in block_lines[1:]:
        lines.append("")  # the blank line of the "\n\n" between two blocks
        lines.extend(more)
    return metadata, blocks, lines


def _snippet(html: str) -> str:
    """The piece of the page that holds what we read: from the table (or the first
    block) to the end of the last block; the whole page when it has neither."""
    start = html.find(_TABLE_START)
    if start < 0:
        start = html.find("<code><pre>")
    end = html.rfind("</pre></code>")
    return html[start:end + 13] if start >= 0 and end > start else html


def _parsed_page_parts(snippet: str) -> tuple[dict[str, str], list[str]]:
    """:func:`_page_read`'s cells and blocks by the HTML parser: any page."""
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


# --- The common page, read without an HTML parser (speed, issue 2) -----------
# Almost every Cablegate page is the table, then ``<code><pre>`` blocks whose
# only markup is ``<a>`` links and ``&#x000A;`` newlines. For exactly that shape
# the parser's text is the block with the links removed and the newlines put
# back; anything else (``<br>``, entities, a ``<pre>`` opening with a newline,
# CR, NUL) goes to the HTML parser. A test checks both agree.
_ANCHOR = r"<a(?:\s+[a-z]+='[^'<>]*')*\s*>|</a>"
_PLAIN_TABLE_RE = re.compile(
    r"<table class='cable'>\s*+<tr>\s*+(?:<th>[^<>&]*+</th>\s*+)*+</tr>\s*+<tr>\s*+"
    r"((?:<td>(?:[^<>&]++|" + _ANCHOR + r")*+</td>\s*+)*+)</tr>\s*+"
    # 2010 pages may add a row "Appears in these articles:" (ignored: not a cell we keep).
    r"(?:<tr>\s*+<td(?:\s+[a-z]+='[^'<>]*')*>(?:[^<>&]++|<br\s*/?>|" + _ANCHOR
    + r")*+</td>\s*+</tr>\s*+)*+</table>"
)
_PLAIN_CELL_RE = re.compile(r"<td>((?:[^<>&]++|" + _ANCHOR + r")*+)</td>")
_ANCHOR_RE = re.compile(_ANCHOR)
# A ``&`` that may start a character reference; the text holds ``&`` as a
# quote (A1), which is literal unless an entity name starts there.
_AMP_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|[0-9#])")
_ENTITY_NAMES = frozenset(k.rstrip(";") for k in html.entities.html5)
_HTML_SPACE = " \t\n\f"


def _plain_page_read(snippet: str
                     ) -> tuple[dict[str, str], list[str], list[list[str]]] | None:
    """:func:`_page_read` for a page of the common shape, read without an HTML
    parser: the cells, the blocks and the lines of each (``block.split("\\n")``);
    None for any other page."""
    m = _PLAIN_TABLE_RE.match(snippet)
    # An HTML parser turns CR into LF and drops NUL: leave those to one.
    if m is None or "\x00" in snippet or "\r" in snippet:
        return None
    metadata: dict[str, str] = {}
    for key, cell in zip(_TABLE_KEYS, _PLAIN_CELL_RE.finditer(m[1]), strict=False):
        # A cell holds text and links only (the pattern above): _without_anchors
        # gives _ANCHOR_RE.sub("", cell) without a regex pass (speed, issue 2).
        text = _without_anchors(cell[1])
        metadata[key] = " ".join((_ANCHOR_RE.sub("", cell[1]) if text is None
                                  else text).split())
    # After the table: blocks, each ``<code><pre>`` after blanks and ending at
    # ``</pre></code>``, up to the end. Read by position: only each block's
    # content is copied, not the rest of the page piece by piece (speed).
    pos, end = m.end(), len(snippet)
    blocks: list[str] = []
    block_lines: list[list[str]] = []
    while pos < end:
        close = snippet.find("</pre></code>", pos)
        if close < 0:
            return None  # something after the last block
        while snippet[pos] in _HTML_SPACE:  # stops at the ``<`` of close at the latest
            pos += 1
        if not snippet.startswith("<code><pre>", pos, close):
            return None
        content = snippet[pos + 11:close]
        # A newline right after <pre> is dropped by an HTML parser: leave it to one.
        if content[:1] == "\n" or content.startswith("&#x000A;"):
            return None
        lines = _block_lines(content)
        if lines is None:
            return None
        text = "\n".join(lines)
        if "&" in text and not _literal_ampersands(text):
            return None
        blocks.append(text)
        block_lines.append(lines)
        pos = close + 13
    return metadata, blocks, block_lines


def _block_lines(content: str) -> list[str] | None:
    """The lines of a block: ``_without_anchors(content.replace("&#x000A;", "\\n"))``
    split at its newlines, or None where that is None or might differ.

    The links are cut out first and the text split at each ``&#x000A;`` after:
    one search for the newlines, where replacing them and splitting the text
    again took two (speed, issue 2). The order does not matter when no link
    holds a ``&`` (then none holds a ``&#x000A;`` either) and no ``&`` is within
    seven characters before a link (then cutting it out joins no ``&#x000A;``);
    for any other block the answer is None and the HTML parser reads the page.
    """
    cut = _without_anchors(content, ampersands=False)
    if cut is None:
        return None
    lines = cut.split("&#x000A;")
    if "\n" in cut:  # a newline as such in the block (rare)
        lines = "\n".join(lines).split("\n")
    return lines


# The tags :func:`_without_anchors` has matched (bounded: cleared when full).
_ANCHORS_SEEN: set[str] = set()
_ANCHORS_SEEN_MAX = 4096


def _without_anchors(text: str, ampersands: bool = True) -> str | None:
    """``text`` without its ``<a>`` tags, or None if any other ``<`` is in it
    (``ampersands`` off: also where a tag holds a ``&`` or one is within seven
    characters before it, see :func:`_block_lines`).

    ``_ANCHOR_RE.sub("", text)`` and a test for a ``<`` left, in one pass that jumps
    from ``<`` to ``<`` (a page has some forty): the regex engine would test every
    character for the start of a tag (speed, issue 2). Every tag the pattern
    matches holds a single ``<``, its first character.
    """
    i = text.find("<")
    if i < 0:
        return text
    out: list[str] = []
    pos = 0
    known = _ANCHORS_SEEN
    while i >= 0:
        # A tag the pattern matches ends at the first ``>`` after its ``<`` (its
        # attribute values hold no ``<`` or ``>``), so the candidate is that piece,
        # looked up among the tags already matched: a page repeats a few dozen
        # (``</a>``, ``<a id='par1' href='#par1'>``, tag links); the regex only for
        # a new one (speed, issue 2).
        close = text.find(">", i + 1)
        if close < 0:
            return None
        tag = text[i:close + 1]
        if tag not in known:
            if _ANCHOR_RE.fullmatch(tag) is None:
                return None
            if len(known) >= _ANCHORS_SEEN_MAX:
                known.clear()
            known.add(tag)
        if not ampersands and ("&" in tag or text.find("&", max(0, i - 7), i) >= 0):
            return None
        out.append(text[pos:i])
        pos = close + 1
        i = text.find("<", pos)
    out.append(text[pos:])
    return "".join(out)



def _literal_ampersands(text: str) -> bool:
    """Is every ``&`` in ``text`` literal (no entity name or number starts there)?"""
    for m in _AMP_RE.finditer(text):
        word = m[0][1:]
        if word[0] in "#0123456789" or any(
                word[:k] in _ENTITY_NAMES for k in range(1, min(len(word), 32) + 1)):
            return False
    return True


def _table_reference_id(cable: Cable, metadata: dict[str, str]) -> Cable:
    """The table's Reference ID for pages whose text has no message reference
    number (partial extracts, T2); the text wins whenever it has one."""
    cell = metadata.get("reference_id", "")
    if not cell:
        return cable
    rid = cable.reference_id
    if rid is not None and rid.origin and rid.origin not in ORIGIN_ALIASES \
            and cell == str(rid):
        return cable  # the cell reads back as the text's id (speed: not parsed again)
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
