"""The Cablegate page read without the HTML parser agrees with the parser.

``wikileaks._plain_page_read`` reads pages of the common shape (the table,
``<code><pre>`` blocks holding only ``<a>`` links and ``&#x000A;`` newlines)
with string operations, for speed; for any other page it returns None and the
HTML parser reads it. Whenever it answers, the answer must be the parser's.
"""

from __future__ import annotations

from conftest import corpus_path
from hypothesis import given, settings
from hypothesis import strategies as st

from cablegram.formats.encoding import decode_bytes
from cablegram.formats.wikileaks import (
    _page_read,
    _parsed_page_parts,
    _plain_page_read,
    _snippet,
    _without_anchors,
    parse_wikileaks_html,
)

_TABLE = (
    "<table class='cable'>\n<tr>\n<th>Reference ID</th>\n<th>Created</th>\n</tr>\n<tr>\n"
    "<td>\n<a href='/cable/2008/03/08PARIS460.html'>08PARIS460</a>\n</td>\n"
    "<td>\n<a href='/date/2008-03_0.html'>2008-03-13 17:05</a>\n</td>\n</tr>\n</table>\n"
)


def _plain_page_parts(snippet: str) -> tuple[dict[str, str], list[str]] | None:
    """The plain reading's cells and blocks, as the parser gives them."""
    plain = _plain_page_read(snippet)
    return None if plain is None else (plain[0], plain[1])


def test_plain_reading_of_a_page_of_the_common_shape() -> None:
    page = (_TABLE + "<code><pre>P 131755Z MAR 08&#x000A;FM AMEMBASSY PARIS</pre></code>\n"
            "<code><pre>TAGS: <a href='/tag/PTER_0.html'>PTER</a>&#x000A;"
            "<a id='par1' href='#par1'>\u00b6</a>1. (C) R&D at &the8 talks</pre></code>")
    plain = _plain_page_parts(_snippet(page))
    assert plain == _parsed_page_parts(_snippet(page))
    assert plain == ({"reference_id": "08PARIS460", "created": "2008-03-13 17:05"},
                     ["P 131755Z MAR 08\nFM AMEMBASSY PARIS",
                      "TAGS: PTER\n\u00b61. (C) R&D at &the8 talks"])


def test_other_markup_goes_to_the_parser() -> None:
    for block in ("&#x000A;leading newline", "\nleading newline", "a<br>b", "&amp; x",
                  "&nothing (legacy entity &not)", "&#65;", "a\x00b", "a\rb", "x <<240168> y"):
        page = _TABLE + f"<code><pre>{block}</pre></code>"
        assert _plain_page_parts(_snippet(page)) is None, block
        # and the page still reads: the parser takes it
        assert _page_read(page)[:2] == _parsed_page_parts(_snippet(page))


def test_every_corpus_page_reads_the_same_without_the_parser() -> None:
    pages = sorted(corpus_path().glob("cablegate-20*/*/*/*.html"))
    plain_count = 0
    for p in pages:
        snippet = _snippet(decode_bytes(p.read_bytes()))
        plain = _plain_page_parts(snippet)
        if plain is not None:
            plain_count += 1
            assert plain == _parsed_page_parts(snippet), p.name
    # The shortcut is worth having only if most pages take it.
    assert plain_count >= 0.9 * len(pages)


_PIECES = st.sampled_from([
    "&#x000A;", "&", "&L ", "&amp", "&not", "&nothing", "&the8", "&#x41;", "&#", "<",
    "<a href='/tag/X_0.html'>", "<a id='par1' href='#par1'>", "</a>", "<br>", "</pre>",
    "<code><pre>", "\n", "\r", " ", "\t", "\x00", "\x0c", "\u00b6", "1. (C) ", "TEXT", ">",
])


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=12)
                       .map("".join), min_size=1, max_size=3))
def test_plain_reading_agrees_with_the_parser(blocks: list[str]) -> None:
    page = _TABLE + "\n".join(f"<code><pre>{b}</pre></code>" for b in blocks)
    snippet = _snippet(page)
    plain = _plain_page_parts(snippet)
    if plain is not None:
        assert plain == _parsed_page_parts(snippet)
    # The whole reader never raises on such a page.
    parse_wikileaks_html(page.encode())


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["<a", "<a\n href='x'>", "</a", "<a >"]),
                          st.text(max_size=4)), max_size=12).map("".join))
def test_anchors_are_removed_as_the_pattern_removes_them(text: str) -> None:
    from cablegram.formats.wikileaks import _ANCHOR_RE

    expected = _ANCHOR_RE.sub("", text)
    assert _without_anchors(text) == (None if "<" in expected else expected)
