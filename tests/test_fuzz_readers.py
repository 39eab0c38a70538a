"""Property: in default mode no reader raises, whatever the bytes (issue 2).

Every input ends as cables or Unreadable records; an Unreadable always says
where and why. Checked for arbitrary bytes and for bytes that look a little
like each format, forced to every format name and sniffed.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cablegram.formats import FORMATS, Unreadable, read_bytes
from cablegram.formats.cfpf import strip_mentions
from cablegram.formats.htmlfrag import render_html_fragment
from cablegram.formats.markdown import render_markdown
from cablegram.model import Cable

pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")

# Pieces of each format, so that generated inputs reach past the sniffer.
FRAGMENTS = [
    b"VZCZCXYZ0000\n", b"OO RUEHWEB\n", b"DE RUEHNY #0525/01 1381433\n", b"ZNY CCCCC ZZH\n",
    b"O 181433Z MAY 07\n", b"FM AMEMBASSY OSLO\n", b"TO RUEHC/SECSTATE WASHDC IMMEDIATE 5689\n",
    b"C O N F I D E N T I A L OSLO 000525\n", b"E.O. 12958: DECL: 05/16/2016\n",
    b"TAGS: PREL NO\n", b"SUBJECT: X\n", b"REF: A. STATE 1 B. 06 PARIS 2\n", b"1. (C) TEXT.\n",
    b"\xb6", b"\r\n", b"\n\n", b"DOE\n", b"\x00", b"\xff\xfe", b"\xe2\x80\xae",
    b'"1","1/1/2009 12:00","09X1","o","UNCLASSIFIED","a|b","h","t"\n', b'\\"', b'"', b",",
    b"<html><body>", b'<table id="synopsis">', b'<div class="pane-header">Raw content</div>',
    b'<div class="text-content">', b"<code><pre>", b"</pre></code>", b"&#x000A;", b"&quot;",
    b"@@@\n", b"[[", b"]]", b"|| 3]]", b"1. JOHN DOE  PER.IND\n",
    b"*** Current Classification *** SECRET\n", b"**\xc2\xb611.**", b"[PREL](#)",
    b'{"raw": "x", "reference_id": 5}', b"{", b"}", b"PK\x03\x04", b"\x1f\x8b",
]

inputs = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=20)), max_size=40)
    .map(b"".join),
)

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def check(records: list[Cable | Unreadable]) -> None:
    for r in records:
        assert isinstance(r, Cable | Unreadable)
        if isinstance(r, Unreadable):
            assert r.source and r.position and r.reason


@FUZZ
@given(data=inputs, fmt=st.sampled_from([None, *FORMATS]))
def test_read_bytes_never_raises(data: bytes, fmt: str | None) -> None:
    check(list(read_bytes(data, name="fuzz.bin", format=fmt)))


@FUZZ
@given(data=inputs)
def test_every_format_on_the_same_bytes(data: bytes) -> None:
    for fmt in FORMATS:
        records = list(read_bytes(data, name="fuzz.bin", format=fmt))
        check(records)
        if fmt != "cables-csv" and fmt != "json":
            assert len(records) == 1  # one file, one record: a cable or an Unreadable


@FUZZ
@given(text=st.text(max_size=500))
def test_writers_never_raise_and_escape(text: str) -> None:
    from cablegram.model import Paragraph

    cable = Cable(raw=text, subject=text, paragraphs=(Paragraph(1, "C", text),),
                  signature=(text,))
    md = render_markdown(cable)
    frag = render_html_fragment(cable)
    assert "\u202e" not in md and "\u202e" not in frag
    # every '<' in the fragment opens a tag the writer makes: text cannot add markup
    tags = re.findall(r"<(/?[a-z0-9]*)", frag)
    allowed = {"article", "header", "h1", "span", "dl", "dt", "dd", "bdi", "section", "p",
               "footer", "pre", "aside", "ul", "li"}
    assert {t.lstrip("/") for t in tags} <= allowed, tags


@FUZZ
@given(text=st.text(alphabet="[]| 0123456789AB\n", max_size=200))
def test_strip_mentions_keeps_offsets(text: str) -> None:
    s = strip_mentions(text)
    for m in s.mentions:
        assert 0 <= m["start"] <= m["end"] <= len(s.text)
        assert s.text[m["start"]:m["end"]].strip() == m["text"]
