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
    text = " ".join(text[: limit * 4].split())  # (a long cable: only its opening matters)
    if len(text) <= limit:
        return escape(text)
    cut = text.rfind(" ", 0, limit)
    return escape(text[: cut if cut > limit // 2 else limit]) + " …"


def _best_paragraph(values: list[str], terms: tuple[str, ...]) -> str | None:
    """The paragraph holding the most distinct query terms (a cheap substring test).

    tantivy builds a snippet by analyzing the whole text it is given; handing it
    the one paragraph that matters instead of a whole cable makes snippets
    several times faster. None when no paragraph shows a term (accents, say):
    then the whole text is used.
    """
    best, best_score = None, 0
    for v in values:
        low = v.lower()
        score = sum(1 for t in terms if t in low)
        if score > best_score:
            best, best_score = v, score
    return best


def _marked(s: tantivy.Snippet, text: str) -> str | None:
    """The snippet as HTML, widened to the whole ``text`` when that is short enough
    (tantivy ends a fragment at its last word, dropping closing punctuation), and
    with an ellipsis where the fragment cuts the text."""
    ranges = [(r.start, r.end) for r in s.highlighted()]
    if not ranges or not s.fragment():
        return None
    fr = s.fragment_range()
    data = text.encode("utf-8")
    if len(text) <= SNIPPET_CHARS:
        return highlight(text, [(a + fr.start, b + fr.start) for a, b in ranges])
    html = highlight(s.fragment(), ranges)
    head = "… " if fr.start > 0 else ""
    tail = " …" if fr.end < len(data.rstrip()) else ""
    return head + html + tail


def snippet(generator: tantivy.SnippetGenerator | None, doc: tantivy.Document,
            field: str, terms: tuple[str, ...] = ()) -> str:
    """The best fragment of ``doc``'s ``field`` for the query, or its opening.

    ``terms`` are the query's analyzed words, used to pick the paragraph to
    look in; without them the whole field is searched for the best fragment.
    """
    values = [str(v) for v in doc.get_all(field)]
    whole = " ".join(values).strip()  # the text tantivy's offsets refer to
    if generator is not None:
        if len(values) > 1 and terms:
            best = _best_paragraph(values, terms)
            if best is not None:
                source = tantivy.Document()
                source.add_text(field, best)
                html = _marked(generator.snippet_from_doc(source), best.strip())
                if html is not None:
                    return html
                # the paragraph had the letters but not the word: look everywhere
            elif all(v.isascii() for v in values):
                # No term in any paragraph, and in ASCII text a term is always a
                # substring of the lower-cased text: the match was in the subject.
                return lead(whole)
        html = _marked(generator.snippet_from_doc(doc), whole)
        if html is not None:
            return html
    return lead(whole)
