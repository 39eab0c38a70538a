"""Searching the tantivy index: fields, phrases, sorting, paging, snippets, facets.

The cables are invented (test_search_support.make_cable); their shape follows
docs/cable-format.md and the rule each field comes from is named where it matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search_support import ListStore, make_cable

from cablegram.access.principal import Principal
from cablegram.archive.index import SearchIndex
from cablegram.errors import QueryError
from cablegram.model import Level, Precedence

OWNER = Principal.archive_owner()
TODAY = date(2026, 1, 1)


def corpus() -> list:  # type: ignore[type-arg]
    return [
        make_cable(
            "07OSLO525", subject="CLUSTER MUNITIONS: NORWAY ASKS U.S. TO PROVE MILITARY UTILITY",
            paragraphs=["Embassy met the task force on the &penal sanctions& clause in Zürich.",
                        "The draft text said <script>alert(1)</script> in a footnote."],
            level=Level.CONFIDENTIAL, tags=["MOPS", "PARM", "PREL", "NATO", "NO"],
            refs=["07STATE64981"], precedence=Precedence.IMMEDIATE,
            when=datetime(2007, 5, 18, 14, 33, tzinfo=UTC),
            info=[("AMEMBASSY CANBERRA", "RUEHBY")]),
        make_cable(
            "07STATE64981", subject="LIMA CONFERENCE INSTRUCTIONS",
            paragraphs=["Posts should deliver points on cluster munitions before Lima."],
            level=Level.SECRET, caveats=["NOFORN"], tags=["PARM"], signer="RICE",
            originator=("SECSTATE WASHDC", "RUEHC"), to=[("AMEMBASSY OSLO", "RUEHNY")],
            precedence=Precedence.PRIORITY, when=datetime(2007, 5, 10, 9, 0, tzinfo=UTC)),
        make_cable(
            "06PARIS100", subject="FRENCH BUDGET DEBATE",
            paragraphs=["The budget debate said nothing of sanctions or penal matters."],
            tags=["ECON", "FR"], when=datetime(2006, 1, 3, 8, 0, tzinfo=UTC),
            originator=("AMEMBASSY PARIS", "RUEHFR"), signer="STAPLETON"),
        make_cable(
            "08OSLO12", subject="NORWAY ELECTION NOTES", level=Level.SBU,
            paragraphs=["Sensitive notes on the election campaign."], tags=["PREL", "NO"],
            when=datetime(2008, 2, 29, 23, 59, tzinfo=UTC)),
        make_cable(
            "09BERLIN5", subject="COALITION TALKS", level=Level.SECRET, caveats=["NODIS"],
            paragraphs=["Coalition partners discussed cluster munitions and budget."],
            tags=["PGOV", "GM"], precedence=Precedence.FLASH, declassify_on=date(2015, 1, 1),
            originator=("AMEMBASSY BERLIN", "RUEHRL"),
            when=datetime(2009, 12, 31, 12, 0, tzinfo=UTC)),
        make_cable(
            "10TOKYO7", subject="UNDATED COPY", level=Level.CONFIDENTIAL, when=None,
            paragraphs=["A copy without its date-time group."], tags=["PREL", "JA"],
            originator=("AMEMBASSY TOKYO", "RUEHKO")),
    ]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    store = ListStore()
    for c in corpus():
        store.add(c)
    ix = SearchIndex(tmp_path_factory.mktemp("ix") / "index")
    assert ix.sync(store) == 6
    yield ix
    ix.close()


def ids(ix: SearchIndex, query: str, principal: Principal = OWNER) -> set[str]:
    return {h.reference_id for h in ix.search(query, principal, limit=100, today=TODAY).results}


FIELD_CASES = [
    ("munitions", {"07OSLO525", "07STATE64981", "09BERLIN5"}),
    ("cluster munitions", {"07OSLO525", "07STATE64981", "09BERLIN5"}),
    ('"penal sanctions"', {"07OSLO525"}),  # the phrase, not the two words (06PARIS100)
    ("penal sanctions", {"07OSLO525", "06PARIS100"}),
    ("zurich", {"07OSLO525"}),  # accents folded
    ("ZÜRICH", {"07OSLO525"}),
    ("U.S.", {"07OSLO525"}),  # in the subject only
    ("munitions -lima", {"07OSLO525", "09BERLIN5"}),
    ("budget OR election", {"06PARIS100", "08OSLO12", "09BERLIN5"}),
    ("(budget OR election) norway", {"08OSLO12"}),
    ("coal*", {"09BERLIN5"}),
    ('"cluster mun*"', {"07OSLO525", "07STATE64981", "09BERLIN5"}),
    ("tag:PARM", {"07OSLO525", "07STATE64981"}),
    ("tag:no", {"07OSLO525", "08OSLO12"}),
    ("tag:P*", {"07OSLO525", "07STATE64981", "08OSLO12", "09BERLIN5", "10TOKYO7"}),
    ("origin:OSLO", {"07OSLO525", "08OSLO12"}),
    ("origin:SECSTATE", {"07STATE64981"}),
    ("class:SECRET", {"07STATE64981", "09BERLIN5"}),
    ("class:>=CONFIDENTIAL", {"07OSLO525", "07STATE64981", "09BERLIN5", "10TOKYO7"}),
    ("class:UNCLASSIFIED", {"06PARIS100", "08OSLO12"}),  # SBU reads as UNCLASSIFIED (C1)
    ("class:SBU", {"08OSLO12"}),
    ("caveat:NOFORN", {"07STATE64981"}),
    ("class:SECRET//NODIS", {"09BERLIN5"}),
    ("from:2007-05-11", {"07OSLO525", "08OSLO12", "09BERLIN5"}),
    ("to:2007", {"07OSLO525", "07STATE64981", "06PARIS100"}),
    ("from:2007 to:2007-05", {"07OSLO525", "07STATE64981"}),
    ("date:2008-02-29", {"08OSLO12"}),
    ("year:2010", set()),  # 10TOKYO7 has no DTG: dates filter on the DTG (H6)
    ("to:RUEHC", {"07OSLO525", "06PARIS100", "08OSLO12", "09BERLIN5", "10TOKYO7"}),
    ("to:canberra", {"07OSLO525"}),
    ('to:"AMEMBASSY OSLO"', {"07STATE64981"}),
    ("from:OSLO", {"07OSLO525", "08OSLO12"}),
    ("from:RUEHC", {"07STATE64981"}),
    ("ref:07STATE64981", {"07OSLO525"}),
    ("signer:rice", {"07STATE64981"}),
    ("id:07OSLO525", {"07OSLO525"}),
    ("07OSLO525", {"07OSLO525"}),
    ("precedence:FLASH", {"09BERLIN5"}),
    ("precedence:IMMEDIATE", {"07OSLO525"}),
    ("subject:norway", {"07OSLO525", "08OSLO12"}),
    ("'; DROP TABLE cables; --", set()),
    ("1.4(b)", set()),
]


@pytest.mark.parametrize(("query", "expected"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_queries(index: SearchIndex, query: str, expected: set[str]) -> None:
    assert ids(index, query) == expected
    assert index.search(query, OWNER, today=TODAY).total == len(expected)


def test_empty_query_lists_everything_newest_first(index: SearchIndex) -> None:
    r = index.search("", OWNER, today=TODAY)
    assert r.total == 6
    # no words to score: newest first, the undated cable last
    assert [h.reference_id for h in r.results] == [
        "09BERLIN5", "08OSLO12", "07OSLO525", "07STATE64981", "06PARIS100", "10TOKYO7"]


def test_sort_by_date_both_ways(index: SearchIndex) -> None:
    up = [h.reference_id for h in index.search("munitions", OWNER, sort="date").results]
    down = [h.reference_id for h in index.search("munitions", OWNER, sort="-date").results]
    assert up == ["07STATE64981", "07OSLO525", "09BERLIN5"]
    assert down == list(reversed(up))


def test_paging_walks_the_same_order(index: SearchIndex) -> None:
    whole = [h.reference_id for h in index.search("", OWNER, limit=6, sort="date").results]
    pages = [h.reference_id for off in (0, 2, 4)
             for h in index.search("", OWNER, limit=2, offset=off, sort="date").results]
    assert pages == whole
    beyond = index.search("", OWNER, limit=5, offset=10)
    assert beyond.total == 6 and beyond.results == []


def test_huge_offsets_and_limits_never_reach_tantivy(index: SearchIndex) -> None:
    # tantivy reserves memory for offset + limit hits: 10**12 would abort the process
    r = index.search("", OWNER, limit=10, offset=10**12)
    assert r.total == 6 and r.results == []
    assert len(index.search("", OWNER, limit=10_000, offset=5).results) == 1
    with pytest.raises(QueryError, match="more than 10000 results a page"):
        index.search("", OWNER, limit=10**9)


def test_limit_zero_counts_only(index: SearchIndex) -> None:
    r = index.search("munitions", OWNER, limit=0)
    assert r.total == 3 and r.results == []


def test_relevance_prefers_the_subject(index: SearchIndex) -> None:
    r = index.search("norway", OWNER)
    assert r.results[0].score >= r.results[-1].score > 0
    assert {h.reference_id for h in r.results} == {"07OSLO525", "08OSLO12"}


def test_hit_fields(index: SearchIndex) -> None:
    (hit,) = index.search("id:07STATE64981", OWNER).results
    assert hit.subject == "LIMA CONFERENCE INSTRUCTIONS"
    assert hit.dtg == "2007-05-10T09:00:00Z"
    assert hit.classification == "SECRET"
    assert hit.caveats == ("NOFORN",)
    assert hit.origin == "STATE"
    (sbu,) = index.search("id:08OSLO12", OWNER).results
    assert sbu.classification == "UNCLASSIFIED"  # the label of SBU (C1)


def test_snippets_escape_cable_text_and_mark_matches(index: SearchIndex) -> None:
    (hit,) = index.search("alert", OWNER).results
    assert "<mark>alert</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<script>" not in hit.snippet
    (z,) = index.search("zurich", OWNER).results
    assert "<mark>Zürich</mark>" in z.snippet  # byte ranges mapped back to characters
    assert "&amp;penal sanctions&amp;" in z.snippet


def test_snippet_of_a_prefix_marks_the_words(index: SearchIndex) -> None:
    (hit,) = index.search("coal*", OWNER).results
    assert "<mark>Coalition</mark>" in hit.snippet


def test_snippet_without_words_is_the_opening(index: SearchIndex) -> None:
    (hit,) = index.search("tag:FR", OWNER).results
    assert hit.snippet == "The budget debate said nothing of sanctions or penal matters."


def test_negated_words_are_not_marked(index: SearchIndex) -> None:
    (hit,) = index.search("election -budget", OWNER).results
    assert "<mark>election</mark>" in hit.snippet
    for h in index.search("munitions -budget", OWNER).results:
        assert "<mark>budget</mark>" not in h.snippet


def test_facets_count_the_whole_result_set(index: SearchIndex) -> None:
    r = index.search("", OWNER, limit=1)
    assert len(r.results) == 1
    f = r.facets
    assert f["tags"][0] == ("PREL", 3)
    assert ("PARM", 2) in f["tags"] and ("FR", 1) in f["tags"]
    assert f["origin"][0] == ("OSLO", 2)
    # C1: levels low to high; SBU counts under its label UNCLASSIFIED
    assert f["classification"] == [("UNCLASSIFIED", 2), ("CONFIDENTIAL", 2), ("SECRET", 2)]
    # years of the DTG, as year:/from:/to: filter: the undated 10TOKYO7 is not counted
    assert f["year"] == [("2006", 1), ("2007", 2), ("2008", 1), ("2009", 1)]
    assert dict(f["precedence"]) == {"ROUTINE": 3, "IMMEDIATE": 1, "PRIORITY": 1, "FLASH": 1}
    assert f["caveats"] == [("NODIS", 1), ("NOFORN", 1)]
    assert r.histogram == [("2006-01", 1), ("2007-05", 2), ("2008-02", 1), ("2009-12", 1)]


def test_facets_follow_the_query(index: SearchIndex) -> None:
    r = index.search("munitions", OWNER)
    assert dict(r.facets["origin"]) == {"OSLO": 1, "STATE": 1, "BERLIN": 1}
    assert index.search("munitions", OWNER, facets=False).facets == {}
    none = index.search("nosuchword", OWNER)
    assert none.total == 0 and none.facets == {} and none.histogram == []


def test_as_dict_is_json_ready(index: SearchIndex) -> None:
    d = index.search("munitions", OWNER).as_dict()
    assert d["total"] == 3
    assert {"value": "PARM", "count": 2} in d["facets"]["tags"]


def test_ids_lists_every_match_oldest_first(index: SearchIndex) -> None:
    assert list(index.ids("munitions", OWNER)) == ["07STATE64981", "07OSLO525", "09BERLIN5"]
    assert list(index.ids("", OWNER))[-1] == "10TOKYO7"
    assert list(index.ids("nosuchword", OWNER)) == []


def test_access_filter_inside_the_query(index: SearchIndex) -> None:
    public = Principal.public()
    # The public holds no clearance: SBU is above UNCLASSIFIED (C1) and is withheld;
    # 09BERLIN5 was declassified on 2015-01-01 (C3) and reads as unclassified.
    assert ids(index, "", public) == {"06PARIS100", "09BERLIN5"}
    r = index.search("munitions", public, today=TODAY)
    assert r.total == 1 and dict(r.facets["origin"]) == {"BERLIN": 1}
    assert r.histogram == [("2009-12", 1)]
    # before the declassification date the NODIS cable is withheld again
    assert ids_on(index, "munitions", public, date(2014, 12, 31)) == set()
    secret = Principal("analyst", clearance=Level.SECRET)
    assert ids(index, "munitions", secret) == {"07OSLO525", "09BERLIN5"}  # not NOFORN
    us = Principal("us", clearance=Level.SECRET, caveats=frozenset({"NOFORN"}))
    assert ids(index, "munitions", us) == {"07OSLO525", "07STATE64981", "09BERLIN5"}


def ids_on(ix: SearchIndex, q: str, p: Principal, today: date) -> set[str]:
    return {h.reference_id for h in ix.search(q, p, today=today).results}


def test_distribution_caption_waived_for_posts_in_the_distribution(
        index: SearchIndex) -> None:
    early = date(2010, 1, 1)  # before 09BERLIN5's declassification
    outsider = Principal("x", clearance=Level.SECRET)
    assert "09BERLIN5" not in ids_on(index, "coalition", outsider, early)
    berlin = Principal("y", clearance=Level.SECRET, posts=frozenset({"RUEHRL"}))
    assert ids_on(index, "coalition", berlin, early) == {"09BERLIN5"}
    dept = Principal("z", clearance=Level.SECRET, posts=frozenset({"SECSTATE WASHDC"}))
    assert ids_on(index, "coalition", dept, early) == {"09BERLIN5"}
    cleared = Principal("w", clearance=Level.SECRET, caveats=frozenset({"NODIS"}))
    assert ids_on(index, "coalition", cleared, early) == {"09BERLIN5"}


@pytest.mark.parametrize("bad", [{"sort": "size"}, {"limit": -1}, {"offset": -5}])
def test_bad_arguments(index: SearchIndex, bad: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(QueryError):
        index.search("x", OWNER, **bad)


def test_bad_query_is_a_query_error(index: SearchIndex) -> None:
    with pytest.raises(QueryError, match="never closed"):
        index.search("(munitions", OWNER)


def test_index_path_is_kept(index: SearchIndex, tmp_path: Path) -> None:
    assert index.path.name == "index"


QUERY_PARTS = st.sampled_from([
    "AND", "OR", "NOT", "(", ")", '"', "-", "*", "tag:", "to:", "from:", "class:>=", "id:",
    "ref:", "precedence:", "caveat:", "origin:", "signer:", "07OSLO525", "U.S.", "1.4(b)",
    "2007-05", "SECRET", "munitions", "clu", "'", ";", " ", "ü", "\\", "[", ".*", "+", "{",
])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PARTS | st.text(max_size=4), max_size=10).map("".join))
def test_any_query_runs_or_says_why(index: SearchIndex, query: str) -> None:
    """Whatever is typed, the index answers or raises QueryError: never anything else."""
    try:
        r = index.search(query, Principal.public(), limit=3, today=TODAY)
    except QueryError as exc:
        assert str(exc)
        return
    assert r.total >= len(r.results)
    assert all(h.reference_id in {"06PARIS100", "09BERLIN5"} for h in r.results)


@pytest.mark.parametrize("query", ["", "munitions", "tag:PARM", "nosuchword"])
def test_tag_facet_is_the_same_either_way(index: SearchIndex, query: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Tags are counted by aggregation or by postings depending on the share of hits."""
    import cablegram.archive.searching as index_mod

    monkeypatch.setattr(index_mod, "_POSTINGS_FACET_SHARE", 10**9)  # always postings
    by_postings = index.search(query, Principal.public(), today=TODAY).facets
    monkeypatch.setattr(index_mod, "_POSTINGS_FACET_SHARE", 0)  # always aggregation
    by_agg = index.search(query, Principal.public(), today=TODAY).facets
    assert by_postings == by_agg


@pytest.mark.parametrize("query", [q for q, _ in FIELD_CASES] + [
    "", "munitions OR budget", "munitions -lima", "nosuchword", "tag:PARM munitions"])
def test_most_matching_bounds_the_result(index: SearchIndex, query: str) -> None:
    """The bound that picks how tags are counted, before the search runs, is never
    below the result (were it, a large result would be counted the slow way)."""
    from cablegram.archive.query import parse
    from cablegram.archive.searching import most_matching

    bound = most_matching(parse(query), index._searcher())
    assert bound >= index.search(query, OWNER, today=TODAY, facets=False).total
    assert bound <= index.num_docs()


def _facets_in_child(ix: SearchIndex, out: Any) -> None:
    out.send(ix.search("munitions", OWNER, today=TODAY).facets)


def test_facet_passes_run_in_a_forked_child(index: SearchIndex) -> None:
    """The facet passes run on a thread pool; a child forked after a search (a
    pre-forking server's worker) has none of its parent's threads and must start
    its own, not wait forever on the parent's."""
    import multiprocessing

    parent = index.search("munitions", OWNER, today=TODAY).facets  # the pool now exists
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_facets_in_child, args=(index, send))
    child.start()
    try:
        assert recv.poll(60), "the forked child's search did not answer"
        assert recv.recv() == parent
    finally:
        child.join(5)
        if child.is_alive():
            child.kill()


def test_keyed_facets_sum_each_facet_from_the_facet_key() -> None:
    """Classification, precedence and caveats are summed from one aggregation over
    ``level/PRECEDENCE/caveat set`` (indexdoc.facet_key); SBU counts as UNCLASSIFIED."""
    from cablegram.archive.indexdoc import facet_key
    from cablegram.archive.searching import _keyed_facets

    keys = [(facet_key(Level.SECRET, "IMMEDIATE", ("SIPDIS", "NOFORN", "SIPDIS")), 2),
            (facet_key(Level.SBU, "NIACT IMMEDIATE", ()), 1),
            (facet_key(Level.UNCLASSIFIED, "ROUTINE", ("SIPDIS",)), 4)]
    assert keys[0][0] == "3/IMMEDIATE/NOFORN|SIPDIS"
    assert _keyed_facets(keys) == {
        "classification": [("UNCLASSIFIED", 5), ("SECRET", 2)],
        "precedence": [("ROUTINE", 4), ("IMMEDIATE", 2), ("NIACT IMMEDIATE", 1)],
        "caveats": [("SIPDIS", 6), ("NOFORN", 2)],
    }
