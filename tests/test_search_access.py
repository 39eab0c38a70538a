"""The index's access filter selects exactly what ``may_read`` allows (property test).

For generated principals and small generated corpora, totals, the ids, every
facet count and the month histogram equal those computed in Python by filtering
the cables with :func:`cablegram.access.principal.decide` (``may_read`` on the
whole cable), and no hit or snippet comes from a withheld cable.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search_support import ListStore, make_cable

from cablegram.access.principal import Principal, decide
from cablegram.archive.index import SearchIndex
from cablegram.archive.indexfilter import NEVER, access_terms, after, later_than
from cablegram.model import Cable, Level, Precedence

TODAY = date(2012, 6, 1)
# Each example builds an index; on tmpfs its commits' fsyncs cost nothing.
FAST_TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None
POSTS = [("AMEMBASSY OSLO", "RUEHNY"), ("SECSTATE WASHDC", "RUEHC"),
         ("AMEMBASSY PARIS", "RUEHFR"), ("AMEMBASSY  TOKYO", None)]  # two spaces: names
# are compared with runs of spaces folded (distribution_of)
CAVEATS = ["NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "SIPDIS", "ROGER"]
TAGS = ["PARM", "PREL", "NO", "FR", "KPAO"]
WORDS = ["alpha", "bravo", "charlie"]

post = st.sampled_from(POSTS)
cable_parts = st.fixed_dictionaries({
    "level": st.sampled_from(list(Level)),
    "caveats": st.lists(st.sampled_from(CAVEATS), unique=True, max_size=3),
    "tags": st.lists(st.sampled_from(TAGS), unique=True, min_size=1, max_size=3),
    "originator": post,
    "to": st.lists(post, max_size=2),
    "declassify_on": st.none() | st.dates(date(2010, 1, 1), date(2014, 12, 31)),
    "when": st.none() | st.datetimes(datetime(2006, 1, 1), datetime(2010, 12, 31)),
    "words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    "precedence": st.sampled_from(list(Precedence)),
})
principals = st.builds(
    Principal,
    name=st.sampled_from(["alice", "public"]),
    clearance=st.sampled_from(list(Level)),
    caveats=st.frozensets(st.sampled_from(CAVEATS), max_size=3),
    # posts as names, as RIs, and once in lower case (which the rule does not match)
    posts=st.frozensets(st.sampled_from(["RUEHNY", "SECSTATE WASHDC", "AMEMBASSY PARIS",
                                         "RUEHC", "amembassy tokyo", "AMEMBASSY TOKYO"]),
                        max_size=2),
    owner=st.sampled_from([False, False, False, True]),  # the owner now and then
)


def build(i: int, parts: dict) -> Cable:  # type: ignore[type-arg]
    origin = parts["originator"][0].split()[-1]
    return make_cable(
        f"07{origin}{i + 1}", level=parts["level"], caveats=parts["caveats"],
        tags=parts["tags"], originator=parts["originator"], to=parts["to"],
        declassify_on=parts["declassify_on"],
        when=parts["when"].replace(tzinfo=UTC) if parts["when"] else None,
        paragraphs=[" ".join(parts["words"])], precedence=parts["precedence"],
        subject=f"SUBJECT {i}")


def visible(p: Principal, c: Cable) -> bool:
    """The access core's decision for the whole cable (search shows whole cables only)."""
    return decide(p, c, TODAY).allowed


QUERIES = {
    "": lambda c: True,
    "alpha": lambda c: "alpha" in c.body,
    "tag:PARM": lambda c: any(t.code == "PARM" for t in c.tags),
    "bravo -charlie": lambda c: "bravo" in c.body and "charlie" not in c.body,
}


def expected_facets(cables: list[Cable]) -> dict[str, dict[str, int]]:
    labels: Counter[str] = Counter(c.level.label for c in cables)
    return {
        "tags": dict(Counter(t.code for c in cables for t in c.tags)),
        "origin": dict(Counter(c.origin for c in cables if c.origin)),
        "classification": dict(labels),
        "year": dict(Counter(f"{c.dtg.when.year:04d}" for c in cables if c.dtg)),
        "precedence": dict(Counter(c.precedence.word for c in cables)),
        "caveats": dict(Counter(v for c in cables for v in c.caveats)),
    }


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(cable_parts, min_size=1, max_size=10), st.lists(principals, min_size=1,
                                                                 max_size=4))
def test_search_agrees_with_may_read(corpus: list, people: list[Principal]) -> None:  # type: ignore[type-arg]
    cables = [build(i, parts) for i, parts in enumerate(corpus)]
    store = ListStore()
    for c in cables:
        store.add(c)
    with tempfile.TemporaryDirectory(dir=FAST_TMP) as tmp:
        ix = SearchIndex(Path(tmp) / "ix")
        ix.sync(store)
        for p in people:
            for query, matches in QUERIES.items():
                want = [c for c in cables if matches(c) and visible(p, c)]
                want_ids = {str(c.reference_id) for c in want}
                r = ix.search(query, p, limit=50, today=TODAY)
                assert r.total == len(want), (query, p)
                assert {h.reference_id for h in r.results} == want_ids
                assert set(ix.ids(query, p, today=TODAY)) == want_ids
                for h in r.results:  # snippets come only from the visible cable itself
                    c = next(c for c in want if str(c.reference_id) == h.reference_id)
                    for w in WORDS:
                        if f"<mark>{w}</mark>" in h.snippet:
                            assert w in c.body
                if not want:
                    assert r.facets == {} and r.histogram == []
                    continue
                got = {k: dict(v) for k, v in r.facets.items()}
                want_facets = {k: v for k, v in expected_facets(want).items() if v}
                assert {k: v for k, v in got.items() if v} == want_facets, (query, p)
                months = Counter(f"{c.dtg.when:%Y-%m}" for c in want if c.dtg)
                assert dict(r.histogram) == dict(months)


def test_declassification_is_by_date_inclusive(tmp_path: Path) -> None:
    """C3: a cable reads as unclassified ON its declassify-on date, not the day after."""
    store = ListStore()
    store.add(make_cable("07OSLO1", level=Level.TOP_SECRET, caveats=["NOFORN"],
                         declassify_on=TODAY))
    ix = SearchIndex(tmp_path / "ix")
    ix.sync(store)
    public = Principal.public()
    assert ix.search("", public, today=TODAY).total == 1
    assert ix.search("", public, today=TODAY - timedelta(days=1)).total == 0


def test_access_terms_hold_what_the_filter_decides_on() -> None:
    """The declassify-on date (9999-12-31 without one, C3) at three precisions beside
    the level (C1) and beside each caveat (C2, T3)."""
    day = date(2031, 3, 4).toordinal()
    assert access_terms(day, Level.SECRET, ("SIPDIS", "NOFORN", "SIPDIS")) == [
        "Y2031/L/3", "Y2031/C/NOFORN", "Y2031/C/SIPDIS",
        "M203103/L/3", "M203103/C/NOFORN", "M203103/C/SIPDIS",
        "D20310304/L/3", "D20310304/C/NOFORN", "D20310304/C/SIPDIS"]
    assert access_terms(NEVER, Level.UNCLASSIFIED, ()) == ["Y9999/L/0", "M999912/L/0",
                                                           "D99991231/L/0"]


@given(st.dates(date(1, 1, 1), date(9999, 12, 30)), st.dates(date(1, 1, 1), date(9999, 12, 31)))
def test_later_than_matches_exactly_the_later_dates(today: date, other: date) -> None:
    """A cable's date terms match the expression iff it is declassified after today."""
    import re

    pattern = later_than(today)
    assert pattern is not None
    matched = [t for t in access_terms(other.toordinal(), Level.SECRET, ())
               if re.fullmatch(pattern + "/L/3", t)]
    assert len(matched) == (1 if other > today else 0)
    assert after("99") is None
