"""Portion-aware search (access issue 5, point 4): a reader below a cable's level finds it
through the portions at or below their level, and sees nothing of the others.

Invented cables in a real tantivy index; the generated-corpus check over a real
archive and the audited search path is in ``tests/test_leaks.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
import tantivy
from hypothesis import given, settings
from hypothesis import strategies as st
from test_search_support import ListStore, make_cable

from cablegram.access import redact as access_redact
from cablegram.access.principal import Principal, paragraph_level, portion_caveats, portion_floor
from cablegram.archive.index import SearchIndex
from cablegram.archive.portions import NF_BIT, add_body, marks_of, subject_level
from cablegram.archive.query import F
from cablegram.model import Cable, Level, Paragraph

TODAY = date(2012, 6, 1)
CONF = Principal(name="c", clearance=Level.CONFIDENTIAL)
CONF_NF = Principal(name="cnf", clearance=Level.CONFIDENTIAL, caveats=frozenset({"NOFORN"}))


def mixed(rid: str, *, subject_marking: str | None = None, nf: bool = False) -> Cable:
    """A SECRET cable: 1. (U) open, 2. (C) confidential, 3. (S) secret [, 4. (C//NF)]."""
    c = make_cable(rid, level=Level.SECRET)
    paras = (Paragraph(1, "U", "Harbour opened quietly zebraword."),
             Paragraph(2, "C", "Minister mentioned gannetword privately."),
             Paragraph(3, "S", "Source revealed ospreyword and more."),
             *([Paragraph(4, "C//NF", "Liaison noted puffinword.")] if nf else []))
    return dataclasses.replace(c, paragraphs=paras, subject="Invented kittiwake matters",
                               subject_marking=subject_marking)


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    store = ListStore()
    store.add(mixed("07OSLO100"))
    store.add(mixed("07OSLO101", subject_marking="(U)"))
    store.add(make_cable("07OSLO102", level=Level.SECRET, paragraphs=("All secret ospreyword.",)))
    store.add(make_cable("07OSLO103", paragraphs=("Open zebraword text.",)))
    # A portion marked NF makes the whole cable NOFORN (Cable.caveats; C2): nothing of
    # it reaches a reader without NOFORN; one with NOFORN gets the NF portion too.
    store.add(mixed("07OSLO104", nf=True))
    idx = SearchIndex(tmp_path / "idx")
    idx.sync(store, portions=True)
    return idx


def ids(index: SearchIndex, q: str, p: Principal, portion: bool = True) -> set[str]:
    r = index.search(q, p, today=TODAY, portion=portion, limit=50)
    assert r.total == len(r.results)
    return {h.reference_id for h in r.results}


def test_released_portions_are_searched(index: SearchIndex) -> None:
    assert ids(index, "zebraword", CONF) == {"07OSLO100", "07OSLO101", "07OSLO103"}
    assert ids(index, "gannetword", CONF) == {"07OSLO100", "07OSLO101"}
    assert ids(index, "zebraword", Principal.public()) == {"07OSLO100", "07OSLO101", "07OSLO103"}
    assert ids(index, "gannetword", Principal.public()) == set()  # (C) is above the public


def test_withheld_portions_are_not_searched(index: SearchIndex) -> None:
    assert ids(index, "ospreyword", CONF) == set()  # (S) withheld; 102 is SECRET throughout
    assert ids(index, "puffinword", CONF) == set()  # (C//NF) without NOFORN
    assert ids(index, "zebraword", CONF) == {"07OSLO100", "07OSLO101", "07OSLO103"}
    assert ids(index, "puffinword", CONF_NF) == {"07OSLO104"}
    assert ids(index, "zebraword", CONF_NF) == {"07OSLO100", "07OSLO101", "07OSLO103",
                                                "07OSLO104"}
    assert ids(index, "ospreyword", CONF_NF) == set()
    # NOT looks only at what the reader may see: a withheld word cannot be probed
    assert ids(index, "zebraword -ospreyword", CONF) == {"07OSLO100", "07OSLO101", "07OSLO103"}
    assert ids(index, '"source revealed"', CONF) == set()


def test_whole_cable_policy_is_unchanged(index: SearchIndex) -> None:
    assert ids(index, "zebraword", CONF, portion=False) == {"07OSLO103"}
    owner = Principal.archive_owner()
    assert ids(index, "ospreyword", owner) == {"07OSLO100", "07OSLO101", "07OSLO102",
                                               "07OSLO104"}


def test_subject_only_when_its_mark_is_released(index: SearchIndex) -> None:
    assert ids(index, "kittiwake", CONF) == {"07OSLO101"}  # (U) subject; 100's is unmarked S
    r = index.search("zebraword", CONF, today=TODAY, portion=True)
    subjects = {h.reference_id: h.subject for h in r.results}
    assert subjects["07OSLO100"] == "[withheld]"
    assert subjects["07OSLO101"] == "Invented kittiwake matters"


def test_snippets_come_from_released_portions_only(index: SearchIndex) -> None:
    for q in ("zebraword", "", "harbour OR ospreyword", "tag:prel", "minister"):
        for p in (CONF, Principal.public()):
            r = index.search(q, p, today=TODAY, portion=True, limit=50)
            text = repr(r)
            assert "ospreyword" not in text and "Source revealed" not in text, (q, p)
            assert "puffinword" not in text and "Liaison" not in text, (q, p)
            if p is not CONF:
                assert "gannetword" not in text and "Minister" not in text, (q, p)
        r = index.search(q, CONF_NF, today=TODAY, portion=True, limit=50)
        assert "ospreyword" not in repr(r) and "Source revealed" not in repr(r), q
    r = index.search("minister", CONF, today=TODAY, portion=True)
    assert all("<mark>Minister</mark>" in h.snippet for h in r.results)


def test_facets_count_the_partly_released(index: SearchIndex) -> None:
    r = index.search("", CONF, today=TODAY, portion=True)
    assert r.total == 3
    assert dict(r.facets["classification"]) == {"UNCLASSIFIED": 1, "SECRET": 2}


def test_subject_level_agrees_with_redact() -> None:
    for marking in (None, "(U)", "(C)", "(S//NF)", "(bogus)", "U"):
        c = dataclasses.replace(mixed("07OSLO100"), subject_marking=marking)
        assert subject_level(c) == access_redact.subject_level(c), marking


MARKS = [None, "U", "SBU", "C", "S", "TS", "C//NF", "S//NF", "U//FOUO", "bogus", "C//REL NOR"]


@settings(max_examples=200, deadline=None)
@given(level=st.sampled_from(list(Level)),
       marks=st.lists(st.sampled_from(MARKS), max_size=5))
def test_indexed_levels_follow_the_access_core(level: Level, marks: list[str | None]) -> None:
    """The index's one-pass reading of portion marks equals ``paragraph_level``,
    ``portion_caveats`` and ``portion_floor`` of the access core."""
    c = make_cable("07OSLO100", level=level)
    c = dataclasses.replace(c, paragraphs=tuple(Paragraph(i, m, f"text {i}")
                                                for i, m in enumerate(marks)))
    doc = tantivy.Document()
    add_body(doc, c)
    assert doc.get_first(F.FLOOR) == int(portion_floor(c))
    assert marks_of(c) == (c.level, c.caveats)
    for banner in ("NOFORN", "NODIS"):
        with_banner = dataclasses.replace(c, classification=dataclasses.replace(
            c.classification, caveats=(banner,)))
        assert marks_of(with_banner) == (with_banner.level, with_banner.caveats)
    if marks:
        want = [int(paragraph_level(c, p)) | (NF_BIT if portion_caveats(p) else 0)
                for p in c.paragraphs]
        assert doc.get_all(F.PARA_LEVELS) == want
