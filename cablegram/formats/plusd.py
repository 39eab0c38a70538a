"""WikiLeaks PlusD pages of 1973-79 State Department telegrams (corpus/plusd-1970s).

A page holds three things we keep:

* the synopsis table (``table#synopsis``): Date, Canonical ID, Original and
  Current Classification, Handling Restrictions, Character Count, Executive
  Order, Locator, TAGS, Concepts, Enclosure, Type, Office Origin/Action,
  Archive Status, From, Markings, To, and the subject in its title row;
* the "Raw content" pane: the telegram text of the 1970s system (H10: ``PAGE
  01``, ORIGIN/INFO distribution codes, DRAFTED BY/APPROVED BY, E.O. 11652),
  which the telegram reader parses, followed by NARA's ``*** Current ... ***``
  trailer, which is kept as metadata;
* the "Metadata" pane: NARA's full record as ``Key: value`` lines (Capture
  Date, Disposition..., Film Number, Legacy Key, Review History...).

Everything goes into ``source.metadata``; nothing on the page is parsed into
the cable itself except the telegram text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from cablegram.errors import FormatError
from cablegram.formats.cfpf import split_trailer
from cablegram.formats.encoding import decode_bytes
from cablegram.model import Cable, ParseWarning, ReferenceId, Source

FORMAT = "plusd-html"

# A PlusD page: the synopsis table and the pane headers (detect.py).
PLUSD_MARKERS = (b'id="synopsis"', b'pane-header">Raw content', b"/plusd/")
# A NARA metadata line ``Key: value``; keys are words with spaces, no colon.
META_LINE_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]*?):(?:\s(?P<value>.*))?$")
# Canonical ID ``1974ATHENS02959_b``: NARA document number and a dataset suffix.
CANONICAL_RE = re.compile(r"^(?P<year>\d{4})(?P<origin>[A-Z]+)(?P<serial>\d+)(?:_[a-z]\d*)?$")

Parser = Callable[[str, Source], Cable]


def _text(node: Node | None) -> str:
    return node.text(deep=True).strip() if node is not None else ""


def synopsis(tree: HTMLParser) -> dict[str, str]:
    """The synopsis table as ``{key: displayed value}``, the subject under ``Subject``."""
    out: dict[str, str] = {}
    table = tree.css_first("table#synopsis")
    if table is None:
        return out
    first = table.css_first("tr td[colspan]")
    if first is not None and _text(first):
        out["Subject"] = _text(first)
    for key in table.css("div.s_key"):
        name = _text(key).rstrip(":").strip()
        val = key.next
        while val is not None and not (val.tag == "div" and "s_val" in
                                       (val.attributes.get("class") or "")):
            val = val.next
        if name:
            out[name] = " ".join(_text(val).split())
    return out


def pane(tree: HTMLParser, header: str) -> str | None:
    """The text of the pane whose header reads ``header`` ("Raw content", "Metadata")."""
    for h in tree.css("div.pane-header"):
        if _text(h) == header:
            content = h.next
            while content is not None and content.tag != "div":
                content = content.next
            if content is None:
                return None
            inner = content.css_first("div.text-content")
            return (inner or content).text(deep=True)
    return None


def nara_metadata(text: str) -> dict[str, str]:
    """NARA's ``Key: value`` record; indented lines continue the previous value."""
    out: dict[str, str] = {}
    key: str | None = None
    for line in text.splitlines():
        if line.strip() == "---":
            continue
        m = META_LINE_RE.match(line)
        if m and not line.startswith((" ", "\t")):
            key = m.group("key").strip()
            value = (m.group("value") or "").strip()
            out[key] = f"{out[key]}\n{value}" if key in out else value
        elif key is not None and line.strip():
            out[key] = f"{out[key]}\n{line.strip()}".strip()
    return out


def _default_parser(text: str, source: Source) -> Cable:
    from cablegram.formats.telegram import parse_telegram

    return parse_telegram(text, source=source)


def canonical_id(value: str) -> ReferenceId | None:
    """``1974ATHENS02959_b`` -> ``74ATHENS2959``."""
    m = CANONICAL_RE.match(value.strip())
    if not m:
        return None
    return ReferenceId(int(m["year"]) % 100, m["origin"], int(m["serial"]))


def parse_plusd_html(data: bytes | str, *, path: str | None = None,
                     parser: Parser | None = None) -> Cable:
    """Read one PlusD page; raise FormatError when it holds no telegram text."""
    html = decode_bytes(data) if isinstance(data, bytes) else data  # never drops a byte
    tree = HTMLParser(html)
    raw = pane(tree, "Raw content")
    if raw is None or not raw.strip():
        raw = pane(tree, "Content")
    if raw is None or not raw.strip():
        raise FormatError("no 'Raw content' pane with telegram text on this PlusD page",
                          source=path, rule="H10")
    body, trailer = split_trailer(raw.strip("\n"))
    meta: dict[str, Any] = {
        "synopsis": synopsis(tree),
        "nara": nara_metadata(pane(tree, "Metadata") or ""),
        "trailer": trailer,
    }
    syn, nara = meta["synopsis"], meta["nara"]
    for key in ("Original Classification", "Current Classification", "Handling Restrictions",
                "TAGS", "Concepts", "Office", "Locator", "Canonical ID", "Date"):
        if key in syn:
            meta[key.lower().replace(" ", "_")] = syn[key]
        elif key in nara:
            meta[key.lower().replace(" ", "_")] = nara[key]
    source = Source(format=FORMAT, path=path, metadata=meta)
    cable = (parser or _default_parser)(body, source)
    warnings = list(cable.warnings)
    ref = cable.reference_id
    page_id = canonical_id(syn.get("Canonical ID", nara.get("Document Number", "")))
    if ref is None and page_id is not None:
        ref = page_id
        warnings.append(ParseWarning("T2", f"reference id {ref} taken from the page's "
                                           "Canonical ID; the text has none"))
    elif ref is not None and page_id is not None and ref != page_id:
        warnings.append(ParseWarning("T2", f"the page's Canonical ID gives {page_id}, the "
                                           f"text {ref}"))
    return dataclasses.replace(cable, reference_id=ref, source=source, warnings=tuple(warnings))
