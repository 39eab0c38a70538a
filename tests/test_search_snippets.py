"""Snippet HTML (cablegram/archive/snippets.py): escaping, byte ranges, paragraph choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_search_support import ListStore, make_cable

from cablegram.access.principal import Principal
from cablegram.archive.index import SearchIndex
from cablegram.archive.snippets import _best_paragraph, highlight, lead


@pytest.mark.parametrize(("fragment", "ranges", "html"), [
    ("cluster munitions", [(8, 17)], "cluster <mark>munitions</mark>"),
    ("a <b> & c", [(0, 1)], "<mark>a</mark> &lt;b&gt; &amp; c"),
    # byte offsets: "ü" is two bytes in UTF-8
    ("in Zürich today", [(3, 10)], "in <mark>Zürich</mark> today"),
    ("x y", [(2, 3), (0, 1)], "<mark>x</mark> <mark>y</mark>"),  # unordered ranges
    ("abc", [(0, 2), (1, 3)], "<mark>ab</mark><mark>c</mark>"),  # overlap clipped
    ("abc", [(2, 99)], "ab<mark>c</mark>"),  # past the end clipped
    ('"quoted" \'single\'', [], "&quot;quoted&quot; &#x27;single&#x27;"),
])
def test_highlight(fragment: str, ranges: list[tuple[int, int]], html: str) -> None:
    assert highlight(fragment, ranges) == html


def test_lead_cuts_at_a_word_and_escapes() -> None:
    text = "word " * 100 + "<script>"
    out = lead(text, 30)
    assert out.endswith(" …") and len(out) <= 32
    assert lead("a <b>") == "a &lt;b&gt;"
    assert lead("  spaced\n\nout  ") == "spaced out"


def test_best_paragraph_has_most_terms() -> None:
    paras = ["nothing here", "cluster only", "cluster munitions both"]
    assert _best_paragraph(paras, ("cluster", "munitions")) == "cluster munitions both"
    assert _best_paragraph(paras, ("absent",)) is None


def test_snippet_comes_from_the_matching_paragraph(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", paragraphs=[
        "An opening paragraph about the weather in Oslo. " * 5,
        "The delegation raised cluster munitions at the meeting.",
        "A closing paragraph about the <budget>.",
    ]))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    owner = Principal.archive_owner()
    (hit,) = ix.search('"cluster munitions"', owner).results
    assert hit.snippet == ("The delegation raised <mark>cluster</mark> <mark>munitions</mark> "
                           "at the meeting.")
    (hit,) = ix.search("budget", owner).results
    assert "&lt;<mark>budget</mark>&gt;" in hit.snippet
    # a word whose letters appear in another paragraph first ("the" in "weather")
    (hit,) = ix.search("delegation the", owner).results
    assert "<mark>delegation</mark>" in hit.snippet


def test_long_paragraphs_show_where_they_were_cut(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", paragraphs=[
        "Filler words before. " * 30 + "The key word appears here. " + "Filler after. " * 30]))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    (hit,) = ix.search("key", Principal.archive_owner()).results
    assert hit.snippet.startswith("… ") and hit.snippet.endswith(" …")
    assert "<mark>key</mark>" in hit.snippet


def test_a_match_in_the_subject_only_shows_the_opening(tmp_path: Path) -> None:
    store = ListStore()
    store.add(make_cable("07OSLO525", subject="NORWAY ASKS", paragraphs=[
        "First paragraph, no match.", "Second paragraph."]))
    store.add(make_cable("07OSLO526", subject="ZÜRICH TALKS", paragraphs=[
        "Ein Absatz über Genf.", "Second paragraph."]))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    owner = Principal.archive_owner()
    (hit,) = ix.search("norway", owner).results
    assert hit.snippet == "First paragraph, no match. Second paragraph."
    (hit,) = ix.search("zurich", owner).results  # non-ASCII text: tantivy looks too
    assert hit.snippet == "Ein Absatz über Genf. Second paragraph."
