"""The parse-speed shortcuts of issue 2 give what the rules' plain readings give."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cablegram.formats.tags import parse_tags, tag_kind
from cablegram.formats.telegram_body import ParaBuilder, take_signature
from cablegram.formats.telegram_header import (
    _H8_PRECEDENCE_BY_WORD,
    _H8_PRECEDENCE_LAST,
    _H8_PRECEDENCE_WORDS,
    read_addressee,
)
from cablegram.model import Addressee, Precedence, Tag


def test_h8_precedence_words_read_as_precedence_parse_reads_them() -> None:
    assert set(_H8_PRECEDENCE_BY_WORD) == set(_H8_PRECEDENCE_WORDS)
    for word, value in _H8_PRECEDENCE_BY_WORD.items():
        assert Precedence.parse(word) is value
    assert {w.split()[-1] for w in _H8_PRECEDENCE_WORDS} == _H8_PRECEDENCE_LAST


def test_h8_addressee_by_position_is_the_addressee_by_keyword() -> None:
    a = read_addressee("RUEHC/SECSTATE  WASHDC NIACT IMMEDIATE 5689")
    assert a == Addressee(name="SECSTATE WASHDC", ri="RUEHC",
                          precedence=Precedence.NIACT_IMMEDIATE, mcn="5689")
    assert read_addressee("RUEHXP/ALL NATO POST COLLECTIVE PRIORITY") == Addressee(
        name="ALL NATO POST COLLECTIVE", ri="RUEHXP", precedence=Precedence.PRIORITY,
        collective=True)
    assert read_addressee("ZEN/AMEMBASSY OSLO") == Addressee(name="AMEMBASSY OSLO", zen=True)


_TAG_ENTRIES = st.sampled_from(["PREL", "prel", "NO", "OVIP (RICE, CONDOLEEZZA)", "KPAO",
                                "NATO", "pgov", "EUN", "XX", "MARR", "Prel"])


@given(st.lists(_TAG_ENTRIES, max_size=8))
def test_t5_tags_typed_once_are_typed_as_each_time(entries: list[str]) -> None:
    # The plain reading: every entry upper-cased, typed, the first of each code kept.
    plain: list[Tag] = []
    for e in entries:
        code = " ".join(e.upper().split())
        if code not in [t.code for t in plain]:
            plain.append(Tag(code, tag_kind(code)))
    text = ", ".join(entries)
    assert parse_tags(text) == tuple(plain)
    assert parse_tags.__wrapped__(text) == tuple(plain)


@given(st.lists(st.sampled_from(["WHITNEY", "Whitehead", "RICE619", "END", "text.",
                                 "said so.    PORTER", "said so.\t \tPORTER", "A  B",
                                 "12", "x 2009", ">----"]), min_size=1, max_size=4))
def test_t11_signature_shortcuts(lines: list[str]) -> None:
    # Lines that cannot match a repair pattern are skipped without trying it; the
    # result must be that of the patterns (compared with the sources' reading).
    from cablegram._native import source_module

    plain = source_module("cablegram.formats.telegram_body")
    fast_p, plain_p = ParaBuilder(None, None, 1), plain.ParaBuilder(None, None, 1)
    for s in lines:
        fast_p.add(s, False)
        plain_p.add(s, False)
    assert take_signature(fast_p) == plain.take_signature(plain_p)
    assert fast_p.chunks == plain_p.chunks


# --- WikiLeaks links cut out by the tags already seen (speed, issue 2) ----------
_PAGE_PIECES = st.sampled_from([
    "text ", "\n", "</a>", "<a id='par1' href='#par1'>", "<a href='/tag/PREL_0.html'>",
    "<a  href='x'>", "<a href='x'\n>", "<br>", "<", ">", "<<240168>", "<a href=\"x\">",
    "<A>", "<a>", "<a x='<'>", "\u00b6", "&",
])


@given(st.lists(_PAGE_PIECES, max_size=12))
def test_a3_links_cut_by_cached_tags_as_by_the_pattern(pieces: list[str]) -> None:
    from cablegram.formats import wikileaks

    text = "".join(pieces)
    left = wikileaks._ANCHOR_RE.sub("", text)
    plain = None if "<" in left else left
    wikileaks._ANCHORS_SEEN.clear()
    assert wikileaks._without_anchors(text) == plain  # every tag new
    assert wikileaks._without_anchors(text) == plain  # every tag seen before


@given(st.lists(st.sampled_from(["08PARIS460", " ", "\n", "<a href='/date/2008-03_0.html'>",
                                 "</a>", "<a id='x'>", "2008-03-13 17:05"]), max_size=8))
def test_table_cells_without_links_as_by_the_pattern(pieces: list[str]) -> None:
    from cablegram.formats import wikileaks

    cell = "".join(pieces)
    m = wikileaks._PLAIN_CELL_RE.fullmatch(f"<td>{cell}</td>")
    assert m is not None  # a cell of the plain shape: text and links only
    assert wikileaks._without_anchors(cell) == wikileaks._ANCHOR_RE.sub("", cell)

_BLOCK_PIECES = st.sampled_from([
    "text", " ", "&#x000A;", "\n", "</a>", "<a id='par1' href='#par1'>", "\u00b6", "R&D",
    "&#x00", "0A;", "&", "<a href='&#x000A;'>", "<a&#x000A;href='x'>", "<br>", "<", ">",
])


@given(st.lists(_BLOCK_PIECES, max_size=12))
def test_a3_block_split_once_as_replaced_then_split(pieces: list[str]) -> None:
    # Cutting the links out before the newlines are put back gives the plain
    # reading's lines, or None (the parser reads the page then).
    from cablegram.formats import wikileaks

    content = "".join(pieces)
    plain = wikileaks._without_anchors(content.replace("&#x000A;", "\n"))
    for _ in range(2):  # the tags new, then seen before
        lines = wikileaks._block_lines(content)
        if lines is not None:
            assert plain is not None and lines == plain.split("\n")


def test_a3_page_lines_are_the_telegram_lines() -> None:
    from conftest import corpus_path

    from cablegram.formats.encoding import decode_bytes
    from cablegram.formats.wikileaks import _page_read, _parsed_page_parts, _snippet

    pages = sorted(corpus_path().glob("cablegate-20*/*/*/*.html"))[:200]
    with_lines = 0
    for p in pages:
        html = decode_bytes(p.read_bytes())
        metadata, blocks, lines = _page_read(html)
        assert (metadata, blocks) == _parsed_page_parts(_snippet(html)), p.name
        if lines is not None:
            with_lines += 1
            assert lines == "\n\n".join(blocks).split("\n"), p.name
    assert with_lines >= len(pages) * 9 // 10

# --- A1 repairs tried only where their pattern can match (speed, issue 2) -------
@given(st.text(alphabet=st.sampled_from(list("aZz ,)(&8.'\n\u00e9-")), max_size=40))
def test_a1_repairs_tried_only_where_they_can_match(text: str) -> None:
    from cablegram.formats import clean

    plain, count = clean._repair_quotes(text) if "&" in text else (text, 0)
    plain, n = clean._A1_APOSTROPHE_RE.subn("'", plain)
    count += n
    plain, n = clean._A1_DASH_RE.subn("--", plain)
    count += n
    assert clean.repair_punctuation(text) == (plain, count)


def test_builders_do_not_share_their_lists() -> None:
    from cablegram.formats.telegram_header import HeaderState

    a, b = ParaBuilder(None, None, 1), ParaBuilder(1, "C", 2)
    a.chunks.append("x")
    assert b.chunks == [] and (b.number, b.marking, b.line) == (1, "C", 2)
    h1, h2 = HeaderState(), HeaderState()
    h1.routing.append("RUEHC")
    h1.addressees.append(("to", "x", 1))
    assert h2.routing == [] and h2.addressees == [] and h2.operating_signals == []
