"""The PlusD HTML reader: NARA metadata table, raw 1970s telegram text (H10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_path

from cablegram.errors import FormatError
from cablegram.formats import Unreadable, detect, read_bytes
from cablegram.formats.plusd import canonical_id, nara_metadata, parse_plusd_html
from cablegram.model import Cable, ReferenceId, Source


def bare(text: str, source: Source) -> Cable:
    return Cable(raw=text, source=source)


# An invented page in the PlusD layout (table#synopsis, panes with headers).
PAGE = """<!DOCTYPE html><html><body>
<table id="synopsis">
<tr><td colspan="2">VISIT OF THE &lt;MINISTER&gt;</td></tr>
<tr><td><div class="s_key"><a class="i" title="Date">Date:</a></div>
<div class="s_val" title=" 1975 May 17">1975 May 17, 16:00 (Saturday)</div></td>
<td><div class="s_key"><a class="i">Canonical ID:</a></div>
<div class="s_val">1975ZEMBLA00042_b</div></td></tr>
<tr><td><div class="s_key"><a>Original Classification:</a></div>
<div class="s_val">CONFIDENTIAL</div></td>
<td><div class="s_key"><a>Current Classification:</a></div> <div class="s_val">UNCLASSIFIED</div>
</td></tr>
<tr><td><div class="s_key"><a>TAGS:</a></div><div class="s_val"><a href="#">PREL
<span> - External Political Relations</span></a> <span>|</span> <a>ZZ</a></div></td></tr>
</table>
<div class="pane-tab"><div class="pane-header">Content</div><div class="pane-content">
<div class="text-content">ignored</div></div></div>
<div class="pane-tab"><div class="pane-header">Raw content</div><div class="pane-content">
<div class="text-content">

CONFIDENTIAL

PAGE 01  ZEMBLA 00042  171944Z

R 171600Z MAY 75
FM AMEMBASSY ZEMBLA
TO SECSTATE WASHDC 0042

C O N F I D E N T I A L ZEMBLA 0042

E.O. 11652: GDS
TAGS: PREL, ZZ
SUBJECT: VISIT OF THE &lt;MINISTER&gt; &amp; &quot;FRIENDS&quot;

1. TEXT.
DOE


*** Current Handling Restrictions ***   n/a
***  Current Classification ***   UNCLASSIFIED
</div></div></div>
<div class="pane-tab"><div class="pane-header">Metadata</div><div class="pane-content">
<div class="text-content">---
Capture Date: 01 JAN 1994
Film Number: D750000-0001
Review History: RELEASED &lt;15 MAY 2002 by someone&gt;;
  APPROVED &lt;08 JUN 2005 by other&gt;
TAGS: PREL, ZZ
</div></div></div>
</body></html>"""


def test_invented_page() -> None:
    c = parse_plusd_html(PAGE.encode(), path="p.html", parser=bare)
    assert c.source.format == "plusd-html"
    assert c.raw.startswith("CONFIDENTIAL\n\nPAGE 01  ZEMBLA 00042")
    assert c.raw.endswith("1. TEXT.\nDOE")  # the NARA trailer is split off ...
    meta = c.source.metadata
    assert meta["trailer"] == {"Current Handling Restrictions": "n/a",
                               "Current Classification": "UNCLASSIFIED"}  # ... and kept
    assert 'SUBJECT: VISIT OF THE <MINISTER> & "FRIENDS"' in c.raw  # entities decoded
    syn = meta["synopsis"]
    assert syn["Subject"] == "VISIT OF THE <MINISTER>"
    assert syn["Canonical ID"] == "1975ZEMBLA00042_b"
    assert syn["Original Classification"] == "CONFIDENTIAL"
    assert syn["TAGS"] == "PREL - External Political Relations | ZZ"
    assert meta["original_classification"] == "CONFIDENTIAL"
    assert meta["current_classification"] == "UNCLASSIFIED"
    assert meta["nara"]["Film Number"] == "D750000-0001"
    assert meta["nara"]["Review History"] == (
        "RELEASED <15 MAY 2002 by someone>;\nAPPROVED <08 JUN 2005 by other>")
    assert c.reference_id == ReferenceId(75, "ZEMBLA", 42)  # from the Canonical ID (T2)


def test_page_without_text_is_an_error() -> None:
    page = PAGE.replace("Raw content", "Something").replace(">Content<", ">Other<")
    with pytest.raises(FormatError, match="Raw content"):
        parse_plusd_html(page.encode(), path="p.html", parser=bare)
    [bad] = list(read_bytes(page.encode(), name="p.html"))
    assert isinstance(bad, Unreadable)
    assert bad.source == "p.html" and "Raw content" in bad.reason
    assert bad.raw == page.encode()


def test_nara_metadata_lines() -> None:
    assert nara_metadata("---\nA: 1\nB Key: two words\n  more\nEmpty:\n") == {
        "A": "1", "B Key": "two words\nmore", "Empty": ""}


def test_canonical_id() -> None:
    assert canonical_id("1974ATHENS02959_b") == ReferenceId(74, "ATHENS", 2959)
    assert canonical_id("1976WARSAW05657_b2") == ReferenceId(76, "WARSAW", 5657)
    assert canonical_id("nonsense") is None


def _pages() -> list[Path]:
    return sorted(corpus_path("plusd-1970s").glob("*.html"))


def test_detected() -> None:
    for f in _pages():
        assert detect(f.read_bytes(), f.name) == "plusd-html"
        assert detect(f.read_bytes()) == "plusd-html"  # by content alone


def test_corpus_metadata() -> None:
    for f in _pages():
        c = parse_plusd_html(f.read_bytes(), path=str(f), parser=bare)
        meta = c.source.metadata
        for key in ("Date", "Canonical ID", "Original Classification",
                    "Current Classification", "Handling Restrictions", "Locator", "TAGS",
                    "Concepts", "Type", "Office Origin", "Office Action", "From", "To"):
            assert key in meta["synopsis"], (f.name, key)
        for key in ("Capture Date", "Film Number", "Legacy Key", "Review History",
                    "Disposition Date", "Document Number"):
            assert key in meta["nara"], (f.name, key)
        assert "Current Classification" in meta["trailer"] or f.name.startswith("1974"), f
        # 1970s telegram text (H10)
        assert "PAGE 01" in c.raw and "FM " in c.raw and "TAGS:" in c.raw, f.name
        assert "*** Current" not in c.raw
    athens = parse_plusd_html(
        corpus_path("plusd-1970s", "1974ATHENS02959_b.html").read_bytes(), parser=bare)
    meta = athens.source.metadata
    assert meta["original_classification"] == "LIMITED OFFICIAL USE"
    assert meta["current_classification"] == "UNCLASSIFIED"
    assert meta["concepts"].startswith("CONCENTRATION CAMPS")
    assert meta["nara"]["TAGS"] == "PINS, GR, (KALOUDIS, NICK), (AMBATIELOS, ANTHONY)"
    assert meta["nara"]["Office"] == "ACTION EUR"


def test_corpus_parsed() -> None:
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    expected = {"1973STATE097844_b.html": "73STATE97844",
                "1974ATHENS02959_b.html": "74ATHENS2959",
                "1974ATHENS03099_b.html": "74ATHENS3099"}
    for f in _pages():
        [c] = list(read_bytes(f.read_bytes(), name=str(f)))
        assert isinstance(c, Cable), c
        assert str(c.reference_id) == expected[f.name]
        assert c.source.format == "plusd-html"
        if not f.name.startswith("1973"):  # 1973STATE097844 writes "221828 Z MAY 73"
            assert c.dtg is not None
        assert c.tags and c.subject
        assert c.paragraphs
