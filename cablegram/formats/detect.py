"""Which format a file is in, chosen by its content (issue 2).

Each format has a few marks that no other format shows; the first format whose
marks are found wins, in an order from the most specific to the least. The
file name only breaks ties: when the content looks like nothing in particular,
a ``.csv``, ``.json``, ``.md`` or ``.html`` name decides, and otherwise plain
telegram text is assumed (the reader then says whether it is one).
"""

from __future__ import annotations

import re

from cablegram.formats.cablescsv import ROW_START_RE
from cablegram.formats.cfpf import looks_like_cfpf

# Only the head of a file is sniffed; every mark below sits near the top.
SNIFF_BYTES = 256 * 1024

# An HTML page: a doctype, an <html>, <head> or <body> tag (not a mere mention of <pre>).
HTML_RE = re.compile(rb"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
# PlusD pages: the synopsis table and the "Raw content" pane (formats.plusd).
PLUSD_RE = re.compile(rb'id="synopsis"|pane-header">Raw content|class="s_key"')
# Cablegate pages: the two <code><pre> blocks, /tag/ links or ¶ anchors (wikileaks.py).
CABLEGATE_RE = re.compile(rb"<code><pre>|href=['\"]/tag/|id=['\"]par\d+['\"]|/cable/\d{4}/")
# The PlusD page rendered as Markdown (seed/07OSLO525.md): ``**¶11.**`` and ``[TAG](#)``.
PLUSD_MARKDOWN_RE = re.compile(r"\*\*¶\s*\d+\.?\*\*|\[[A-Z]{2,6}\]\(#\)")
# A JSON record of the archive (jsonform): an object that opens with a quoted key.
JSON_RE = re.compile(rb'^\s*\{\s*"')

# Marks of telegram text (H1, H10, T1, T4-T6): any two make a telegram.
TELEGRAM_MARKS = {
    "transmission id (H2)": re.compile(r"^VZCZC[A-Z]{3}\d{4}", re.MULTILINE),
    "DE line (H4)": re.compile(r"^DE [RQ][A-Z]{3,6} #\d+", re.MULTILINE),
    "DTG line (H6)": re.compile(r"^(?:[ZOPR] ){0,2}[ZOPR]? ?\d{6} ?Z [A-Z]{3} \d{2}", re.MULTILINE),
    "FM line (H8)": re.compile(r"^FM [A-Z]", re.MULTILINE),
    "TO line (H8)": re.compile(r"^TO [A-Z]", re.MULTILINE),
    "classification line (T1)": re.compile(
        r"^(?:UNCLAS|C O N F I D E N T I A L|S E C R E T|T O P S E C R E T|"
        r"LIMITED OFFICIAL USE|UNCLASSIFIED|CONFIDENTIAL|SECRET)\b", re.MULTILINE),
    "E.O. line (T4)": re.compile(r"^E\. ?O\. ?\d{5}", re.MULTILINE),
    "TAGS line (T5)": re.compile(r"^TAGS:", re.MULTILINE),
    "SUBJECT line (T6)": re.compile(r"^SUBJ(?:ECT)?:", re.MULTILINE),
    "numbered paragraph (T9)": re.compile(r"^¶?\s*1\.\s+(?:\([A-Z/]+\)\s*)?[A-Z]", re.MULTILINE),
    "PAGE line (H10)": re.compile(r"^PAGE 01\b", re.MULTILINE),
}

# Names decide only where content cannot: a cables.csv row and a JSON record
# are recognised by content, so only HTML pages without their marks are left.
NAME_HINTS = (
    (".json", "json"),
    (".jsonl", "json"),
)


def telegram_marks(text: str) -> list[str]:
    """The names of the telegram marks found in ``text`` (see TELEGRAM_MARKS)."""
    head = text[:SNIFF_BYTES]
    return [name for name, rx in TELEGRAM_MARKS.items() if rx.search(head)]


def looks_like_telegram(text: str) -> bool:
    """At least two marks of a telegram (H1-H10, T1-T9): enough to be worth parsing."""
    return len(telegram_marks(text)) >= 2


def _html_kind(head: bytes, name: str) -> str:
    if PLUSD_RE.search(head):
        return "plusd-html"
    if CABLEGATE_RE.search(head):
        return "wikileaks-html"
    return "plusd-html" if "plusd" in name else "wikileaks-html"


def detect(data: bytes, name: str | None = None) -> str:
    """The format name (one of ``cablegram.formats.FORMATS``) of ``data``.

    Chosen by content; ``name`` only decides between formats the content does
    not tell apart. Never raises: unknown content is called ``telegram``.
    """
    head = data[:SNIFF_BYTES]
    low_name = (name or "").lower()
    if JSON_RE.match(head):
        return "json"
    if ROW_START_RE.match(head.lstrip(b"\xef\xbb\xbf")):
        return "cables-csv"
    if HTML_RE.search(head[:65536]):
        return _html_kind(head, low_name)
    text = head.decode("utf-8", "replace")
    if looks_like_cfpf(text):
        return "cfpf"
    if PLUSD_MARKDOWN_RE.search(text):
        return "plusd-markdown"
    if looks_like_telegram(text):
        return "telegram"
    for suffix, fmt in NAME_HINTS:
        if low_name.endswith(suffix):
            return fmt
    if low_name.endswith((".html", ".htm")):
        return _html_kind(head, low_name)
    return "telegram"
