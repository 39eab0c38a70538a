"""Highlighted snippets of a hit's text: HTML-escaped, matches wrapped in ``<mark>``.

Cable text is untrusted: every character of it is escaped here, and the only
markup in a snippet is the ``<mark>`` we add. tantivy's ``Snippet.to_html``
would wrap matches in ``<b>``; we build the HTML ourselves from the fragment
and its highlighted ranges (UTF-8 byte offsets) instead.
"""

from __future__ import annotations

from html import escape

import tantivy

SNIPPET_CHARS = 240


def highlight(fragment: str, ranges: list[tuple[int, int]]) -> str:
    """``fragment`` escaped, with the byte ranges ``ranges`` wrapped in ``<mark>``."""
    data = fragment.encode("utf-8")
    out: list[str] = []
    at = 0
    for start, end in sorted(ranges):
        start, end = max(start, at), min(end, len(data))
        if start >= end:
            continue
        out.append(escape(data[at:start].decode("utf-8", "replace")))
        out.append("<mark>" + escape(data[start:end].decode("utf-8", "replace")) + "</mark>")
        at = end
    out.append(escape(data[at:].decode("utf-8", "replace")))
    return "".join(out)


def lead(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The opening of ``text``, escaped, cut at a word boundary (no match to show)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return escape(text)
    cut = text.rfind(" ", 0, limit)
    return escape(text[: cut if cut > limit // 2 else limit]) + " …"


def snippet(generator: tantivy.SnippetGenerator | None, doc: tantivy.Document,
            field: str) -> str:
    """The best fragment of ``doc``'s ``field`` for the query, or its opening."""
    if generator is not None:
        s = generator.snippet_from_doc(doc)
        ranges = [(r.start, r.end) for r in s.highlighted()]
        if ranges and s.fragment():
            return highlight(s.fragment(), ranges)
    values = doc.get_all(field)
    return lead(" ".join(str(v) for v in values))
